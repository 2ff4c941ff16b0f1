#!/usr/bin/env python3
"""Without a server, vkCreateInstance through our ICD fails with
VK_ERROR_INITIALIZATION_FAILED and one line on stderr naming the socket, and
the loader goes on with the other drivers. usage: test_no_server.py BUILD_DIR"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


def main():
    build_dir = os.path.abspath(sys.argv[1])
    icd = os.path.join(build_dir, 'icd/rendersock_icd.x86_64.json')
    with tempfile.TemporaryDirectory() as folder:
        missing = os.path.join(folder, 'nobody-listens-here.sock')
        env = dict(os.environ, XDG_RUNTIME_DIR=folder, VTEST_SOCKET_NAME=missing, VK_DRIVER_FILES=icd)
        alone = subprocess.run(['vulkaninfo', '--summary'], env=env, capture_output=True, text=True, timeout=60)
        ours = [line for line in alone.stderr.splitlines() if line.startswith('rendersock:')]
        print('\n'.join(ours))
        if alone.returncode == 0:
            raise SystemExit('vulkaninfo succeeded with no server and no other driver')
        if len(ours) != 1 or missing not in ours[0]:
            raise SystemExit('expected one line from rendersock naming the socket:\n' + alone.stderr)
        env['VK_DRIVER_FILES'] = icd + ':' + harness.NATIVE_ICD
        both = subprocess.run(['vulkaninfo', '--summary'], env=env, capture_output=True, text=True, timeout=60)
        if both.returncode != 0 or 'llvmpipe' not in both.stdout:
            raise SystemExit('the loader did not go on with the other driver:\n' + both.stdout + both.stderr)
        if 'rendersock: llvmpipe' in both.stdout:
            raise SystemExit('a rendersock device appeared without a server')
    print('ok: a clear error, and the other driver still works')


if __name__ == '__main__':
    main()
