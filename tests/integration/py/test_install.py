#!/usr/bin/env python3
"""cmake --install into a temporary prefix: the loader finds the installed
ICD through the standard search paths alone (XDG_DATA_DIRS, no rendersock
variable), and the installed rendersock-run runs a program through a private
server and passes its exit status on. usage: test_install.py BUILD_DIR"""
import os
import subprocess
import sys
import tempfile


def run(command, env, **kwargs):
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, **kwargs)


def main():
    build_dir = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as prefix, tempfile.TemporaryDirectory() as runtime:
        installed = run(['cmake', '--install', build_dir, '--prefix', prefix], dict(os.environ))
        if installed.returncode != 0:
            raise SystemExit('cmake --install failed:\n' + installed.stdout + installed.stderr)
        manifest = os.path.join(prefix, 'share/vulkan/icd.d/rendersock_icd.x86_64.json')
        with open(manifest) as f:
            text = f.read()
        if os.path.join(prefix, 'lib') not in text:
            raise SystemExit('the installed manifest does not name the installed library:\n' + text)
        env = {k: v for k, v in os.environ.items() if not k.startswith(('VK_', 'VTEST_'))}
        env.update(XDG_RUNTIME_DIR=runtime)
        # Only the client looks for drivers in the prefix; the server uses
        # the host's.
        client_env = dict(env, XDG_DATA_DIRS=os.path.join(prefix, 'share'))
        socket_path = os.path.join(runtime, 'server.sock')
        server = subprocess.Popen([os.path.join(prefix, 'bin/virgl_test_server'), '--socket-path', socket_path],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(400):
                if os.path.exists(socket_path):
                    break
                subprocess.run(['sleep', '0.025'])
            found = run(['vulkaninfo', '--summary'], dict(client_env, VTEST_SOCKET_NAME=socket_path))
            if 'rendersock: ' not in found.stdout:
                raise SystemExit('the loader did not find the installed ICD:\n' + found.stdout + found.stderr)
            print('installed ICD found through XDG_DATA_DIRS')
        finally:
            server.terminate()
            server.wait(timeout=10)
        wrapper = os.path.join(prefix, 'bin/rendersock-run')
        through = run([wrapper, '--', 'vulkaninfo', '--summary'], env)
        if through.returncode != 0 or 'rendersock: ' not in through.stdout:
            raise SystemExit('rendersock-run -- vulkaninfo failed:\n' + through.stdout + through.stderr)
        egl = run([wrapper, '--', 'eglinfo'], env)
        if egl.returncode != 0 or 'EGL vendor string: rendersock' not in egl.stdout:
            raise SystemExit('rendersock-run -- eglinfo did not use the installed EGL vendor:\n' +
                             egl.stdout[:3000] + egl.stderr)
        print('rendersock-run points GL programs at the installed EGL vendor')
        status = run([wrapper, '--', 'sh', '-c', 'exit 7'], env)
        if status.returncode != 7:
            raise SystemExit(f'rendersock-run returned {status.returncode}, the command 7')
        print('rendersock-run runs programs through a private server and keeps their status')
    print('ok')


if __name__ == '__main__':
    main()
