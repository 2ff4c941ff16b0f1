#!/usr/bin/env python3
"""VK_KHR_wayland_surface on a real compositor: wsi_test shows a known
pattern on a private headless Weston, natively on lavapipe and through
rendersock (Unix socket and TCP), and each time Weston's own screenshot must
hold the pattern pixel for pixel. The native run checks the oracle.

usage: test_wayland.py BUILD_DIR
"""
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import png  # noqa: E402

PATTERN_WIDTH, PATTERN_HEIGHT = 160, 96  # wsi_test's kPatternWidth/Height


def pattern_rgb(x, y):
    """wsi_test.cpp's pattern_rgb()."""
    return (x * 7 + y * 3) & 0xff, (x * 3 + y * 5 + 64) & 0xff, ((x ^ y) * 2 + 17) & 0xff


def find_pattern(image):
    """(x, y, differing pixels) of the best placement of the pattern whose
    top-left two pixels match, or None."""
    first, second = pattern_rgb(0, 0), pattern_rgb(1, 0)
    best = None
    for y0 in range(image.height - PATTERN_HEIGHT + 1):
        for x0 in range(image.width - PATTERN_WIDTH + 1):
            if image.rgb(x0, y0) != first or image.rgb(x0 + 1, y0) != second:
                continue
            differ = sum(1 for y in range(PATTERN_HEIGHT) for x in range(PATTERN_WIDTH)
                         if image.rgb(x0 + x, y0 + y) != pattern_rgb(x, y))
            if best is None or differ < best[2]:
                best = (x0, y0, differ)
    return best


def show_and_capture(wsi_test, env, display, folder, label):
    process = subprocess.Popen([wsi_test, '--wayland', 'show-pattern', '6'], env=dict(env, WAYLAND_DISPLAY=display),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        said = ''
        while 'pattern presented' not in said:
            line = process.stdout.readline()
            if not line:
                process.kill()
                raise SystemExit(f'{label}: wsi_test did not present:\n{said}{process.stderr.read()}')
            said += line
        time.sleep(0.5)  # a repaint or two of the compositor
        shot = harness.screenshot(display, folder)
        status = process.wait(timeout=60)
        if status != 0:
            raise SystemExit(f'{label}: wsi_test exited {status}: {process.stderr.read()}')
    finally:
        if process.poll() is None:
            process.kill()
    found = find_pattern(png.read(shot))
    total = PATTERN_WIDTH * PATTERN_HEIGHT
    if found is None or found[2] != 0:
        detail = 'not on screen' if found is None else f'{found[2]} of {total} pixels differ at {found[:2]}'
        raise SystemExit(f'{label}: the pattern is not on Weston\'s screen exactly: {detail}')
    print(f'{label}: the {PATTERN_WIDTH}x{PATTERN_HEIGHT} pattern is on Weston\'s screen at {found[:2]}, '
          f'0 of {total} pixels differ')


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    build_dir = os.path.abspath(sys.argv[1])
    wsi_test = os.path.join(build_dir, 'tests/vulkan/wsi_test')
    port = harness.free_port()
    address = f'tcp:127.0.0.1:{port}'
    with harness.weston() as display, tempfile.TemporaryDirectory() as folder, \
            harness.server(build_dir, ['--listen', address]) as server:
        show_and_capture(wsi_test, harness.native_env(server.folder), display, folder, 'native (lavapipe)')
        show_and_capture(wsi_test, server.client_env(), display, folder, 'rendersock over a Unix socket')
        show_and_capture(wsi_test, server.client_env(VTEST_SOCKET_NAME=address), display, folder,
                         'rendersock over TCP')
        if 'lost' in server.log():
            print(server.log())
            raise SystemExit('the server lost a context')
    print('ok')


if __name__ == '__main__':
    main()
