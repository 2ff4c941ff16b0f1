#!/usr/bin/env python3
"""Runs vulkan_bench natively on lavapipe and through rendersock (the real
server on a private socket) in the same invocation, and prints each figure
side by side with their ratio and the targets.

usage: vulkan_compare.py [BUILD_DIR] [--quick] [--json FILE] [--server-log-level LEVEL]

The ratio is "higher is better" for every row: rendersock/native for rates
and bandwidths, native/rendersock for latencies (µs). Exit status 0 when both
runs completed (targets missed do not fail it: this is a benchmark), 1 when
a run failed.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'integration', 'py'))
import harness  # noqa: E402

# name -> (unit, lower_is_better)
METRICS = {
    'command_rate_dispatches_per_s': ('1/s', False),
    'command_rate_draws_per_s': ('1/s', False),
    'record_draws_per_s': ('1/s', False),
    'fence_status_us': ('us', True),
    'empty_submit_wait_us': ('us', True),
    'mapped_write_gbps': ('GB/s', False),
    'mapped_read_gbps': ('GB/s', False),
    'buffer_create_destroy_per_s': ('1/s', False),
    'descriptor_set_alloc_free_per_s': ('1/s', False),
}

# The targets: (metric, kind, bound, description). kind 'ratio' is
# checked against the ratio above, 'below' against the rendersock figure.
TARGETS = [
    ('mapped_write_gbps', 'ratio', 0.95, 'ratio >= 0.95'),
    ('mapped_read_gbps', 'ratio', 0.95, 'ratio >= 0.95'),
    ('command_rate_dispatches_per_s', 'ratio', 0.8, 'ratio >= 0.8'),
    ('command_rate_draws_per_s', 'ratio', 0.8, 'ratio >= 0.8'),
    ('fence_status_us', 'below', 20.0, 'rendersock < 20 us'),
]


def run_bench(command, env, label):
    print(f'running {label}...', file=sys.stderr, flush=True)
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
    if result.returncode != 0:
        return None, (f'{label}: exit status {result.returncode}\n'
                      f'stdout:\n{result.stdout}\nstderr:\n{result.stderr}')
    # VulkanApp prints "device: ..." first; the figures are the last line.
    lines = [line for line in result.stdout.splitlines() if line.startswith('{')]
    if not lines:
        return None, f'{label}: no JSON in the output:\n{result.stdout}\n{result.stderr}'
    device = next((line[len('device: '):] for line in result.stdout.splitlines()
                   if line.startswith('device: ')), '?')
    return {'device': device, 'figures': json.loads(lines[-1])}, None


def ratio(metric, native, forwarded):
    if native is None or forwarded is None:
        return None
    lower_is_better = METRICS.get(metric, ('', False))[1]
    numerator, denominator = (native, forwarded) if lower_is_better else (forwarded, native)
    return numerator / denominator if denominator else None


def fmt(value):
    if value is None:
        return '-'
    if abs(value) >= 1e5:
        return f'{value:,.0f}'
    if abs(value) >= 100:
        return f'{value:.1f}'
    return f'{value:.3f}'


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('build_dir', nargs='?',
                        default=os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'build'))
    parser.add_argument('--quick', action='store_true', help='10x fewer iterations (passed to vulkan_bench)')
    parser.add_argument('--json', help='write every figure, ratio and target here')
    parser.add_argument('--server-log-level', default='info')
    args = parser.parse_args()
    build_dir = os.path.abspath(args.build_dir)
    bench_dir = os.path.join(build_dir, 'tests', 'bench')
    command = [os.path.join(bench_dir, 'vulkan_bench')]
    if args.quick:
        command.append('--quick')
    command += [os.path.join(bench_dir, f'noop_{stage}.spv') for stage in ('comp', 'vert', 'frag')]

    errors = []
    with harness.server(build_dir, ['--log-level', args.server_log_level]) as server:
        native, error = run_bench(command, harness.native_env(server.folder), 'native lavapipe')
        if error:
            errors.append(error)
        forwarded, error = run_bench(command, server.client_env(), 'rendersock (Unix socket)')
        if error:
            errors.append(error + '\nserver log (tail):\n' + server.log()[-8000:])

    native_figures = native['figures'] if native else {}
    forwarded_figures = forwarded['figures'] if forwarded else {}
    names = list(METRICS) + [n for n in {**native_figures, **forwarded_figures} if n not in METRICS]
    names = [n for n in names if n in native_figures or n in forwarded_figures]

    rows = []
    for name in names:
        n, f = native_figures.get(name), forwarded_figures.get(name)
        rows.append({'metric': name, 'unit': METRICS.get(name, ('', False))[0], 'native': n, 'rendersock': f,
                     'ratio': ratio(name, n, f)})
    by_name = {row['metric']: row for row in rows}
    targets = []
    for metric, kind, bound, description in TARGETS:
        row = by_name.get(metric)
        value = None if row is None else (row['ratio'] if kind == 'ratio' else row['rendersock'])
        met = None if value is None else (value >= bound if kind == 'ratio' else value < bound)
        targets.append({'metric': metric, 'target': description, 'value': value, 'met': met})

    print(f"native:     {native['device'] if native else 'failed'}")
    print(f"rendersock: {forwarded['device'] if forwarded else 'failed'}")
    print('ratio: higher is better; rendersock/native for rates and bandwidths, '
          'native/rendersock for latencies (us)')
    header = f"{'metric':<34} {'unit':>5} {'native':>14} {'rendersock':>14} {'ratio':>7}  target"
    print(header)
    print('-' * (len(header) + 22))
    target_by_metric = {t['metric']: t for t in targets}
    for row in rows:
        target = target_by_metric.get(row['metric'])
        note = ''
        if target:
            state = 'n/a' if target['met'] is None else ('met' if target['met'] else 'MISSED')
            note = f"{target['target']}: {state}"
        print(f"{row['metric']:<34} {row['unit']:>5} {fmt(row['native']):>14} {fmt(row['rendersock']):>14} "
              f"{fmt(row['ratio']):>7}  {note}")
    missed = [t for t in targets if t['met'] is False]
    print(f'targets: {sum(1 for t in targets if t["met"])} met, {len(missed)} missed'
          + (' (' + ', '.join(t['metric'] for t in missed) + ')' if missed else ''))

    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, 'w') as out:
            json.dump({'quick': args.quick,
                       'ratio_note': 'higher is better: rendersock/native for rates, native/rendersock '
                                     'for latencies',
                       'native_device': native['device'] if native else None,
                       'rendersock_device': forwarded['device'] if forwarded else None,
                       'results': rows, 'targets': targets, 'errors': errors}, out, indent=2)
            out.write('\n')
        print(f'results written to {args.json}')
    for error in errors:
        print(error, file=sys.stderr)
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
