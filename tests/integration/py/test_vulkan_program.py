#!/usr/bin/env python3
"""Runs a Vulkan test program natively on lavapipe and through rendersock,
and requires both to succeed; with --compare-output the files they write
must be byte-identical (differential testing).

usage: test_vulkan_program.py BUILD_DIR [--tcp] [--validation] [--compare-output] [--server-arg FLAG] [--xvfb | --weston]
                              -- PROGRAM ARGS...   (an argument {out} is replaced by an output path)
--xvfb starts a private X server and points both runs at it through $DISPLAY;
--weston a private headless Weston, through $WAYLAND_DISPLAY.
"""
import argparse
import contextlib
import filecmp
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


def run(command, env, label):
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    sys.stdout.write(f'--- {label}: exit {result.returncode}\n{result.stdout}')
    if result.returncode != 0:
        sys.stdout.write(result.stderr)
        raise SystemExit(f'{label} run failed')
    if 'VUID' in result.stderr or 'Validation Error' in result.stderr:
        sys.stdout.write(result.stderr)
        raise SystemExit(f'{label} run has validation errors')
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('build_dir')
    parser.add_argument('--tcp', action='store_true')
    parser.add_argument('--validation', action='store_true')
    parser.add_argument('--compare-output', action='store_true')
    parser.add_argument('--server-arg', action='append', default=[],
                        help='extra server flag (repeatable), e.g. --no-host-pointer-import')
    parser.add_argument('--xvfb', action='store_true', help='run both under a private Xvfb ($DISPLAY)')
    parser.add_argument('--weston', action='store_true',
                        help='run both on a private headless Weston ($WAYLAND_DISPLAY)')
    if '--' not in sys.argv:
        raise SystemExit(__doc__)
    split = sys.argv.index('--')
    args = parser.parse_args(sys.argv[1:split])
    program = sys.argv[split + 1:]
    build_dir = os.path.abspath(args.build_dir)
    extra = {'VK_INSTANCE_LAYERS': 'VK_LAYER_KHRONOS_validation'} if args.validation else {}
    server_args = list(args.server_arg)
    address = None
    if args.tcp:
        port = harness.free_port()
        address = f'tcp:127.0.0.1:{port}'
        server_args += ['--listen', address]
    x_server = harness.xvfb() if args.xvfb else contextlib.nullcontext()
    compositor = harness.weston() if args.weston else contextlib.nullcontext()
    with x_server as display, compositor as wayland_display, tempfile.TemporaryDirectory() as out_dir, \
            harness.server(build_dir, server_args) as server:
        if display:
            extra['DISPLAY'] = display
        if wayland_display:
            extra['WAYLAND_DISPLAY'] = wayland_display
        native_out = os.path.join(out_dir, 'native.out')
        forwarded_out = os.path.join(out_dir, 'forwarded.out')
        run([a.replace('{out}', native_out) for a in program],
            harness.native_env(server.folder, **extra), 'native')
        env = server.client_env(**extra)
        if address:
            env['VTEST_SOCKET_NAME'] = address
        run([a.replace('{out}', forwarded_out) for a in program], env,
            'rendersock over ' + ('TCP' if args.tcp else 'a Unix socket'))
        if 'context' in server.log() and 'lost' in server.log():
            print(server.log())
            raise SystemExit('the server lost a context')
        if args.compare_output:
            if not filecmp.cmp(native_out, forwarded_out, shallow=False):
                raise SystemExit('outputs differ between native and rendersock')
            print(f'outputs identical ({os.path.getsize(native_out)} bytes)')
    print('ok')


if __name__ == '__main__':
    main()
