#!/usr/bin/env python3
"""A Vulkan program's session through the ICD over TCP, recorded with
--record and replayed against a fresh server: the same answers throughout.
The replaying server gets one llvmpipe thread, so its work takes longer than
the recorded run's did: the replay must then ask the client's sliced fence
waits again (rendersock-replay's "waits asked again") rather than run on and
free memory the host is still computing into.

usage: test_record_replay.py BUILD_DIR PROGRAM ARGS...
"""
import glob
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


def finished_recording(folder):
    """The recording, once the serving process has closed it (it is written
    as the connection ends, after the program has exited)."""
    deadline = time.time() + 10
    while time.time() < deadline:
        files = glob.glob(os.path.join(folder, '*.rsrec'))
        if files and b'disconnected' in open(files[0], 'rb').read()[-64:]:
            return files[0]
        time.sleep(0.05)
    raise SystemExit(f'no finished recording in {folder}: {os.listdir(folder)}')


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    build_dir = os.path.abspath(sys.argv[1])
    program = sys.argv[2:]
    replay = os.path.join(build_dir, 'tools/rendersock-replay')
    with tempfile.TemporaryDirectory(prefix='rendersock-record-') as records:
        address = f'tcp:127.0.0.1:{harness.free_port()}'
        with harness.server(build_dir, ['--listen', address, '--record', records]) as server:
            env = server.client_env(VTEST_SOCKET_NAME=address)
            subprocess.run(program, env=env, check=True, timeout=120, stdout=subprocess.DEVNULL)
            recording = finished_recording(records)
        fresh_address = f'tcp:127.0.0.1:{harness.free_port()}'
        with harness.server(build_dir, ['--listen', fresh_address],
                            extra_env={'LP_NUM_THREADS': '1'}) as fresh:
            result = subprocess.run([replay, recording, fresh_address], capture_output=True,
                                    text=True, timeout=120)
            sys.stdout.write(result.stdout + result.stderr)
            if result.returncode != 0 or 'no divergence' not in result.stdout:
                sys.stdout.write('--- the replaying server\'s log ---\n' + fresh.log())
                raise SystemExit(f'replay failed with exit status {result.returncode}')
    print('ok')


if __name__ == '__main__':
    main()
