#!/usr/bin/env python3
"""OpenGL through rendersock's glvnd vendors, side by side with native
llvmpipe under Xvfb: eglinfo and glxinfo -B show the host renderer behind our
name with the versions we expose, and the first frames of glxgears (GLX) and
es2gears_x11 (EGL on X11) are byte-identical to the native frames.
usage: test_gl.py BUILD_DIR"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

GL_CAP = (4, 3)  # gl_client/README.md: GL stops at 4.3


def run(command, env, timeout=120):
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise SystemExit(f'{command[0]} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}')
    return result.stdout


def fields(text):
    out = {}
    for line in text.splitlines():
        if ':' in line:
            key, value = line.split(':', 1)
            out.setdefault(key.strip(), value.strip())
    return out


def capped(version):
    match = re.match(r'(\d+)\.(\d+)(.*)', version)
    major, minor = int(match.group(1)), int(match.group(2))
    if (major, minor) > GL_CAP:
        return f'{GL_CAP[0]}.{GL_CAP[1]}{match.group(3)}'
    return version


def check_glxinfo(native_env, forwarded_env):
    native = fields(run(['glxinfo', '-B'], native_env))
    forwarded = fields(run(['glxinfo', '-B'], forwarded_env))
    renderer = forwarded['OpenGL renderer string']
    print('glxinfo renderer:', renderer)
    if renderer != 'rendersock: ' + native['OpenGL renderer string']:
        raise SystemExit(f'renderer {renderer!r} is not the host renderer {native["OpenGL renderer string"]!r} behind our name')
    for key in ('OpenGL core profile version string', 'OpenGL version string'):
        if forwarded.get(key) != capped(native[key]):
            raise SystemExit(f'{key}: rendersock {forwarded.get(key)!r}, expected {capped(native[key])!r}')
        print(f'{key}: {forwarded[key]} (native {native[key]})')
    key = 'OpenGL ES profile version string'
    if forwarded.get(key) != native.get(key):
        raise SystemExit(f'{key}: native {native.get(key)!r}, rendersock {forwarded.get(key)!r}')


def check_eglinfo(forwarded_env):
    text = run(['eglinfo'], forwarded_env)
    if 'EGL vendor string: rendersock (host: Mesa Project)' not in text:
        raise SystemExit('eglinfo does not show our vendor over the host:\n' + text[:3000])
    configs = len(re.findall(r'^0x[0-9a-f]+ ', text, re.M))
    if configs == 0:
        raise SystemExit('eglinfo lists no configs:\n' + text[:3000])
    print(f'eglinfo: rendersock over Mesa, {configs} configs listed')


def frame(program, env, folder, tag, window=False):
    path = os.path.join(folder, f'{tag}.ppm')
    # After whatever is preloaded already (sanitizer runtimes must stay first).
    preload = ':'.join(filter(None, [env.get('LD_PRELOAD'), os.path.join(BUILD, 'tests/gl/libgl_frame_capture.so')]))
    capture = dict(env, LD_PRELOAD=preload,
                   RENDERSOCK_CAPTURE_FILE=path, RENDERSOCK_CAPTURE_FRAME='1')
    if window:
        capture['RENDERSOCK_CAPTURE_WINDOW'] = '1'
    run([program], capture, timeout=60)
    with open(path, 'rb') as f:
        return f.read()


def check_frames(program, native_env, forwarded_env, folder):
    native = frame(program, native_env, folder, program + '-native')
    forwarded = frame(program, forwarded_env, folder, program + '-rendersock')
    pixels = native[native.index(b'255\n') + 4:]
    colours = {pixels[i:i + 3] for i in range(0, len(pixels), 3)}
    if len(colours) < 3:
        raise SystemExit(f'{program}: the native frame is blank ({len(colours)} colours); nothing to compare')
    if native != forwarded:
        differing = sum(1 for a, b in zip(native, forwarded) if a != b)
        raise SystemExit(f'{program}: the first frame differs from native ({differing} bytes)')
    print(f'{program}: first frame identical to native ({len(native)} bytes)')


def check_window(program, native_env, forwarded_env, folder):
    """What the X server shows after the first swap: checks presentation
    (row order, channel order) on top of the rendering."""
    native = frame(program, native_env, folder, program + '-window-native', window=True)
    forwarded = frame(program, forwarded_env, folder, program + '-window-rendersock', window=True)
    if native != forwarded:
        differing = sum(1 for a, b in zip(native, forwarded) if a != b)
        raise SystemExit(f'{program}: the presented window differs from native ({differing} bytes)')
    print(f'{program}: presented window identical to native ({len(native)} bytes)')


def round_trips_of(program_args, env_of):
    """The round trips a fresh server served one run of a GL program, from
    its stats (SIGUSR1, --stats-file), and the program's output."""
    with tempfile.TemporaryDirectory() as folder:
        stats_file = os.path.join(folder, 'stats.json')
        with harness.server(BUILD, ['--stats-file', stats_file]) as server:
            run = subprocess.run(program_args, env=env_of(server), capture_output=True, text=True, timeout=120)
            if run.returncode != 0:
                raise SystemExit(f'{program_args[0]} through rendersock failed:\n{run.stdout}{run.stderr}')
            os.kill(server.process.pid, signal.SIGUSR1)
            deadline = time.time() + 10
            while not os.path.exists(stats_file):
                if time.time() > deadline:
                    raise SystemExit('the server wrote no stats file after SIGUSR1')
                time.sleep(0.05)
            with open(stats_file) as f:
                return json.load(f)['total']['round_trips'], run.stdout


def check_error_round_trips(native_env):
    """glGetError: the same answers as native, and a host round trip only
    when a command could have raised an error since the last clean check."""
    program = os.path.join(BUILD, 'tests/gl/gl_error_checks')
    native = subprocess.run([program, '1000'], env=native_env, capture_output=True, text=True, timeout=60)
    few, forwarded = round_trips_of([program, '1000'], lambda server: server.gl_env())
    many, _ = round_trips_of([program, '3000'], lambda server: server.gl_env())
    if native.returncode != 0 or forwarded != native.stdout:
        raise SystemExit(f'gl_error_checks differs from native:\n--- native\n{native.stdout}\n--- rendersock\n{forwarded}')
    # 2000 more repeated checks and 200 more command+check pairs: only the
    # pairs may cost a round trip.
    if many - few != 200:
        raise SystemExit(f'glGetError: {few} round trips for 1000 repeats, {many} for 3000 (expected 200 more)')
    print(f'glGetError: answers identical to native; {few} round trips for 1000 repeats, {many} for 3000 '
          '(only checks after a command reach the host)')


def main():
    global BUILD
    BUILD = os.path.abspath(sys.argv[1])
    port = harness.free_port()
    with harness.xvfb() as display, harness.server(BUILD, ['--listen', f'tcp:127.0.0.1:{port}']) as server, \
            tempfile.TemporaryDirectory() as folder:
        native_env = dict(os.environ, DISPLAY=display, XDG_RUNTIME_DIR=server.folder)
        forwarded_env = server.gl_env(DISPLAY=display)
        check_eglinfo(forwarded_env)
        check_error_round_trips(native_env)
        check_glxinfo(native_env, forwarded_env)
        check_frames('glxgears', native_env, forwarded_env, folder)
        check_frames('es2gears_x11', native_env, forwarded_env, folder)
        check_window('glxgears', native_env, forwarded_env, folder)
        # Over TCP (no shared memory: blobs are mirrored), with every buffer
        # mapping going through a blob.
        tcp_env = server.gl_env(DISPLAY=display, VTEST_SOCKET_NAME=f'tcp:127.0.0.1:{port}',
                                RENDERSOCK_GL_MAP_BLOB_BYTES='0')
        native_tcp = frame('glxgears', native_env, folder, 'glxgears-native-again')
        if frame('glxgears', tcp_env, folder, 'glxgears-tcp') != native_tcp:
            raise SystemExit('glxgears over TCP: the first frame differs from native')
        print('glxgears over TCP: first frame identical to native')
        if 'lost' in server.log() or 'died' in server.log():
            raise SystemExit('the server lost a context:\n' + server.log())
    print('ok')


if __name__ == '__main__':
    main()
