#!/usr/bin/env python3
"""Generates the fixed piglit lists in tests/gl/ (run once; the lists are
committed data, and this script records how they were chosen).

usage: make_piglit_list.py [--out DIR] [--work DIR] [--reuse] [--jobs N]

How the lists are chosen:
 1. Candidates come from the 'quick' profile of the installed piglit (its
    XML test lists), by group: for each group below, the tests whose names
    start with the group's prefix, sorted by name, of which COUNT evenly
    spaced ones are taken (all of them when the group is smaller). Tests
    that piglit marks not concurrent (run_concurrent False: they draw to
    the window and read the front buffer back, and clash with other
    windows on the shared Xvfb) are left out, as are ARB assembly parser
    tests and multisample tests for sample counts other than 4 (llvmpipe
    and lavapipe offer 1 and 4 samples; those tests skip).
 2. The candidates run natively twice (llvmpipe, glx under a private Xvfb,
    piglit -j N). A test is kept when it passed both times (a test that
    cannot pass natively cannot show a regression, and one that changes
    between runs is flaky) and took at most MAX_SECONDS in each run.
 3. If the kept tests' summed run time over the jobs exceeds the budget,
    the slowest are dropped until it fits.
    -> piglit-gl.txt
 4. piglit-gl-ci.txt: evenly spaced tests of piglit-gl.txt, among those
    that took at most CI_MAX_SECONDS, CI_COUNT of them.
 5. piglit-zink.txt: candidates are evenly spaced tests of piglit-gl.txt plus
    groups that exercise more of Vulkan through zink (GLSL 1.50/4.00,
    geometry/tessellation/compute shaders, SSBOs, images, transform
    feedback); they run twice natively with zink on lavapipe
    (LIBGL_ALWAYS_SOFTWARE=1 GALLIUM_DRIVER=zink, checked with the
    renderer string); those that passed both times within ZINK_MAX_SECONDS
    are kept, ZINK_COUNT evenly spaced ones of them.
 6. Each list is run once more natively to time it; the time goes into its
    header.
"""
import argparse
import datetime
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import xml.etree.ElementTree as et

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, '..', 'integration', 'py'))
import harness  # noqa: E402
import piglit_compare  # noqa: E402

PIGLIT_TESTS = '/usr/lib/x86_64-linux-gnu/piglit/tests'

# (prefix, count): the GL/GLES candidate groups, in list order.
GL_GROUPS = [
    ('spec@!opengl 1.0@', 999),
    ('spec@!opengl 1.1@', 999),
    ('spec@!opengl 1.2@', 999),
    ('spec@!opengl 1.3@', 999),
    ('spec@!opengl 1.4@', 999),
    ('spec@!opengl 1.5@', 999),
    ('spec@!opengl 2.0@', 999),
    ('spec@!opengl 2.1@', 999),
    ('spec@!opengl es 2.0@', 999),
    ('spec@!opengl es 3.0@', 999),
    ('spec@glsl-1.10@', 160),
    ('spec@glsl-1.20@', 130),
    ('spec@glsl-1.30@', 130),
    ('spec@glsl-1.40@', 30),
    ('spec@glsl-es-1.00@', 60),
    ('spec@glsl-es-3.00@', 90),
    ('spec@arb_texture_*', None),  # see TEXTURE_PER_EXTENSION
    ('spec@arb_vertex_buffer_object@', 999),
    ('spec@arb_framebuffer_object@', 999),
    ('spec@ext_framebuffer_object@', 999),
    ('spec@ext_framebuffer_multisample@', 50),
    ('spec@arb_uniform_buffer_object@', 30),
    ('spec@ext_transform_feedback@', 30),
    ('shaders@', 40),
]
# spec@arb_texture_*: every extension is a group of its own, of at most this
# many, so that arb_texture_gather (1,081 tests) does not crowd out the rest.
TEXTURE_PER_EXTENSION = 10

# Extra candidate groups for zink.
ZINK_GROUPS = [
    ('spec@glsl-1.50@', 30),
    ('spec@glsl-4.00@', 20),
    ('spec@arb_geometry_shader4@', 10),
    ('spec@arb_tessellation_shader@', 20),
    ('spec@arb_compute_shader@', 20),
    ('spec@arb_shader_storage_buffer_object@', 15),
    ('spec@arb_shader_image_load_store@', 15),
    ('spec@arb_transform_feedback2@', 8),
    ('spec@arb_texture_multisample@', 10),
    ('spec@arb_gpu_shader_fp64@', 10),
]
ZINK_FROM_GL = 240

# llvmpipe and lavapipe offer 1 and 4 samples only: multisample tests for
# other sample counts skip, so they are not candidates.
OTHER_SAMPLE_COUNTS = re.compile(r'multisample.*(^|[ @=])(2|6|8|16|32)([ -]|$)')

MAX_SECONDS = 10.0
GL_BUDGET_S = 200.0  # summed test time / jobs, piglit's own start-up comes on top
CI_COUNT = 300
CI_MAX_SECONDS = 0.6
ZINK_COUNT = 200
ZINK_MAX_SECONDS = 3.0

NO_BREAK = '\x00'

ZINK_ENV = {'LIBGL_ALWAYS_SOFTWARE': '1', 'GALLIUM_DRIVER': 'zink'}


def log(message):
    print(message, flush=True)


def load_profile(tests_dir):
    """{name: {'type', 'concurrent'}} for the quick profile."""
    tree = et.parse(os.path.join(tests_dir, 'quick.meta.xml'))
    tests = {}
    for profile in tree.getroot().iter('Profile'):
        with gzip.open(os.path.join(tests_dir, profile.text + '.xml.gz'), 'rt') as f:
            for _, element in et.iterparse(f):
                if element.tag != 'Test':
                    continue
                options = {o.get('name'): o.get('value') for o in element.iter('option')}
                tests[element.get('name')] = {'type': element.get('type'),
                                              'concurrent': options.get('run_concurrent') == 'True'}
                element.clear()
    return tests


def evenly(items, count):
    """count evenly spaced items of items (all of them when there are fewer)."""
    if count >= len(items):
        return list(items)
    return [items[int((i + 0.5) * len(items) / count)] for i in range(count)]


def eligible(profile, name):
    info = profile[name]
    return info['concurrent'] and info['type'] != 'asm_parser' and not OTHER_SAMPLE_COUNTS.search(name)


def group_candidates(profile, groups):
    chosen, seen = [], set()
    for prefix, count in groups:
        names = sorted(n for n in profile if n.startswith(prefix) and eligible(profile, n) and n not in seen)
        picked = evenly(names, count)
        chosen.extend(picked)
        seen.update(picked)
    return chosen


def texture_groups(profile):
    extensions = sorted({n.split('@')[1] for n in profile if n.startswith('spec@arb_texture_')})
    return [(f'spec@{e}@', TEXTURE_PER_EXTENSION) for e in extensions]


def write_list(path, names, paragraphs):
    with open(path, 'w') as f:
        for paragraph in paragraphs:
            for line in textwrap.wrap(paragraph, 98, break_on_hyphens=False) or ['']:
                f.write(f'# {line}'.rstrip().replace(NO_BREAK, ' ') + '\n')
        f.write('\n')
        for name in names:
            f.write(name + '\n')


def timed_run(label, env, names, work, reuse, jobs):
    """Runs names natively; returns {name: (status, seconds)} and the elapsed time."""
    list_path = os.path.join(work, label + '.txt')
    result_dir = os.path.join(work, label)
    cache = os.path.join(work, label + '.summary.json')
    if reuse and os.path.exists(cache):
        with open(list_path) as f:
            if [line.strip() for line in f if line.strip()] == names:
                with open(cache) as f:
                    data = json.load(f)
                log(f'{label}: reusing {cache}')
                return {k: tuple(v) for k, v in data['tests'].items()}, data['elapsed']
    with open(list_path, 'w') as f:
        f.write('\n'.join(names) + '\n')
    tests, elapsed, _ = piglit_compare.run_piglit(label, env, list_path, result_dir, len(names), jobs=jobs)
    summary = {n: (piglit_compare.status_of(tests, n), piglit_compare.duration_of(tests, n)) for n in names}
    with open(cache, 'w') as f:
        json.dump({'elapsed': elapsed, 'load': os.getloadavg(), 'tests': summary}, f)
    return summary, elapsed


def load_during(work, label):
    """The 1-minute load average at the end of a cached run."""
    with open(os.path.join(work, label + '.summary.json')) as f:
        return json.load(f)['load'][0]


def stable_passes(runs, max_seconds):
    """Names that passed in every run within max_seconds, with their longest time."""
    kept = {}
    first = runs[0]
    for name in first:
        times = []
        for run in runs:
            status, seconds = run[name]
            if status != 'pass' or seconds is None or seconds > max_seconds:
                break
            times.append(seconds)
        else:
            kept[name] = max(times)
    return kept


def describe_drops(runs, kept, max_seconds):
    counts = {'not pass': 0, 'flaky': 0, 'slow': 0}
    for name in runs[0]:
        if name in kept:
            continue
        statuses = {run[name][0] for run in runs}
        if len(statuses) > 1:
            counts['flaky'] += 1
        elif statuses != {'pass'}:
            counts['not pass'] += 1
        else:
            counts['slow'] += 1
    return counts


def group_of(name):
    parts = name.split('@')
    return '@'.join(parts[:2]) if parts[0] == 'spec' else parts[0]


def group_summary(names):
    counts = {}
    for name in names:
        counts[group_of(name)] = counts.get(group_of(name), 0) + 1
    # NO_BREAK keeps a group's name and count on one line of the header.
    return ', '.join(f'{g} {c}'.replace(' ', NO_BREAK) for g, c in counts.items())


def versions():
    def package(name):
        try:
            return subprocess.run(['dpkg-query', '-W', '-f', '${Version}', name], capture_output=True,
                                  text=True).stdout.strip() or '?'
        except OSError:
            return '?'
    return f'piglit {package("piglit")}, Mesa {package("libgl1-mesa-dri")}'


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--out', default=HERE, help='where the lists go (default: this folder)')
    parser.add_argument('--work', help='keep the piglit runs here (default: a temporary folder)')
    parser.add_argument('--reuse', action='store_true', help='reuse the runs already in --work')
    parser.add_argument('--jobs', type=int, default=2)
    parser.add_argument('--piglit-tests', default=PIGLIT_TESTS, help='piglit\'s tests folder (profiles)')
    args = parser.parse_args()

    temporary = None
    if args.work:
        work = os.path.abspath(args.work)
        os.makedirs(work, exist_ok=True)
    else:
        temporary = tempfile.TemporaryDirectory(prefix='make-piglit-list-')
        work = temporary.name
    xdg = tempfile.mkdtemp(prefix='xdg-', dir=work)
    profile = load_profile(args.piglit_tests)
    today = datetime.date.today().isoformat()
    jobs = args.jobs

    with harness.xvfb() as display:
        native = piglit_compare.native_base(xdg)
        native['DISPLAY'] = display
        zink = harness.native_env(xdg, DISPLAY=display, **ZINK_ENV)
        zink_renderer = piglit_compare.renderer(zink, 'glx')
        if not zink_renderer.startswith('zink'):
            raise SystemExit(f'zink is not the renderer with {ZINK_ENV}: {zink_renderer}')
        log(f'llvmpipe renderer: {piglit_compare.renderer(native, "glx")}; zink renderer: {zink_renderer}')

        # GL list.
        groups = [g for prefix, count in GL_GROUPS
                  for g in (texture_groups(profile) if count is None else [(prefix, count)])]
        candidates = group_candidates(profile, groups)
        log(f'GL candidates: {len(candidates)} ({group_summary(candidates).replace(NO_BREAK, " ")})')
        runs = [timed_run(f'gl-candidates-{i}', native, candidates, work, args.reuse, jobs)[0] for i in (1, 2)]
        kept = stable_passes(runs, MAX_SECONDS)
        drops = describe_drops(runs, kept, MAX_SECONDS)
        budget_drops = []
        while sum(kept.values()) / jobs > GL_BUDGET_S:
            slowest = max(kept, key=kept.get)
            budget_drops.append(slowest)
            del kept[slowest]
        gl = [n for n in candidates if n in kept]
        log(f'GL list: {len(gl)} kept; dropped {drops}, {len(budget_drops)} more for the time budget')

        ci = evenly([n for n in gl if kept[n] <= CI_MAX_SECONDS], CI_COUNT)

        # Zink list.
        zink_candidates = evenly(gl, ZINK_FROM_GL)
        zink_candidates += [n for n in group_candidates(profile, ZINK_GROUPS) if n not in zink_candidates]
        log(f'zink candidates: {len(zink_candidates)}')
        zink_runs = [timed_run(f'zink-candidates-{i}', zink, zink_candidates, work, args.reuse, jobs)[0]
                     for i in (1, 2)]
        zink_kept = stable_passes(zink_runs, ZINK_MAX_SECONDS)
        zink_drops = describe_drops(zink_runs, zink_kept, ZINK_MAX_SECONDS)
        zink_list = evenly([n for n in zink_candidates if n in zink_kept], ZINK_COUNT)
        log(f'zink list: {len(zink_list)} of {len(zink_kept)} kept; dropped {zink_drops}')

        # Time each list once more, the way piglit_compare.py runs it.
        _, gl_time = timed_run('time-gl', native, gl, work, args.reuse, jobs)
        _, ci_time = timed_run('time-gl-ci', native, ci, work, args.reuse, jobs)
        _, zink_time = timed_run('time-zink', zink, zink_list, work, args.reuse, jobs)

    common = (f'Generated by tests/gl/make_piglit_list.py on {today} ({versions()}); its docstring says '
              'how. Names as piglit\'s --test-list takes them (quick profile). Regenerate only '
              'deliberately: the list is the test set, not the output of a filter.')
    measured = ('Measured: a native {} run of this list took {:.0f} s with piglit -j {} on the 2-core '
                'development VM (of which ~7 s are piglit loading its profile), load average {:.1f} at '
                'its end (other work shared the cores).')
    write_list(os.path.join(args.out, 'piglit-gl.txt'), gl, [
        f'piglit-gl.txt: {len(gl)} GL and GLES piglit tests for piglit_compare.py --mode gl.',
        common, '',
        f'Candidates: {len(candidates)}, by group (evenly spaced within each group; concurrent tests '
        f'only; no multisample tests for sample counts llvmpipe lacks). Kept: those that passed in both '
        f'of two native llvmpipe runs (glx under Xvfb, -j {jobs}) within {MAX_SECONDS:.0f} s each. '
        f'Dropped: {drops["not pass"]} not passing natively, {drops["flaky"]} flaky, {drops["slow"]} '
        f'slower than {MAX_SECONDS:.0f} s in a run, {len(budget_drops)} slowest for the time budget.',
        f'Groups: {group_summary(gl)}.', '',
        measured.format('llvmpipe', gl_time, jobs, load_during(work, 'time-gl')),
    ])
    write_list(os.path.join(args.out, 'piglit-gl-ci.txt'), ci, [
        f'piglit-gl-ci.txt: {len(ci)} tests of piglit-gl.txt for CI: evenly spaced among its tests '
        f'that took at most {CI_MAX_SECONDS} s natively.',
        common, '',
        f'Groups: {group_summary(ci)}.', '',
        measured.format('llvmpipe', ci_time, jobs, load_during(work, 'time-gl-ci')),
    ])
    write_list(os.path.join(args.out, 'piglit-zink.txt'), zink_list, [
        f'piglit-zink.txt: {len(zink_list)} piglit tests for piglit_compare.py --mode zink (Mesa\'s '
        'zink on our Vulkan ICD against zink on native lavapipe).',
        common, '',
        f'Candidates: {len(zink_candidates)}: {ZINK_FROM_GL} evenly spaced tests of piglit-gl.txt plus '
        'groups that exercise more of Vulkan (GLSL 1.50/4.00, geometry, tessellation, compute, SSBO, '
        'images, transform feedback 2, multisample textures, fp64). Kept: those that passed in both of '
        f'two native zink-on-lavapipe runs ({zink_renderer}) within {ZINK_MAX_SECONDS:.0f} s each '
        f'(dropped: {zink_drops["not pass"]} not passing, {zink_drops["flaky"]} flaky, '
        f'{zink_drops["slow"]} slow), then {len(zink_list)} evenly spaced ones of those.',
        f'Groups: {group_summary(zink_list)}.', '',
        measured.format('zink-on-lavapipe', zink_time, jobs, load_during(work, 'time-zink')),
    ])
    log(f'wrote piglit-gl.txt ({len(gl)}, {gl_time:.0f} s), piglit-gl-ci.txt ({len(ci)}, {ci_time:.0f} s), '
        f'piglit-zink.txt ({len(zink_list)}, {zink_time:.0f} s) to {args.out}')
    if temporary:
        temporary.cleanup()


if __name__ == '__main__':
    main()
