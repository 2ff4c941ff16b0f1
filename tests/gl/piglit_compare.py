#!/usr/bin/env python3
"""Differential piglit run: the same fixed list of piglit tests natively and
forwarded through rendersock, compared test by test.

usage: piglit_compare.py --mode {gl,zink} --build BUILD_DIR --list LIST_FILE
           [--expected-failures FILE] [--jobs N] [--json OUT] [--keep DIR]
           [--platform glx|surfaceless_egl]

Modes (both sides run under one private Xvfb for the glx platform, and one
real server on a private socket):
  gl    native: Mesa llvmpipe as installed.
        forwarded: our GL vendor libraries, BUILD/gl_client
        (__GLX_VENDOR_LIBRARY_NAME=rendersock, __EGL_VENDOR_LIBRARY_FILENAMES=
        BUILD/gl_client/rendersock_egl.json, LD_LIBRARY_PATH=BUILD/gl_client).
  zink  native: Mesa's zink on native lavapipe.
        forwarded: Mesa's zink on our Vulkan ICD (BUILD/icd).
--env-native / --env-forwarded KEY=VALUE add or override variables on one side.

A regression is a test that passes natively and does not pass forwarded. The
expected-failures file lists regressions that are known: one piglit test name
per line, each explained by a trailing '# reason' or by the '#' comment block
directly above it (a block explains the entries that follow it up to the next
blank line).

Exit status: 0 when every regression is expected; 1 when a regression is not
expected, the native side passed fewer than --min-native-pass tests, a listed
test is unknown to this piglit, or the forwarded side never reached the
server; 2 for a usage or setup error (including an unexplained entry in the
expected-failures file). Tests that pass forwarded but not natively, and
expected failures that now pass, are reported and do not fail the run.

Python 3 standard library only; reuses tests/integration/py/harness.py.
"""
import argparse
import bz2
import collections
import contextlib
import gzip
import json
import lzma
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'integration', 'py'))
import harness  # noqa: E402

# Piglit's statuses, in the order the summary prints them; the first five are
# always printed, the others only when some test has them.
STATUSES = ['pass', 'fail', 'skip', 'crash', 'warn', 'timeout', 'incomplete', 'notrun',
            'dmesg-warn', 'dmesg-fail', 'missing']
ALWAYS_SHOWN = STATUSES[:5]

# Variables that would point a native run at rendersock (or at another
# driver) if they leaked from the caller's environment.
FORWARDING_VARIABLES = ('VTEST_SOCKET_NAME', '__GLX_VENDOR_LIBRARY_NAME',
                        '__EGL_VENDOR_LIBRARY_FILENAMES', '__EGL_VENDOR_LIBRARY_DIRS',
                        'VK_ICD_FILENAMES', 'VK_DRIVER_FILES', 'GALLIUM_DRIVER',
                        'LIBGL_ALWAYS_SOFTWARE', 'MESA_LOADER_DRIVER_OVERRIDE')


class SetupError(Exception):
    """Something is wrong before any comparison can be made (exit status 2)."""


def log(message):
    print(message, flush=True)


# --- input files --------------------------------------------------------------

def read_test_list(path):
    """Test names the way piglit's --test-list reads them: anything after '#'
    is a comment, blank lines are skipped."""
    names = []
    with open(path) as f:
        for line in f:
            name = line.split('#', 1)[0].strip()
            if name:
                names.append(name)
    duplicates = [n for n, c in collections.Counter(names).items() if c > 1]
    if duplicates:
        raise SetupError(f'{path}: tests listed twice: {", ".join(duplicates[:5])}')
    return names


def read_expected_failures(path):
    """{test name: reason}. Every entry needs a reason: a trailing '# ...' on
    its line, or the comment block directly above it."""
    expected = {}
    unexplained = []
    block = []  # comment lines of the current block
    with open(path) as f:
        for number, raw in enumerate(f, 1):
            line = raw.strip()
            if not line:
                block = []
                continue
            if line.startswith('#'):
                text = line.lstrip('#').strip()
                if text:
                    block.append(text)
                continue
            name, _, trailing = line.partition('#')
            name, trailing = name.strip(), trailing.strip()
            reason = trailing or ' '.join(block)
            if not reason:
                unexplained.append(f'{path}:{number}: {name}')
            if name in expected:
                raise SetupError(f'{path}:{number}: {name} is listed twice')
            expected[name] = reason
    if unexplained:
        raise SetupError('expected failures without a reason (add a trailing "# reason" '
                         'or a comment above):\n  ' + '\n  '.join(unexplained))
    return expected


def parse_assignments(pairs, option):
    values = {}
    for pair in pairs or ():
        key, sep, value = pair.partition('=')
        if not sep or not key:
            raise SetupError(f'{option} expects KEY=VALUE, got {pair!r}')
        values[key] = value
    return values


# --- piglit --------------------------------------------------------------------

def load_results(result_dir):
    """The per-test results of one piglit run: the final results.json.* when
    piglit finished, else whatever tests/*.json it had written."""
    openers = {'results.json.bz2': bz2.open, 'results.json.gz': gzip.open,
               'results.json.xz': lzma.open, 'results.json': open}
    for name, opener in openers.items():
        path = os.path.join(result_dir, name)
        if os.path.exists(path):
            with opener(path, 'rt') as f:
                return json.load(f)['tests'], True
    tests = {}
    tests_dir = os.path.join(result_dir, 'tests')
    if os.path.isdir(tests_dir):
        for entry in sorted(os.listdir(tests_dir)):
            try:
                with open(os.path.join(tests_dir, entry)) as f:
                    tests.update(json.load(f))
            except (OSError, ValueError):
                pass  # the file piglit was writing when it died
    return tests, False


def count_done(result_dir):
    try:
        return len(os.listdir(os.path.join(result_dir, 'tests')))
    except OSError:
        return None


def run_piglit(label, env, list_path, result_dir, count, *, piglit='piglit', profile='quick',
               platform='glx', jobs=2, timeout=60, progress_every=30.0):
    """Runs the tests of list_path under piglit with env; returns (tests,
    elapsed seconds, piglit exit status). Names piglit does not know come
    back as 'notrun'."""
    command = [piglit, 'run', profile, '-p', platform, '-j', str(jobs), '--timeout', str(timeout),
               '--ignore-missing', '-l', 'quiet', '-o', '--test-list', os.path.abspath(list_path),
               result_dir]
    log(f'{label}: running {count} tests: {" ".join(command)}')
    piglit_log = result_dir + '.piglit.log'
    start = time.monotonic()
    with open(piglit_log, 'w') as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        last_report = start
        while True:
            try:
                process.wait(timeout=2)
                break
            except subprocess.TimeoutExpired:
                pass
            now = time.monotonic()
            if now - last_report >= progress_every:
                last_report = now
                done = count_done(result_dir)
                done_text = f'{done}/{count} tests done' if done is not None else 'loading the profile'
                log(f'{label}: {done_text}, {now - start:.0f} s')
    elapsed = time.monotonic() - start
    tests, finished = load_results(result_dir)
    if not finished:
        with open(piglit_log, errors='replace') as f:
            tail = f.read()[-3000:]
        if not tests:
            raise SetupError(f'{label}: piglit wrote no results (exit status {process.returncode}):\n{tail}')
        log(f'{label}: piglit did not finish (exit status {process.returncode}); '
            f'using the {len(tests)} results it wrote:\n{tail}')
    log(f'{label}: {len(tests)} results in {elapsed:.1f} s (piglit exit status {process.returncode})')
    return tests, elapsed, process.returncode


def renderer(env, platform):
    """The GL renderer string one side gets, from wflinfo (waffle, as piglit
    uses), or a line saying why there is none."""
    try:
        result = subprocess.run(['wflinfo', '-p', platform, '-a', 'gl'], env=env,
                                capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f'(wflinfo failed: {error})'
    match = re.search(r'^OpenGL renderer string: (.*)$', result.stdout, re.M)
    if match:
        return match.group(1).strip()
    return '(wflinfo failed: ' + (result.stderr.strip().splitlines() or ['no output'])[-1] + ')'


# --- environments ----------------------------------------------------------------

def native_base(extra_folder):
    env = dict(os.environ)
    for name in FORWARDING_VARIABLES:
        env.pop(name, None)
    env['XDG_RUNTIME_DIR'] = extra_folder
    return env


def environments(args, server, display, native_folder):
    """(native env, forwarded env) for the mode."""
    build = os.path.abspath(args.build)
    x = {'DISPLAY': display} if display else {}
    if args.mode == 'zink':
        zink = dict(x, LIBGL_ALWAYS_SOFTWARE='1', GALLIUM_DRIVER='zink')
        native = harness.native_env(server.folder, **zink)
        for name in ('VTEST_SOCKET_NAME', '__GLX_VENDOR_LIBRARY_NAME', '__EGL_VENDOR_LIBRARY_FILENAMES'):
            native.pop(name, None)
        forwarded = server.client_env(**zink)
    else:
        gl_client = os.path.join(build, 'gl_client')
        egl_json = os.path.join(gl_client, 'rendersock_egl.json')
        if not os.path.exists(egl_json):
            raise SetupError(f'{egl_json} does not exist: build the GL client libraries first')
        native = native_base(native_folder)
        native.update(x)
        library_path = os.environ.get('LD_LIBRARY_PATH')
        forwarded = server.client_env(
            __GLX_VENDOR_LIBRARY_NAME='rendersock', __EGL_VENDOR_LIBRARY_FILENAMES=egl_json,
            LD_LIBRARY_PATH=gl_client + (':' + library_path if library_path else ''), **x)
    native.update(parse_assignments(args.env_native, '--env-native'))
    forwarded.update(parse_assignments(args.env_forwarded, '--env-forwarded'))
    return native, forwarded


# --- comparison ------------------------------------------------------------------

def status_of(tests, name):
    result = tests.get(name)
    return result['result'] if result else 'missing'


def duration_of(tests, name):
    result = tests.get(name)
    try:
        return round(result['time']['end'] - result['time']['start'], 3)
    except (TypeError, KeyError):
        return None


def counts(statuses):
    return collections.Counter(statuses)


def format_counts(counter):
    shown = [s for s in STATUSES if s in ALWAYS_SHOWN or counter.get(s)]
    return ', '.join(f'{s} {counter.get(s, 0)}' for s in shown)


def output_tail(result, lines=15):
    text = ''
    for stream in ('out', 'err'):
        value = (result or {}).get(stream) or ''
        if value.strip():
            text += f'--- {stream}:\n' + '\n'.join(value.rstrip().splitlines()[-lines:]) + '\n'
    return text or '(no output)\n'


def compare(names, native, forwarded, expected):
    native_status = {n: status_of(native, n) for n in names}
    forwarded_status = {n: status_of(forwarded, n) for n in names}
    regressions = [n for n in names if native_status[n] == 'pass' and forwarded_status[n] != 'pass']
    improvements = [n for n in names if forwarded_status[n] == 'pass' and native_status[n] != 'pass']
    other = [n for n in names if native_status[n] != forwarded_status[n]
             and n not in regressions and n not in improvements]
    return {
        'native_status': native_status,
        'forwarded_status': forwarded_status,
        'regressions': regressions,
        'expected_regressions': [n for n in regressions if n in expected],
        'unexpected_regressions': [n for n in regressions if n not in expected],
        'unexpectedly_passing': [n for n in names if n in expected and forwarded_status[n] == 'pass'
                                 and native_status[n] == 'pass'],
        'expected_not_passing_natively': [n for n in names if n in expected and native_status[n] != 'pass'],
        'expected_not_in_list': sorted(set(expected) - set(names)),
        'improvements': improvements,
        'other_differences': other,
        'unknown_tests': [n for n in names if native_status[n] == 'notrun' and forwarded_status[n] == 'notrun'],
    }


def print_list(title, names, detail=None, limit=200):
    if not names:
        return
    log(f'{title} ({len(names)}):')
    for name in names[:limit]:
        log(f'  {name}' + (f'  [{detail(name)}]' if detail else ''))
    if len(names) > limit:
        log(f'  ... and {len(names) - limit} more (see --json)')


def served_clients(server_log):
    return len(re.findall(r'\bclient \d+ \(.*\) connected$', server_log, re.M))


# --- main ------------------------------------------------------------------------

def parse_args(argv):
    parser = argparse.ArgumentParser(
        description='Run a fixed piglit list natively and through rendersock and compare the results.')
    parser.add_argument('--mode', choices=('gl', 'zink'), required=True,
                        help='gl: our GL vendor libraries vs llvmpipe; zink: zink on our ICD vs zink on lavapipe')
    parser.add_argument('--build', required=True, help='the build folder (server/, icd/, gl_client/)')
    parser.add_argument('--list', required=True, help='piglit test names, one per line (piglit --test-list)')
    parser.add_argument('--expected-failures', help='regressions that are known, each with a reason')
    parser.add_argument('--jobs', '-j', type=int, default=os.cpu_count() or 1, help='piglit -j (default: CPUs)')
    parser.add_argument('--json', help='write per-test results of both sides and the timings here')
    parser.add_argument('--keep', help='keep piglit results, piglit logs and the server log in this folder')
    parser.add_argument('--platform', choices=('glx', 'surfaceless_egl'), default='glx',
                        help='waffle platform for piglit (default glx, under a private Xvfb)')
    parser.add_argument('--timeout', type=int, default=60, help='piglit per-test timeout in s (default 60)')
    parser.add_argument('--profile', default='quick', help='piglit profile the names come from (default quick)')
    parser.add_argument('--piglit', default='piglit', help='the piglit command (default: piglit on PATH)')
    parser.add_argument('--min-native-pass', type=int, default=1,
                        help='fail when fewer tests than this pass natively (default 1)')
    parser.add_argument('--env-native', action='append', metavar='KEY=VALUE',
                        help='set a variable for the native side (repeatable)')
    parser.add_argument('--env-forwarded', action='append', metavar='KEY=VALUE',
                        help='set a variable for the forwarded side (repeatable)')
    parser.add_argument('--show-output', type=int, default=3, metavar='N',
                        help='print the forwarded output of the first N unexpected regressions (default 3)')
    parser.add_argument('--server-arg', action='append', default=[], metavar='ARG',
                        help='extra argument for virgl_test_server (repeatable)')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    try:
        return run(args)
    except SetupError as error:
        log(f'error: {error}')
        return 2


def run(args):
    started = time.monotonic()
    build = os.path.abspath(args.build)
    for required in ('server/virgl_test_server', 'icd/rendersock_icd.x86_64.json'):
        if not os.path.exists(os.path.join(build, required)):
            raise SetupError(f'{os.path.join(build, required)} does not exist')
    names = read_test_list(args.list)
    if not names:
        raise SetupError(f'{args.list} lists no tests')
    expected = read_expected_failures(args.expected_failures) if args.expected_failures else {}
    if shutil.which(args.piglit) is None:
        raise SetupError(f'{args.piglit} not found')

    with contextlib.ExitStack() as stack:
        if args.keep:
            work = os.path.abspath(args.keep)
            os.makedirs(work, exist_ok=True)
        else:
            work = stack.enter_context(tempfile.TemporaryDirectory(prefix='piglit-compare-'))
        native_folder = stack.enter_context(tempfile.TemporaryDirectory(prefix='piglit-compare-xdg-'))  # 0700
        display = stack.enter_context(harness.xvfb()) if args.platform == 'glx' else None
        server = stack.enter_context(harness.server(build, tuple(args.server_arg)))
        native_env, forwarded_env = environments(args, server, display, native_folder)

        log(f'piglit_compare: mode {args.mode}, platform {args.platform}, {len(names)} tests from '
            f'{args.list}, -j {args.jobs}' + (f', display {display}' if display else ''))
        sides = {}
        for label, env in (('native', native_env), ('forwarded', forwarded_env)):
            side_renderer = renderer(env, args.platform)
            log(f'{label}: renderer {side_renderer}')
            if args.mode == 'zink' and label == 'forwarded' and 'rendersock' not in side_renderer:
                raise SetupError(f'zink is not running on the rendersock device: {side_renderer}')
            clients_before = served_clients(server.log())
            tests, elapsed, status = run_piglit(
                label, env, args.list, os.path.join(work, label), len(names), piglit=args.piglit,
                profile=args.profile, platform=args.platform, jobs=args.jobs, timeout=args.timeout)
            sides[label] = {'tests': tests, 'elapsed': elapsed, 'piglit_status': status,
                            'renderer': side_renderer,
                            'server_clients': served_clients(server.log()) - clients_before}
        server_log = server.log()
        if args.keep:
            with open(os.path.join(work, 'server.log'), 'w') as f:
                f.write(server_log)

    return report(args, names, expected, sides, server_log, time.monotonic() - started)


def report(args, names, expected, sides, server_log, total_s):
    native, forwarded = sides['native'], sides['forwarded']
    result = compare(names, native['tests'], forwarded['tests'], expected)
    ns, fs = result['native_status'], result['forwarded_status']
    native_counts, forwarded_counts = counts(ns.values()), counts(fs.values())
    problems = []

    log('')
    log(f'=== piglit comparison, mode {args.mode}, {len(names)} tests ===')
    log(f'native    ({native["renderer"]}): {format_counts(native_counts)}; {native["elapsed"]:.1f} s')
    log(f'forwarded ({forwarded["renderer"]}): {format_counts(forwarded_counts)}; {forwarded["elapsed"]:.1f} s; '
        f'server saw {forwarded["server_clients"]} clients')
    log(f'total wall time {total_s:.1f} s')
    server_trouble = [line for line in server_log.splitlines()
                      if re.search(r'\b(error|warn|lost)\b', line, re.I)]
    if server_trouble:
        log(f'server log: {len(server_trouble)} error/warn lines, the first: {server_trouble[0]}')

    detail = lambda n: f'native {ns[n]}, forwarded {fs[n]}'  # noqa: E731
    print_list('regressions: pass natively, not forwarded', result['regressions'],
               lambda n: detail(n) + (', expected' if n in expected else ', NOT EXPECTED'))
    if result['regressions']:
        log(f'  of which expected (in {args.expected_failures or "no expected-failures file"}): {len(result["expected_regressions"])}, '
            f'not expected: {len(result["unexpected_regressions"])}')
    print_list('unexpectedly passing: expected to fail but pass forwarded, remove from the list',
               result['unexpectedly_passing'])
    print_list('expected failures that do not pass natively either (stale entries?)',
               result['expected_not_passing_natively'], detail)
    if result['expected_not_in_list']:
        log(f'note: {len(result["expected_not_in_list"])} expected failures are not in {args.list}')
    print_list('pass forwarded but not natively (informational)', result['improvements'], detail)
    print_list('other differences (informational)', result['other_differences'], detail)

    for name in result['unexpected_regressions'][:args.show_output]:
        log(f'--- forwarded output of {name} ({fs[name]}):')
        sys.stdout.write(output_tail(forwarded['tests'].get(name)))

    if result['unknown_tests']:
        print_list(f'tests this piglit does not know (not in profile {args.profile})', result['unknown_tests'])
        problems.append(f'{len(result["unknown_tests"])} listed tests are unknown to piglit')
    if native_counts.get('pass', 0) < args.min_native_pass:
        problems.append(f'only {native_counts.get("pass", 0)} tests passed natively '
                        f'(minimum {args.min_native_pass}): the native run is broken')
    if forwarded['server_clients'] == 0:
        problems.append('the forwarded run never connected to the server')
    if result['unexpected_regressions']:
        problems.append(f'{len(result["unexpected_regressions"])} regression(s) not in the expected failures')

    if args.json:
        write_json(args, names, expected, sides, result, native_counts, forwarded_counts, problems, total_s)

    log('')
    if problems:
        for problem in problems:
            log(f'FAIL: {problem}')
        return 1
    log(f'OK: {native_counts.get("pass", 0)} pass natively, {forwarded_counts.get("pass", 0)} forwarded, '
        f'{len(result["expected_regressions"])} expected failures')
    return 0


def write_json(args, names, expected, sides, result, native_counts, forwarded_counts, problems, total_s):
    tests = {}
    for name in names:
        entry = {}
        for label in ('native', 'forwarded'):
            raw = sides[label]['tests'].get(name) or {}
            entry[label] = {'result': status_of(sides[label]['tests'], name),
                            'time': duration_of(sides[label]['tests'], name)}
            subtests = {k: v for k, v in (raw.get('subtests') or {}).items() if k != '__type__'}
            if subtests:
                entry[label]['subtests'] = subtests
        if name in expected:
            entry['expected_failure'] = expected[name]
        tests[name] = entry
    document = {
        'mode': args.mode, 'platform': args.platform, 'list': args.list, 'jobs': args.jobs,
        'expected_failures_file': args.expected_failures, 'total_s': round(total_s, 2),
        'sides': {label: {'renderer': side['renderer'], 'elapsed_s': round(side['elapsed'], 2),
                          'piglit_status': side['piglit_status'], 'server_clients': side['server_clients'],
                          'counts': dict(native_counts if label == 'native' else forwarded_counts)}
                  for label, side in sides.items()},
        'regressions': result['regressions'],
        'unexpected_regressions': result['unexpected_regressions'],
        'expected_regressions': result['expected_regressions'],
        'unexpectedly_passing': result['unexpectedly_passing'],
        'improvements': result['improvements'],
        'other_differences': result['other_differences'],
        'problems': problems,
        'tests': tests,
    }
    with open(args.json, 'w') as f:
        json.dump(document, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    sys.exit(main())
