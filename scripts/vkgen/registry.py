"""Reads vk.xml into plain Python objects the emitters share.

Only what the Vulkan API (not Vulkan SC) defines is kept. Types are described
by how they travel: scalars of a size, handles, structs, pointers with their
length expressions, strings.
"""
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

# C scalar types and their sizes on the 64-bit ABIs we support.
SCALAR_SIZES = {
    'uint8_t': 1, 'int8_t': 1, 'char': 1, 'uint16_t': 2, 'int16_t': 2,
    'uint32_t': 4, 'int32_t': 4, 'float': 4, 'uint64_t': 8, 'int64_t': 8,
    'double': 8, 'size_t': 8, 'int': 4, 'VkBool32': 4, 'VkFlags': 4,
    'VkFlags64': 8, 'VkDeviceSize': 8, 'VkDeviceAddress': 8, 'VkSampleMask': 4,
}


@dataclass
class Member:
    name: str
    type: str            # base type name, e.g. uint32_t, VkBuffer, VkFooCreateInfo
    pointer_depth: int   # number of '*'
    const: bool          # the pointee is const
    array: list          # fixed array dimensions (ints), e.g. [4] or [256]
    len: list            # len expression parts, e.g. ['enabledLayerCount', 'null-terminated']
    optional: bool
    bitfield: bool
    values: str | None   # sType value for the sType member
    stride: str | None = None  # array elements lie this member's value apart (vk.xml stride=)
    no_auto_validity: bool = False  # vk.xml noautovalidity: validity depends on other members


@dataclass
class Struct:
    name: str
    members: list
    is_union: bool
    returned_only: bool
    extends: list
    stype: str | None
    alias: str | None = None


@dataclass
class Command:
    name: str
    return_type: str
    params: list
    alias: str | None = None
    success_codes: list = field(default_factory=list)


@dataclass
class Registry:
    structs: dict
    handles: dict         # name -> dispatchable (bool)
    handle_parents: dict
    object_types: dict    # handle name -> VK_OBJECT_TYPE_*
    enums: set            # enum type names (4 bytes)
    bitmasks: dict        # bitmask type -> size
    basetypes: dict       # basetype -> underlying
    aliases: dict         # type alias -> target
    constants: dict
    commands: dict
    features: list        # [(name, number, [commands], [types])]
    extensions: dict      # name -> (type, [commands], [types], number, supported)
    header_version: int

    def resolve(self, name):
        while name in self.aliases:
            name = self.aliases[name]
        return name

    def scalar_size(self, type_name):
        type_name = self.resolve(type_name)
        if type_name in SCALAR_SIZES:
            return SCALAR_SIZES[type_name]
        if type_name in self.enums:
            return 4
        if type_name in self.bitmasks:
            return self.bitmasks[type_name]
        if type_name in self.basetypes:
            return self.scalar_size(self.basetypes[type_name])
        return None


def _for_vulkan(element):
    api = element.get('api')
    return api is None or 'vulkan' in api.split(',')


def _parse_member(element, constants):
    text = ''.join(element.itertext())
    text = re.sub(r'/\*.*?\*/', '', text)
    comment = element.find('comment')
    if comment is not None and comment.text:
        text = text.replace(comment.text, '')
    type_name = element.find('type').text
    name = element.find('name').text
    tail = text.split(name, 1)[1] if name in text else ''
    head = text.split(name, 1)[0]
    dims = []
    for dim in re.findall(r'\[([^\]]+)\]', tail):
        dim = dim.strip()
        dims.append(int(dim) if dim.isdigit() else constants[dim])
    length = element.get('altlen') or element.get('len')
    return Member(
        name=name,
        type=type_name,
        pointer_depth=head.count('*'),
        const=head.strip().startswith('const'),
        array=dims,
        len=length.split(',') if length else [],
        optional=(element.get('optional') or '').startswith('true'),
        bitfield=':' in tail,
        values=element.get('values'),
        stride=element.get('stride'),
        no_auto_validity=element.get('noautovalidity') == 'true',
    )


def _parse_constants(root):
    constants = {}
    for enums in root.findall('enums'):
        if enums.get('name') != 'API Constants':
            continue
        for enum in enums.findall('enum'):
            value = enum.get('value')
            if value and value.isdigit():
                constants[enum.get('name')] = int(value)
        for enum in enums.findall('enum'):
            if enum.get('alias') in constants:
                constants[enum.get('name')] = constants[enum.get('alias')]
    return constants


def _parse_types(root, registry):
    for element in root.find('types').findall('type'):
        if not _for_vulkan(element):
            continue
        category = element.get('category')
        name = element.get('name') or (element.find('name').text if element.find('name') is not None else None)
        if element.get('alias'):
            registry.aliases[name] = element.get('alias')
            continue
        if category in ('struct', 'union'):
            members = [_parse_member(m, registry.constants)
                       for m in element.findall('member') if _for_vulkan(m)]
            stype = next((m.values for m in members if m.name == 'sType' and m.values), None)
            registry.structs[name] = Struct(
                name=name, members=members, is_union=category == 'union',
                returned_only=element.get('returnedonly') == 'true',
                extends=(element.get('structextends') or '').split(',') if element.get('structextends') else [],
                stype=stype)
        elif category == 'handle':
            macro = element.find('type').text
            registry.handles[name] = macro == 'VK_DEFINE_HANDLE'
            registry.handle_parents[name] = element.get('parent')
            registry.object_types[name] = element.get('objtypeenum')
        elif category == 'enum':
            registry.enums.add(name)
        elif category == 'bitmask':
            base = element.find('type').text
            registry.bitmasks[name] = 8 if base == 'VkFlags64' else 4
        elif category == 'basetype':
            base = element.find('type')
            if base is not None:
                registry.basetypes[name] = base.text


def _parse_commands(root, registry):
    for element in root.find('commands').findall('command'):
        if not _for_vulkan(element):
            continue
        if element.get('alias'):
            registry.commands[element.get('name')] = Command(
                name=element.get('name'), return_type='', params=[], alias=element.get('alias'))
            continue
        proto = element.find('proto')
        name = proto.find('name').text
        params = [_parse_member(p, registry.constants)
                  for p in element.findall('param') if _for_vulkan(p)]
        registry.commands[name] = Command(
            name=name, return_type=proto.find('type').text, params=params,
            success_codes=(element.get('successcodes') or '').split(','))


def _requirements(element):
    # Blocks that apply only together with another extension are left out:
    # they belong to that extension's interaction, not to this one.
    commands, types = [], []
    for require in element.findall('require'):
        if not _for_vulkan(require) or require.get('extension') or require.get('depends'):
            continue
        commands += [c.get('name') for c in require.findall('command') if _for_vulkan(c)]
        types += [t.get('name') for t in require.findall('type') if _for_vulkan(t)]
    return commands, types


def load(path):
    root = ET.parse(path).getroot()
    registry = Registry(structs={}, handles={}, handle_parents={}, object_types={}, enums=set(),
                        bitmasks={}, basetypes={}, aliases={}, constants=_parse_constants(root),
                        commands={}, features=[], extensions={}, header_version=0)
    _parse_types(root, registry)
    _parse_commands(root, registry)
    for feature in root.findall('feature'):
        if not _for_vulkan(feature):
            continue
        commands, types = _requirements(feature)
        registry.features.append((feature.get('name'), feature.get('number'), commands, types))
    for extension in root.find('extensions').findall('extension'):
        supported = (extension.get('supported') or '').split(',')
        if 'vulkan' not in supported:
            continue
        commands, types = _requirements(extension)
        registry.extensions[extension.get('name')] = (
            extension.get('type'), commands, types, int(extension.get('number')), extension)
    for define in root.find('types').findall('type'):
        name = define.find('name')
        if name is not None and name.text == 'VK_HEADER_VERSION' and define.text is not None:
            pass
        if name is not None and name.text == 'VK_HEADER_VERSION':
            registry.header_version = int(re.search(r'(\d+)\s*$', ''.join(define.itertext())).group(1))
    return registry
