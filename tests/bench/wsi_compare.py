#!/usr/bin/env python3
"""vkcube frames per second under Xvfb, native lavapipe vs through rendersock,
in one run. usage: wsi_compare.py BUILD_DIR [--frames N] [--json FILE]"""
import argparse
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'integration', 'py'))
import harness  # noqa: E402


def fps(env, frames):
    start = time.monotonic()
    result = subprocess.run(['vkcube', '--c', str(frames)], env=env, capture_output=True, text=True,
                            timeout=600)
    elapsed = time.monotonic() - start
    if result.returncode != 0:
        raise SystemExit(f'vkcube failed: {result.stderr}')
    return frames / elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('build_dir')
    parser.add_argument('--frames', type=int, default=1000)
    parser.add_argument('--json')
    args = parser.parse_args()
    build_dir = os.path.abspath(args.build_dir)
    with harness.xvfb() as display, harness.server(build_dir) as server:
        native = fps(harness.native_env(server.folder, DISPLAY=display), args.frames)
        forwarded = fps(server.client_env(DISPLAY=display), args.frames)
    print(f'vkcube --c {args.frames} under Xvfb (frames per second, whole run including start-up)')
    print(f'native {native:8.1f}   rendersock {forwarded:8.1f}   ratio {forwarded / native:.2f}')
    if args.json:
        with open(args.json, 'w') as f:
            json.dump({'vkcube_fps_native': native, 'vkcube_fps_rendersock': forwarded,
                       'ratio': forwarded / native}, f, indent=2)


if __name__ == '__main__':
    main()
