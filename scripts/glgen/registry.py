"""Reads the parts of the Khronos GL registry (gl.xml) the generator needs:
commands with their parameters, features (core versions) and extensions."""
import re
import xml.etree.ElementTree as ET


class Param:
    def __init__(self, element):
        text = ' '.join(''.join(element.itertext()).split())
        self.name = element.find('name').text
        ptype = element.find('ptype')
        self.base = ptype.text if ptype is not None else text.replace('const', '').replace('*', '').split()[0]
        self.declaration = text
        # The C type without the name, e.g. "const GLfloat *".
        self.ctype = text[: text.rfind(self.name)].strip()
        self.pointers = self.ctype.count('*')
        self.const = self.ctype.startswith('const')
        self.length = element.get('len')
        self.group = element.get('group')


class Command:
    def __init__(self, element):
        proto = element.find('proto')
        self.name = proto.find('name').text
        text = ' '.join(''.join(proto.itertext()).split())
        self.return_type = text[: text.rfind(self.name)].strip()
        self.params = [Param(p) for p in element.findall('param')]
        alias = element.find('alias')
        self.alias = alias.get('name') if alias is not None else None

    def param(self, name):
        for p in self.params:
            if p.name == name:
                return p
        return None


class Registry:
    def __init__(self, path):
        root = ET.parse(path).getroot()
        self.commands = {}
        for element in root.find('commands'):
            command = Command(element)
            self.commands[command.name] = command
        # (api, version number, [command names]) per feature; removals are
        # ignored: the compatibility profile keeps everything.
        self.features = []
        for feature in root.findall('feature'):
            names = [c.get('name') for r in feature.findall('require') for c in r.findall('command')]
            self.features.append((feature.get('api'), float(feature.get('number')), names))
        # name -> (supported apis, [command names])
        self.extensions = {}
        for extension in root.find('extensions'):
            names = []
            for require in extension.findall('require'):
                if require.get('api') not in (None, 'gl', 'gles2', 'glcore'):
                    continue
                names += [c.get('name') for c in require.findall('command')]
            apis = set(re.split(r'\|', extension.get('supported') or ''))
            self.extensions[extension.get('name')] = (apis, names)
