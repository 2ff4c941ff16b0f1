#!/usr/bin/env python3
"""vulkaninfo through rendersock reports exactly what native lavapipe does.

Both runs write vulkaninfo's JSON profile; every value must be equal except:
  - deviceName, which must read "rendersock: " + the host's name, and the
    profile's name derived from it;
  - device extensions we deliberately filter (not forwarded), and the
    feature, property and format structures those extensions add.
Nothing may appear through rendersock that the native driver lacks.

usage: test_vulkaninfo.py BUILD_DIR [--validation]
"""
import glob
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

REGISTRY = '/usr/share/vulkan/registry/vk.xml'


def struct_owners():
    """Structure name -> the extension that adds it (None for core)."""
    owners = {}
    root = ET.parse(REGISTRY).getroot()
    for extension in root.find('extensions').findall('extension'):
        for require in extension.findall('require'):
            for type_ in require.findall('type'):
                owners.setdefault(type_.get('name'), extension.get('name'))
    for type_ in root.find('types').findall('type'):
        if type_.get('alias') and type_.get('alias') in owners:
            owners.setdefault(type_.get('name'), owners[type_.get('alias')])
    return owners


def run_vulkaninfo(env, folder):
    result = subprocess.run(['vulkaninfo', '--json'], env=env, cwd=folder, capture_output=True,
                            text=True, timeout=300)
    if result.returncode != 0:
        raise SystemExit(f'vulkaninfo failed ({result.returncode}):\n{result.stderr}')
    files = glob.glob(os.path.join(folder, 'VP_VULKANINFO_*.json'))
    if len(files) != 1:
        raise SystemExit(f'expected one profile in {folder}, found {files}')
    with open(files[0]) as f:
        return json.load(f), result.stderr


def compare(native, forwarded, path, problems, allowed):
    if isinstance(native, dict) and isinstance(forwarded, dict):
        for key in sorted(set(native) | set(forwarded)):
            sub = f'{path}/{key}'
            if key not in forwarded:
                if not allowed(sub, key):
                    problems.append(f'missing through rendersock: {sub}')
            elif key not in native:
                problems.append(f'only through rendersock: {sub}')
            else:
                compare(native[key], forwarded[key], sub, problems, allowed)
    elif native != forwarded:
        if path.endswith('/deviceName') and forwarded == 'rendersock: ' + native:
            return
        problems.append(f'differs: {path}: native {str(native)[:80]!r} rendersock {str(forwarded)[:80]!r}')


def main():
    build_dir = os.path.abspath(sys.argv[1])
    validation = '--validation' in sys.argv
    owners = struct_owners()
    with harness.server(build_dir) as server:
        extra = {'VK_INSTANCE_LAYERS': 'VK_LAYER_KHRONOS_validation'} if validation else {}
        with tempfile.TemporaryDirectory() as native_dir, tempfile.TemporaryDirectory() as rs_dir:
            native, _ = run_vulkaninfo(harness.native_env(server.folder, **extra), native_dir)
            forwarded, stderr = run_vulkaninfo(server.client_env(**extra), rs_dir)
    if validation and 'VUID' in stderr:
        raise SystemExit('validation errors through rendersock:\n' + stderr)
    exposed = set(forwarded['capabilities']['device']['extensions'])
    filtered = set(native['capabilities']['device']['extensions']) - exposed

    def allowed(path, key):
        if '/extensions/' in path:
            return key in filtered
        if '/features/' in path or '/properties/' in path or '/formats/' in path:
            return owners.get(key) in filtered
        return False

    problems = []
    native_caps = native['capabilities']
    forwarded_caps = forwarded['capabilities']
    compare(native_caps, forwarded_caps, '/capabilities', problems, allowed)
    print(f'exposed {len(exposed)} device extensions, filtered {len(filtered)}: {sorted(filtered)}')
    if problems:
        print('\n'.join(problems[:50]))
        raise SystemExit(f'{len(problems)} differences beyond the filtered extensions')
    print('vulkaninfo through rendersock matches native lavapipe')


if __name__ == '__main__':
    main()
