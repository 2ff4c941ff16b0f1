#!/usr/bin/env python3
"""Zink (Mesa's OpenGL on Vulkan) with rendersock's ICD as its Vulkan
driver, under Xvfb, side by side with zink on native lavapipe: glxinfo -B
must report zink on our device with the same GL versions, and glxgears must
draw frames. usage: test_zink.py BUILD_DIR"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

ZINK = {'LIBGL_ALWAYS_SOFTWARE': '1', 'GALLIUM_DRIVER': 'zink'}


def glxinfo(env):
    result = subprocess.run(['glxinfo', '-B'], env=env, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise SystemExit(f'glxinfo failed:\n{result.stdout}\n{result.stderr}')
    fields = {}
    for line in result.stdout.splitlines():
        if ':' in line:
            key, value = line.split(':', 1)
            fields[key.strip()] = value.strip()
    return fields


def gears_fps(env):
    try:
        # glxgears reports every 5 s; 12 s leaves room for a slow start
        # (sanitized ICD, busy CI machine) before the first report.
        result = subprocess.run(['glxgears'], env=env, capture_output=True, text=True, timeout=12)
        output = result.stdout
    except subprocess.TimeoutExpired as expired:
        output = expired.stdout.decode() if isinstance(expired.stdout, bytes) else (expired.stdout or '')
    rates = [float(m) for m in re.findall(r'= ([0-9.]+) FPS', output)]
    if not rates:
        raise SystemExit(f'glxgears drew no frames:\n{output}')
    return max(rates)


def main():
    build_dir = os.path.abspath(sys.argv[1])
    with harness.xvfb() as display, harness.server(build_dir) as server:
        native_env = harness.native_env(server.folder, DISPLAY=display, **ZINK)
        forwarded_env = server.client_env(DISPLAY=display, **ZINK)
        native = glxinfo(native_env)
        forwarded = glxinfo(forwarded_env)
        renderer = forwarded['OpenGL renderer string']
        print('native:    ', native['OpenGL renderer string'])
        print('rendersock:', renderer)
        if not renderer.startswith('zink (rendersock: '):
            raise SystemExit('zink is not running on the rendersock device')
        for key in ('OpenGL core profile version string', 'OpenGL version string',
                    'OpenGL ES profile version string'):
            if native.get(key) != forwarded.get(key):
                raise SystemExit(f'{key}: native {native.get(key)!r}, rendersock {forwarded.get(key)!r}')
            print(f'{key}: {forwarded[key]}')
        native_fps = gears_fps(native_env)
        forwarded_fps = gears_fps(forwarded_env)
        print(f'glxgears on zink: native {native_fps:.0f} FPS, rendersock {forwarded_fps:.0f} FPS')
        if 'lost' in server.log():
            raise SystemExit('the server lost a context:\n' + server.log())
    print('ok')


if __name__ == '__main__':
    main()
