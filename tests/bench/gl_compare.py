#!/usr/bin/env python3
"""OpenGL benchmarks three ways in one run, under one Xvfb: native llvmpipe,
rendersock (our server and GL vendors), and upstream virglrenderer (Debian's
virgl_test_server with Mesa's virpipe client). piglit's drawoverhead (draw
calls per second, every subtest) and gl_upload_bench (texture uploads).

usage: gl_compare.py BUILD_DIR [--json FILE] [--skip-upstream]

Upstream's client dials /tmp/.virgl_test only, so that path must be free."""
import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'integration', 'py'))
import harness  # noqa: E402

DRAWOVERHEAD = '/usr/lib/x86_64-linux-gnu/piglit/bin/drawoverhead'
UPSTREAM_SOCKET = '/tmp/.virgl_test'
ANSI = re.compile(r'\x1b\[[0-9;]*m')


def drawoverhead(env):
    result = subprocess.run([DRAWOVERHEAD], env=env, capture_output=True, text=True, timeout=900)
    rates = {}
    for line in ANSI.sub('', result.stdout).splitlines():
        parts = [p.strip() for p in line.split(',')]
        if len(parts) >= 3 and parts[0].isdigit():
            rates[f'{int(parts[0]):2d} {parts[1]}'] = float(parts[2]) * 1000.0
    if not rates:
        raise SystemExit(f'drawoverhead printed no rates:\n{result.stdout}\n{result.stderr}')
    return rates


def upload(env, build_dir, size):
    result = subprocess.run([os.path.join(build_dir, 'tests/bench/gl_upload_bench'), '--size', str(size),
                             '--uploads', '400' if size <= 512 else '200'],
                            env=env, capture_output=True, text=True, timeout=300)
    match = re.search(r'([0-9.]+) MB/s', result.stdout)
    if result.returncode != 0 or not match:
        raise SystemExit(f'gl_upload_bench failed:\n{result.stdout}\n{result.stderr}')
    return float(match.group(1))


class Upstream:
    """Debian's virgl_test_server (virglrenderer) on /tmp/.virgl_test."""

    def __enter__(self):
        if os.path.exists(UPSTREAM_SOCKET):
            raise SystemExit(f'{UPSTREAM_SOCKET} exists: another vtest server is running (use --skip-upstream)')
        self.log = tempfile.NamedTemporaryFile(prefix='virgl-upstream-', suffix='.log')
        self.process = subprocess.Popen(['/usr/bin/virgl_test_server', '--use-egl-surfaceless'],
                                        stdout=self.log, stderr=self.log)
        deadline = time.time() + 20
        while not os.path.exists(UPSTREAM_SOCKET):
            if self.process.poll() is not None or time.time() > deadline:
                raise SystemExit('upstream virgl_test_server did not start')
            time.sleep(0.05)
        return self

    def __exit__(self, *_):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
        if os.path.exists(UPSTREAM_SOCKET):
            os.unlink(UPSTREAM_SOCKET)


def table(title, unit, results, sides):
    print(f'\n{title} ({unit})')
    names = list(results[sides[0]].keys())
    header = f'{"":58s}' + ''.join(f'{s:>14s}' for s in sides) + '   rendersock/native' + (
        '   rendersock/upstream' if 'upstream' in sides else '')
    print(header)
    for name in names:
        row = f'{name[:58]:58s}' + ''.join(f'{results[s].get(name, 0):14.0f}' for s in sides)
        native, ours = results['native'].get(name), results['rendersock'].get(name)
        row += f'   {ours / native:17.2f}' if native and ours else '   ' + ' ' * 17
        if 'upstream' in sides and results['upstream'].get(name):
            row += f'   {ours / results["upstream"][name]:19.2f}'
        print(row)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('build_dir')
    parser.add_argument('--json')
    parser.add_argument('--skip-upstream', action='store_true')
    args = parser.parse_args()
    build_dir = os.path.abspath(args.build_dir)
    sides = ['native', 'rendersock'] + ([] if args.skip_upstream else ['upstream'])
    draws, uploads = {}, {}
    with harness.xvfb() as display, harness.server(build_dir) as server:
        envs = {
            'native': dict(os.environ, DISPLAY=display, XDG_RUNTIME_DIR=server.folder),
            'rendersock': server.gl_env(DISPLAY=display),
            'upstream': dict(os.environ, DISPLAY=display, XDG_RUNTIME_DIR=server.folder,
                             LIBGL_ALWAYS_SOFTWARE='1', GALLIUM_DRIVER='virpipe'),
        }
        for side in sides:
            print(f'running {side} ...', flush=True)
            if side == 'upstream':
                with Upstream():
                    draws[side] = drawoverhead(envs[side])
                    uploads[side] = {f'{s}x{s} RGBA8': upload(envs[side], build_dir, s) for s in (512, 1024)}
            else:
                draws[side] = drawoverhead(envs[side])
                uploads[side] = {f'{s}x{s} RGBA8': upload(envs[side], build_dir, s) for s in (512, 1024)}
    table('piglit drawoverhead', 'draw calls per second', draws, sides)
    table('gl_upload_bench: glTexSubImage2D + glFinish', 'MB/s', uploads, sides)
    if args.json:
        with open(args.json, 'w') as f:
            json.dump({'drawoverhead_draws_per_second': draws, 'upload_mb_per_second': uploads}, f, indent=2)


if __name__ == '__main__':
    main()
