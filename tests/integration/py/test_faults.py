#!/usr/bin/env python3
"""Faults and load: the server killed while a client waits forever on the
GPU in vkWaitSemaphores or vkWaitForFences, or presenting frames (the wait
or the frame ends with VK_ERROR_DEVICE_LOST within 2 s, nothing hangs),
the same for GL programs in glFinish and in eglSwapBuffers (GL_CONTEXT_LOST
and EGL_CONTEXT_LOST within 2 s, glGetGraphicsResetStatus says so),
32 concurrent Vulkan clients over Unix and 32 over TCP, each mapping,
writing, submitting, waiting and checking 2000 times (all results correct),
one client over its blob budget (refused with a clear error, the others
unaffected), and clients killed with work outstanding leave no host threads
or memory behind in a --no-fork server. usage: test_faults.py BUILD_DIR"""
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


def server_processes(parent):
    """The server and the processes serving its clients."""
    pids = [parent]
    for entry in os.listdir('/proc'):
        if entry.isdigit():
            try:
                with open(f'/proc/{entry}/stat') as f:
                    if int(f.read().rsplit(')', 1)[1].split()[1]) == parent:
                        pids.append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    return pids


def server_killed_while_waiting(build_dir, what='Vulkan'):
    with harness.server(build_dir) as server:
        if what in ('Vulkan', 'fence'):
            command = [os.path.join(build_dir, 'tests/vulkan/wait_forever')] + (['fence'] if what == 'fence' else [])
            env = server.client_env()
        elif what == 'present':
            command = [os.path.join(build_dir, 'tests/vulkan/wsi_test'), 'present-forever']
            env = server.client_env(DISPLAY=os.environ['DISPLAY'])
        else:
            command = [os.path.join(build_dir, 'tests/gl/gl_wait_forever'), what]
            env = server.gl_env(**({'DISPLAY': os.environ['DISPLAY']} if what == 'swap' else {}))
        waiter = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True)
        started = ''
        while 'waiting' not in started:
            line = waiter.stdout.readline()
            if not line:
                waiter.kill()
                raise SystemExit('the waiter did not start: ' + started + waiter.stderr.read())
            started += line
        time.sleep(0.5)
        for pid in server_processes(server.process.pid):
            os.kill(pid, signal.SIGKILL)
        killed = time.monotonic()
        try:
            out, err = waiter.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            waiter.kill()
            raise SystemExit('the client hung after the server died')
        ended = time.monotonic() - killed
        # A presenting client may meet the loss in the frame's fence wait or
        # submit instead (wsi_test's VK_CHECK then exits naming -4).
        lost_lines = [line for line in err.splitlines() if 'failed: -4' in line]
        lost_in_frame = what == 'present' and bool(lost_lines)
        said = (out.strip().splitlines() or [''])[-1] if not lost_in_frame else lost_lines[0].split(': ', 1)[-1]
        print(f'server killed ({what}): the client waited {ended * 1000:.0f} ms more: {said}')
        if (waiter.returncode != 0 and not lost_in_frame) or ended > 2.0:
            raise SystemExit(f'expected the loss reported within 2 s:\n{out}\n{err}')


def process_status(pid):
    fields = {}
    with open(f'/proc/{pid}/status') as f:
        for line in f:
            key, _, value = line.partition(':')
            fields[key] = value.split()[0] if value.split() else ''
    return int(fields['Threads']), int(fields['VmRSS'])


def open_fds(pid):
    return len(os.listdir(f'/proc/{pid}/fd'))


def killed_clients_leave_nothing(build_dir):
    """With --no-fork one process serves everyone: Vulkan clients SIGKILLed
    at random points of a busy session (mid-message, mid-submit, mappings
    live; seeded, so a failure replays) and in a wait with work outstanding
    must not leave host threads, fds or memory behind (lavapipe's device
    queue thread outlived its instance before)."""
    import random
    chance = random.Random(7)
    with harness.server(build_dir, ['--no-fork']) as server:
        env = server.client_env()
        program = os.path.join(build_dir, 'tests/vulkan/compute_test')
        shader = os.path.join(build_dir, 'tests/vulkan/compute.spv')
        subprocess.run([program, shader, '65536'], env=env, check=True, timeout=120, stdout=subprocess.DEVNULL)
        threads, rss = process_status(server.process.pid)
        fds = open_fds(server.process.pid)
        for _ in range(5):
            busy = subprocess.Popen([program, shader, '65536', '1000000'], env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(chance.uniform(0.2, 1.0))
            busy.kill()
            busy.wait()
            victim = subprocess.Popen([os.path.join(build_dir, 'tests/vulkan/wait_forever')], env=env,
                                      stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            line = ' '
            while line and 'waiting' not in line:
                line = victim.stdout.readline()
            if not line:
                victim.kill()
                raise SystemExit('wait_forever did not start')
            victim.kill()
            victim.wait()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            after_threads, after_rss = process_status(server.process.pid)
            after_fds = open_fds(server.process.pid)
            if after_threads == threads and after_fds == fds:
                break
            time.sleep(0.1)
        print(f'10 clients killed (--no-fork): threads {threads} -> {after_threads}, fds {fds} -> {after_fds}, '
              f'RSS {rss} -> {after_rss} KiB')
        # A sanitized server keeps freed memory in quarantine: there only the
        # threads and fds tell (each leaked device kept a thread).
        if after_threads != threads or after_fds != fds or (not SANITIZED and after_rss - rss > 8 * 1024):
            raise SystemExit('killed clients left threads, fds or memory behind in the server')


SANITIZED = 'libasan' in os.environ.get('LD_PRELOAD', '')
# The sanitized ICD and server are ~20x slower under this load: a tenth there.
LOAD_ROUNDS = '200' if SANITIZED else '2000'


def run_many(build_dir, server, count, address=None, elements='65536', rounds='1'):
    env = server.client_env()
    if address:
        env['VTEST_SOCKET_NAME'] = address
    program = os.path.join(build_dir, 'tests/vulkan/compute_test')
    shader = os.path.join(build_dir, 'tests/vulkan/compute.spv')
    clients = [subprocess.Popen([program, shader, elements, rounds], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for _ in range(count)]
    results = [client.communicate(timeout=600) + (client.returncode,) for client in clients]
    failed = [r for r in results if r[2] != 0 or 'correct' not in r[0]]
    return results, failed


def many_clients(build_dir):
    port = harness.free_port()
    address = f'tcp:127.0.0.1:{port}'
    with harness.server(build_dir, ['--listen', address]) as server:
        # Each client maps, writes, submits, waits and checks ROUNDS times.
        for label, target in (('Unix', None), ('TCP', address)):
            start = time.monotonic()
            _, failed = run_many(build_dir, server, 32, target, elements='4096', rounds=LOAD_ROUNDS)
            print(f'32 concurrent clients over {label}, {LOAD_ROUNDS} submits and blob maps each: '
                  f'{32 - len(failed)} correct in {time.monotonic() - start:.1f} s')
            if failed:
                raise SystemExit(f'{len(failed)} clients failed:\n{failed[0][1]}')
        if server.process.poll() is not None:
            raise SystemExit('the server died')


def over_budget(build_dir):
    # 4 MiB of blobs per client: two 256 KiB buffers fit, two 8 MiB ones do not.
    with harness.server(build_dir, ['--max-blob-bytes', str(4 << 20)]) as server:
        env = server.client_env()
        program = os.path.join(build_dir, 'tests/vulkan/compute_test')
        shader = os.path.join(build_dir, 'tests/vulkan/compute.spv')
        greedy = subprocess.Popen([program, shader, str(2 << 20)], env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        modest = subprocess.run([program, shader, '65536'], env=env, capture_output=True, text=True, timeout=300)
        out, err = greedy.communicate(timeout=300)
        print('over budget:', (err.strip().splitlines() or ['(nothing)'])[-1])
        if greedy.returncode == 0:
            raise SystemExit('the client over its budget was not refused')
        if '-2' not in err and 'OUT_OF_DEVICE_MEMORY' not in err:
            raise SystemExit('expected VK_ERROR_OUT_OF_DEVICE_MEMORY (-2):\n' + err)
        if modest.returncode != 0:
            raise SystemExit('a client within its budget failed:\n' + modest.stderr)
        if 'budget' not in err:
            raise SystemExit('the client was not told why it was refused:\n' + err)


def main():
    build_dir = os.path.abspath(sys.argv[1])
    server_killed_while_waiting(build_dir)
    server_killed_while_waiting(build_dir, 'fence')
    killed_clients_leave_nothing(build_dir)
    server_killed_while_waiting(build_dir, 'finish')
    with harness.xvfb() as display:
        os.environ['DISPLAY'] = display
        server_killed_while_waiting(build_dir, 'swap')
        server_killed_while_waiting(build_dir, 'present')
    many_clients(build_dir)
    over_budget(build_dir)
    print('ok')


if __name__ == '__main__':
    main()
