#!/usr/bin/env python3
"""vkcube (and vkcubepp) under Xvfb, vkcube-wayland on a headless Weston,
through rendersock's swapchain: the
program runs its frames to the end, and frame N captured by our capture layer
equals frame N of the same program on native lavapipe. The tolerance is
stated here: every channel of every pixel may differ by at most TOLERANCE
(0: the frames must be identical; the copy from the swapchain image is
exact and vkcube's animation advances per frame, not per second).

usage: test_vkcube.py BUILD_DIR [PROGRAM] [FRAMES] [CAPTURED_FRAME]"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

TOLERANCE = 0


def read_ppm(path):
    with open(path, 'rb') as f:
        data = f.read()
    parts = data.split(maxsplit=4)
    if parts[0] != b'P6':
        raise SystemExit(f'{path}: not a binary PPM')
    return int(parts[1]), int(parts[2]), parts[4]


def run(env, program, frames, label):
    result = subprocess.run([program, '--c', str(frames)], env=env, capture_output=True, text=True,
                            timeout=600)
    print(f'--- {label}: exit {result.returncode}')
    if result.returncode != 0:
        raise SystemExit(f'{program} failed:\n{result.stdout}\n{result.stderr}')


def main():
    build_dir = os.path.abspath(sys.argv[1])
    program = sys.argv[2] if len(sys.argv) > 2 else 'vkcube'
    frames = int(sys.argv[3]) if len(sys.argv) > 3 else 300
    captured = int(sys.argv[4]) if len(sys.argv) > 4 else frames - 1
    layer = {'VK_ADD_LAYER_PATH': os.path.join(build_dir, 'tests/layers'),
             'VK_INSTANCE_LAYERS': 'VK_LAYER_RENDERSOCK_frame_capture',
             'RENDERSOCK_CAPTURE_FRAME': str(captured)}
    wayland = program.endswith('-wayland')
    window_system = harness.weston() if wayland else harness.xvfb()
    with tempfile.TemporaryDirectory() as out, window_system as display, harness.server(build_dir) as server:
        layer['WAYLAND_DISPLAY' if wayland else 'DISPLAY'] = display
        native_ppm = os.path.join(out, 'native.ppm')
        forwarded_ppm = os.path.join(out, 'rendersock.ppm')
        run(harness.native_env(server.folder, RENDERSOCK_CAPTURE_FILE=native_ppm, **layer),
            program, frames, 'native')
        run(server.client_env(RENDERSOCK_CAPTURE_FILE=forwarded_ppm, **layer),
            program, frames, 'rendersock')
        if 'lost' in server.log():
            raise SystemExit('the server lost a context:\n' + server.log())
        native = read_ppm(native_ppm)
        forwarded = read_ppm(forwarded_ppm)
    if native[:2] != forwarded[:2]:
        raise SystemExit(f'frame sizes differ: native {native[:2]}, rendersock {forwarded[:2]}')
    worst = max((abs(a - b) for a, b in zip(native[2], forwarded[2])), default=0)
    differing = sum(1 for a, b in zip(native[2], forwarded[2]) if a != b)
    print(f'{program}: frame {captured} of {frames}, {native[0]}x{native[1]}: '
          f'{differing} channel values differ, largest difference {worst} (tolerance {TOLERANCE})')
    if worst > TOLERANCE:
        raise SystemExit('frames differ beyond the tolerance')
    print('ok')


if __name__ == '__main__':
    main()
