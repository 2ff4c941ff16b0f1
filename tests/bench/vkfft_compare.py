#!/usr/bin/env python3
"""Runs vkfft_test --bench natively (lavapipe, or $RENDERSOCK_NATIVE_ICD) and
through rendersock (the real server on a private Unix socket) in the same
invocation, and prints each case's GFLOP/s side by side with their ratio.

usage: vkfft_compare.py [BUILD_DIR] [--json FILE] [--min-time S] [--min-reps N]
                        [--submit-ms MS] [--cases CASE,...] [--server-log-level LEVEL]

GFLOP/s = 5 N log2(N) * batch / time per FFT, timing only submit + fence wait
of a pre-recorded command buffer of K forward+inverse pairs. The native run
chooses K per case (about --submit-ms per submit); the rendersock run is
given the same K, so both do identical work. Ratio = rendersock / native
(higher is better); goal: >= 0.95x native at large sizes. Exit status 0 when
both runs completed (a missed goal does not fail it), 1 when a run failed.
"""
import argparse
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'integration', 'py'))
import harness  # noqa: E402

GOAL = 0.95


def run_bench(command, env, label):
    print(f'running {label}: {" ".join(command[1:])}', file=sys.stderr, flush=True)
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1800)
    except subprocess.TimeoutExpired as e:
        return None, f'{label}: timed out after {e.timeout} s'
    lines = result.stdout.splitlines()
    figures = [line for line in lines if line.startswith('{')]
    pairs = [line[len('pairs_per_submit: '):] for line in lines if line.startswith('pairs_per_submit: ')]
    device = next((line[len('device: '):] for line in lines if line.startswith('device: ')), '?')
    if result.returncode != 0 or not figures:
        # A run that failed part way: keep the cases it finished (their per-case lines).
        partial = {}
        for line in lines:
            match = re.match(r'^(\S+)\s+\d+ pairs/submit .* ([0-9.]+) GFLOP/s$', line)
            if match:
                partial[match.group(1) + '_gflops'] = float(match.group(2))
        return ({'device': device, 'figures': json.loads(figures[-1]) if figures else partial,
                 'pairs': json.loads(pairs[-1]) if pairs else {}, 'stdout': result.stdout},
                f'{label}: exit status {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}')
    return {'device': device, 'figures': json.loads(figures[-1]), 'pairs': json.loads(pairs[-1]) if pairs else {},
            'stdout': result.stdout}, None


def fmt(value):
    return '-' if value is None else f'{value:.3f}' if value < 100 else f'{value:.1f}'


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('build_dir', nargs='?',
                        default=os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'build'))
    parser.add_argument('--json', help='write every figure, ratio and the goal here')
    parser.add_argument('--min-time', type=float, default=0.5, help='timed seconds per case (default 0.5)')
    parser.add_argument('--min-reps', type=int, default=3, help='timed submits per case at least (default 3)')
    parser.add_argument('--submit-ms', type=float, default=20.0,
                        help='target duration of one submit when choosing K (default 20)')
    parser.add_argument('--cases', help='comma-separated case names (default: all of --bench)')
    parser.add_argument('--server-log-level', default='info')
    args = parser.parse_args()
    build_dir = os.path.abspath(args.build_dir)
    program = os.path.join(build_dir, 'tests', 'vkfft', 'vkfft_test')
    if not os.path.exists(program):
        print(f'{program} is missing: build the vkfft_test target', file=sys.stderr)
        return 1
    command = [program, '--bench', '--min-time', str(args.min_time), '--min-reps', str(args.min_reps),
               '--submit-ms', str(args.submit_ms)]
    if args.cases:
        command += ['--cases', args.cases]

    errors = []
    with harness.server(build_dir, ['--log-level', args.server_log_level]) as server:
        native, error = run_bench(command, harness.native_env(server.folder), 'native')
        if error:
            errors.append(error)
        pairs = (native or {}).get('pairs', {})
        forwarded_command = list(command)
        if pairs and all(pairs.values()):
            forwarded_command += ['--pairs-per-submit', ','.join(f'{k}={v}' for k, v in pairs.items())]
        forwarded, error = run_bench(forwarded_command, server.client_env(), 'rendersock (Unix socket)')
        if error:
            errors.append(error + '\nserver log (tail):\n' + server.log()[-8000:])

    native_figures = (native or {}).get('figures', {})
    forwarded_figures = (forwarded or {}).get('figures', {})
    names = list(dict.fromkeys([*native_figures, *forwarded_figures]))
    rows = []
    for name in names:
        n, f = native_figures.get(name), forwarded_figures.get(name)
        case = name[:-len('_gflops')] if name.endswith('_gflops') else name
        n = n if n else None  # 0 means the case failed
        f = f if f else None
        r = f / n if n and f else None
        rows.append({'case': case, 'native_gflops': n, 'rendersock_gflops': f, 'ratio': r,
                     'pairs_per_submit': pairs.get(case), 'goal_met': None if r is None else r >= GOAL})

    print(f"native:     {native['device'] if native else 'failed'}")
    print(f"rendersock: {forwarded['device'] if forwarded else 'failed'}")
    print(f'ratio = rendersock / native GFLOP/s (higher is better); goal: >= {GOAL}x native at large sizes')
    header = f"{'case':<26} {'K':>5} {'native GFLOP/s':>15} {'rendersock GFLOP/s':>19} {'ratio':>7}  goal"
    print(header)
    print('-' * (len(header) + 4))
    for row in rows:
        goal = 'n/a' if row['goal_met'] is None else ('met' if row['goal_met'] else 'MISSED')
        print(f"{row['case']:<26} {row['pairs_per_submit'] or '-':>5} {fmt(row['native_gflops']):>15} "
              f"{fmt(row['rendersock_gflops']):>19} {fmt(row['ratio']):>7}  {goal}")
    met = sum(1 for row in rows if row['goal_met'])
    missed = [row['case'] for row in rows if row['goal_met'] is False]
    print(f'goal >= {GOAL}x: {met} met, {len(missed)} missed' + (f" ({', '.join(missed)})" if missed else '')
          + (f', {len(rows) - met - len(missed)} n/a' if len(rows) - met - len(missed) else ''))
    print('(K: forward+inverse pairs per submit, from the native run)')

    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, 'w') as out:
            json.dump({'goal': f'rendersock >= {GOAL}x native GFLOP/s at large sizes',
                       'flops': '5 N log2(N) * batch per FFT, N = x*y*z; timing: submit + fence wait',
                       'min_time_s': args.min_time, 'min_reps': args.min_reps, 'submit_ms': args.submit_ms,
                       'native_device': native['device'] if native else None,
                       'rendersock_device': forwarded['device'] if forwarded else None,
                       'results': rows, 'errors': errors}, out, indent=2)
            out.write('\n')
        print(f'results written to {args.json}')
    for error in errors:
        print(error, file=sys.stderr)
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
