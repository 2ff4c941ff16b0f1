#!/usr/bin/env python3
"""vkd3d's Direct3D 12 demos (vkd3d-triangle, vkd3d-gears: D3D12 on Vulkan)
under Xvfb, natively and through rendersock. They draw until their window
closes, so the capture layer ends each run after frame N (a fixed number of
frames) and keeps that frame. The triangle is static: its frame must equal
native's exactly. The gears turn with the clock: their frame is only checked
to be a real picture of the right size.

usage: test_vkd3d.py BUILD_DIR PROGRAM FRAME [--compare]"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from test_vkcube import read_ppm  # noqa: E402


def run(env, program, label):
    result = subprocess.run([program], env=env, capture_output=True, text=True, timeout=300)
    print(f'--- {label}: exit {result.returncode}')
    if result.returncode != 0:
        raise SystemExit(f'{program} failed:\n{result.stdout}\n{result.stderr}')


def main():
    build_dir = os.path.abspath(sys.argv[1])
    program, frame = sys.argv[2], int(sys.argv[3])
    compare = '--compare' in sys.argv
    layer = {'VK_ADD_LAYER_PATH': os.path.join(build_dir, 'tests/layers'),
             'VK_INSTANCE_LAYERS': 'VK_LAYER_RENDERSOCK_frame_capture',
             'RENDERSOCK_CAPTURE_FRAME': str(frame), 'RENDERSOCK_CAPTURE_EXIT': '1'}
    with tempfile.TemporaryDirectory() as out, harness.xvfb() as display, harness.server(build_dir) as server:
        native_ppm = os.path.join(out, 'native.ppm')
        forwarded_ppm = os.path.join(out, 'rendersock.ppm')
        run(harness.native_env(server.folder, DISPLAY=display, RENDERSOCK_CAPTURE_FILE=native_ppm, **layer),
            program, 'native')
        run(server.client_env(DISPLAY=display, RENDERSOCK_CAPTURE_FILE=forwarded_ppm, **layer),
            program, 'rendersock')
        if 'lost' in server.log():
            raise SystemExit('the server lost a context:\n' + server.log())
        native = read_ppm(native_ppm)
        forwarded = read_ppm(forwarded_ppm)
    if native[:2] != forwarded[:2]:
        raise SystemExit(f'frame sizes differ: native {native[:2]}, rendersock {forwarded[:2]}')
    colours = len(set(forwarded[2][i:i + 3] for i in range(0, len(forwarded[2]), 3 * 97)))
    print(f'{program}: frame {frame}, {forwarded[0]}x{forwarded[1]}, {colours} distinct colours sampled')
    if colours < 2:
        raise SystemExit('the frame through rendersock is blank')
    if compare and native[2] != forwarded[2]:
        raise SystemExit('the frame differs from native')
    print('ok')


if __name__ == '__main__':
    main()
