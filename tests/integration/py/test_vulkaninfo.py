#!/usr/bin/env python3
"""vulkaninfo through rendersock reports exactly what native lavapipe does.

Both runs write vulkaninfo's JSON profile; every value must be equal except:
  - deviceName, which must read "rendersock: " + the host's name, and the
    profile's name derived from it;
  - device extensions we deliberately filter (not forwarded), and the
    feature, property and format structures those extensions add.
Nothing may appear through rendersock that the native driver lacks.

Plain vulkaninfo (text mode, every section, device groups included) must
also run through rendersock, exit 0, name the device and print the same
text as natively, except for the same filtered extensions and the instance
extensions (window systems are the ICD's own). With Xvfb it runs once more
on a window system, where the surface sections must be printed.

usage: test_vulkaninfo.py BUILD_DIR [--validation]
"""
import ctypes
import difflib
import glob
import json
import os
import re
import shutil
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


def run_vulkaninfo_text(env, folder):
    """Plain `vulkaninfo`: the text report, every section."""
    result = subprocess.run(['vulkaninfo'], env=env, cwd=folder, capture_output=True, text=True,
                            timeout=300)
    if result.returncode != 0:
        how = f'killed by signal {-result.returncode}' if result.returncode < 0 else f'exit {result.returncode}'
        tail = '\n'.join(result.stdout.splitlines()[-15:])
        raise SystemExit(f'text-mode vulkaninfo failed ({how}); last lines:\n{tail}\n{result.stderr}')
    return result.stdout, result.stderr


def without_display(env):
    env = dict(env)
    for name in ('DISPLAY', 'WAYLAND_DISPLAY'):
        env.pop(name, None)
    return env


def comparable_text(text, owners, filtered):
    """The text report without what may differ: the instance extension list
    (ours has the ICD's window systems), the count of device extensions, the
    filtered extensions and the structure blocks they add."""
    lines = text.splitlines()
    kept = []
    i = 0
    while i < len(lines):
        line = lines[i]
        title = line.strip().rstrip(':')
        underlined = i + 1 < len(lines) and lines[i + 1].strip() and set(lines[i + 1].strip()) <= {'-', '='}
        if line.startswith('Instance Extensions: count') or (underlined and owners.get(title) in filtered):
            while i < len(lines) and lines[i].strip():  # the block and the blank line after it
                i += 1
            i += 1
            continue
        if line.startswith('Device Extensions: count'):
            i += 1
            continue
        if line.strip().split(' ', 1)[0] in filtered and ': extension revision' in line:
            i += 1
            continue
        kept.append(line)
        i += 1
    return kept


def compare_text(native_text, forwarded_text, host_name, owners, filtered):
    if not re.search(r'^\s*deviceName\s*=\s*rendersock: ' + re.escape(host_name) + r'\s*$', forwarded_text, re.M):
        raise SystemExit(f'text-mode vulkaninfo does not name the device "rendersock: {host_name}"')
    for section in ('Device Groups:', 'Present Capabilities:', 'Device Properties and Extensions:',
                    'VkPhysicalDeviceFeatures:', 'VkPhysicalDeviceMemoryProperties:', 'VkQueueFamilyProperties:'):
        if not any(l.strip().startswith(section) for l in forwarded_text.splitlines()):
            raise SystemExit(f'text-mode vulkaninfo through rendersock lacks "{section}"')
    native = comparable_text(native_text, owners, filtered)
    forwarded = comparable_text(forwarded_text.replace('rendersock: ' + host_name, host_name), owners, filtered)
    if native != forwarded:
        diff = list(difflib.unified_diff(native, forwarded, 'native', 'rendersock', lineterm='', n=1))
        print('\n'.join(diff[:80]))
        raise SystemExit('text-mode vulkaninfo differs from native beyond the filtered extensions')
    print(f'text-mode vulkaninfo matches native ({len(forwarded)} lines compared)')


def required_commands(enabled):
    """Command name -> what requires it: core 1.0-1.3, and every enabled
    extension's require blocks whose interaction (another extension or a
    core version) is enabled too."""
    versions = {f'VK_VERSION_1_{minor}' for minor in range(4)}
    known = enabled | versions

    def holds(expression):
        # vk.xml's depends syntax: ',' is or, '+' is and, parentheses group.
        python = re.sub(r'[A-Za-z0-9_]+', lambda m: str(m.group(0) in known), expression)
        return eval(python.replace('+', ' and ').replace(',', ' or '))  # noqa: S307 (True/False only)

    def for_vulkan(element):
        return element.get('api') is None or 'vulkan' in element.get('api').split(',')

    root = ET.parse(REGISTRY).getroot()
    required = {}
    blocks = [(f.get('name'), r) for f in root.findall('feature') if f.get('name') in versions and for_vulkan(f)
              for r in f.findall('require')]
    blocks += [(e.get('name'), r) for e in root.find('extensions').findall('extension')
               if e.get('name') in enabled for r in e.findall('require')]
    for owner, require in blocks:
        if not for_vulkan(require):
            continue
        condition = '+'.join(filter(None, [require.get('extension'), require.get('feature'),
                                           f'({require.get("depends")})' if require.get('depends') else None]))
        if condition and not holds(condition):
            continue
        for command in require.findall('command'):
            if for_vulkan(command):
                required.setdefault(command.get('name'), owner)
    levels = {}
    for command in root.find('commands').findall('command'):
        param = command.find('param')
        if param is not None and command.find('proto') is not None:
            levels[command.find('proto').find('name').text] = param.find('type').text
    for command in root.find('commands').findall('command'):
        if command.get('alias'):
            levels[command.get('name')] = levels.get(command.get('alias'))
    return required, levels


def check_entry_points(build_dir, device_extensions):
    """The ICD returns every command that what it exposes requires, from
    the query the loader uses for it: a null one crashes the application
    (text-mode vulkaninfo called vkGetDeviceGroupPresentCapabilitiesKHR,
    which VK_KHR_swapchain on Vulkan 1.1 requires). The ICD resolves names
    without looking at the instance or device, so placeholders do."""
    icd = ctypes.CDLL(os.path.join(build_dir, 'icd/librendersock_icd.so'))
    get_instance_proc = icd.vk_icdGetInstanceProcAddr
    get_instance_proc.restype = ctypes.c_void_p
    get_instance_proc.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    enumerate_type = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_char_p, ctypes.POINTER(ctypes.c_uint32),
                                      ctypes.c_void_p)
    enumerate_extensions = enumerate_type(get_instance_proc(None, b'vkEnumerateInstanceExtensionProperties'))
    count = ctypes.c_uint32(0)
    enumerate_extensions(None, ctypes.byref(count), None)
    properties = ctypes.create_string_buffer(260 * count.value)  # VkExtensionProperties
    enumerate_extensions(None, ctypes.byref(count), properties)
    instance_extensions = {properties.raw[260 * i:260 * i + 256].split(b'\0')[0].decode()
                           for i in range(count.value)}
    placeholder = ctypes.c_void_p(1)
    get_device_proc_type = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p)
    get_device_proc = get_device_proc_type(get_instance_proc(placeholder, b'vkGetDeviceProcAddr'))
    required, levels = required_commands(set(device_extensions) | instance_extensions)
    missing = []
    for name, owner in sorted(required.items()):
        device_level = levels.get(name) in ('VkDevice', 'VkQueue', 'VkCommandBuffer')
        found = get_device_proc(placeholder, name.encode()) if device_level else \
            get_instance_proc(placeholder, name.encode())
        if not found:
            missing.append(f'{name} (required by {owner})')
    if missing:
        raise SystemExit('the ICD exposes what needs commands it does not return:\n  ' + '\n  '.join(missing))
    print(f'the ICD returns all {len(required)} commands its version and extensions require')


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
            native_text, _ = run_vulkaninfo_text(without_display(harness.native_env(server.folder, **extra)),
                                                 native_dir)
            forwarded_text, text_stderr = run_vulkaninfo_text(without_display(server.client_env(**extra)), rs_dir)
            surface_text, surface_stderr = '', ''
            if shutil.which('Xvfb'):
                with harness.xvfb() as display:
                    surface_text, surface_stderr = run_vulkaninfo_text(
                        dict(server.client_env(**extra), DISPLAY=display), rs_dir)
    for output in (stderr, text_stderr, surface_stderr):
        if validation and 'VUID' in output:
            raise SystemExit('validation errors through rendersock:\n' + output)
    exposed = set(forwarded['capabilities']['device']['extensions'])
    filtered = set(native['capabilities']['device']['extensions']) - exposed
    check_entry_points(build_dir, exposed)
    host_name = native['capabilities']['device']['properties']['VkPhysicalDeviceProperties']['deviceName']
    compare_text(native_text, forwarded_text, host_name, owners, filtered)
    if surface_text:
        if 'Presentable Surfaces:' not in surface_text:
            raise SystemExit('vulkaninfo on a window system printed no surfaces through rendersock')
        print('text-mode vulkaninfo under Xvfb prints the presentable surfaces')

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
