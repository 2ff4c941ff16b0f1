#!/usr/bin/env python3
"""The Debian package: `cpack -G DEB` from the build, its fields and files,
then `apt-get install ./rendersock_*.deb` for real, and the installed server,
ICD and EGL vendor found where the system looks (no rendersock variable but
the socket's). Finally the package is purged and Debian's virgl-server,
which the package replaces, reinstalled if it was installed before.

Root and apt-get only, else skipped (exit 77). A run killed midway (a ctest
timeout) leaves a note in /var/tmp; the next run reads it and puts the
machine back first. usage: test_deb.py BUILD_DIR [CPACK]"""
import contextlib
import glob
import json
import os
import shutil
import shlex
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

SKIP = 77
NOTE = '/var/tmp/rendersock-test-deb.json'  # what to put back, while the package is installed
APT = ['apt-get', '-y', '-o', 'DPkg::Lock::Timeout=300', '-o', 'APT::Sandbox::User=root']
APT_ENV = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
BINARIES = ['virgl_test_server', 'rendersock-info', 'rendersock-drm-info', 'rendersock-run',
            'rendersock-caselist']
LIBRARIES = ['librendersock_icd.so', 'libEGL_rendersock.so.0', 'libGLX_rendersock.so.0']
ICD_MANIFEST = '/usr/share/vulkan/icd.d/rendersock_icd.x86_64.json'
EGL_JSON = '/usr/share/glvnd/egl_vendor.d/60_rendersock.json'
EGL_VENDOR_DIRS = ['/etc/glvnd/egl_vendor.d', '/usr/share/glvnd/egl_vendor.d']  # glvnd's defaults


def step(text):
    print(f'[{time.strftime("%H:%M:%S")}] {text}', flush=True)


def run(command, check=True, timeout=300, **kwargs):
    kwargs.setdefault('env', dict(os.environ))
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, **kwargs)
    if check and result.returncode != 0:
        raise SystemExit(f'{" ".join(command)} failed ({result.returncode}):\n{result.stdout}{result.stderr}')
    return result


class Signals:
    """SIGTERM, SIGINT and SIGHUP end the test through its finally clauses,
    which put the machine back; but not while apt-get runs (subprocess would
    kill it halfway through a dpkg run) nor while the machine is being put
    back: there they wait for the end of the block."""
    deferring = 0
    pending = None

    @classmethod
    def handle(cls, signum, frame):
        if cls.deferring:
            cls.pending = signum
        else:
            raise SystemExit(f'stopped by signal {signum}')

    @classmethod
    def install(cls):
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, cls.handle)

    @classmethod
    @contextlib.contextmanager
    def deferred(cls):
        cls.deferring += 1
        try:
            yield
        finally:
            cls.deferring -= 1
            if not cls.deferring and cls.pending:
                raise SystemExit(f'stopped by signal {cls.pending}')


def apt(arguments):
    with Signals.deferred():
        return run(APT + arguments, check=False, env=APT_ENV, timeout=None)


def apt_output(result, limit=3000):
    """apt-get's output, less dpkg's progress lines."""
    lines = (result.stdout + result.stderr).splitlines()
    return '\n'.join(line for line in lines if not line.startswith('(Reading database'))[-limit:] + '\n'


def status(package):
    """dpkg's status of PACKAGE: 'installed', '' when unknown or removed,
    else dpkg's word for a half-done state."""
    result = run(['dpkg-query', '-W', '-f=${db:Status-Status}', package], check=False)
    if result.returncode != 0 or result.stdout.strip() in ('not-installed', 'config-files'):
        return ''
    return result.stdout.strip()


def restorable_virgl_server():
    """The cached .deb of the installed virgl-server (downloaded into apt's
    cache if missing and the network allows), so that it can be put back
    without the network."""
    version = run(['dpkg-query', '-W', '-f=${Version}', 'virgl-server']).stdout.strip()
    pattern = f'/var/cache/apt/archives/virgl-server_{version.replace(":", "%3a")}_*.deb'
    if not glob.glob(pattern):
        apt(['install', '--reinstall', '--download-only', f'virgl-server={version}'])
    found = glob.glob(pattern)
    return found[0] if found else None


def put_back(note):
    """Purges the package (whatever state it is in) and reinstalls
    virgl-server as the note says, whatever fails on the way."""
    with Signals.deferred():
        problems = []
        # Purged, not only removed: dpkg would keep the package's maintainer
        # scripts (its ldconfig calls) and list it as 'rc'.
        step('apt-get purge rendersock')
        removed = apt(['purge', 'rendersock'])
        print(apt_output(removed), end='')
        if run(['dpkg-query', '-W', 'rendersock'], check=False).returncode == 0:
            problems.append(f'dpkg still lists rendersock ({status("rendersock") or "not installed"}) '
                            'after apt-get purge')
        for path in [ICD_MANIFEST, EGL_JSON, '/usr/bin/virgl_test_server', '/usr/bin/rendersock-run']:
            if os.path.exists(path):
                problems.append(f'{path} is left after purging the package')
        if note['virgl_server_deb']:
            step(f'reinstalling virgl-server from {note["virgl_server_deb"]}')
            reinstalled = apt(['install', '--no-install-recommends', note['virgl_server_deb']])
            if reinstalled.returncode != 0:  # the cached file went away: from the archive
                reinstalled = apt(['install', '--no-install-recommends', 'virgl-server'])
            print(apt_output(reinstalled), end='')
            if status('virgl-server') != 'installed':
                problems.append('virgl-server could not be reinstalled: apt-get install virgl-server')
            elif note['virgl_server_auto']:
                run(['apt-mark', 'auto', 'virgl-server'])
            if not os.access('/usr/bin/virgl_test_server', os.X_OK):
                problems.append('/usr/bin/virgl_test_server is missing after reinstalling virgl-server')
        if problems:  # the note stays: the next run tries again
            raise SystemExit('the machine could not be put back as it was:\n' + '\n'.join(problems))
        os.unlink(NOTE)
        step('the machine is as it was' + (' (virgl-server reinstalled)' if note['virgl_server_deb'] else ''))


def build_package(build_dir, cpack, out):
    step(f'cpack -G DEB -B {out}')
    made = run([cpack, '-G', 'DEB', '--config', os.path.join(build_dir, 'CPackConfig.cmake'), '-B', out],
               cwd=out, timeout=600)
    print(made.stdout[-1500:], end='')
    debs = glob.glob(os.path.join(out, 'rendersock_*.deb'))
    if len(debs) != 1:
        raise SystemExit(f'expected one rendersock_*.deb in {out}, found {debs}')
    return debs[0]


def check_package(deb, out):
    step(f'dpkg-deb -I {os.path.basename(deb)}')
    info = run(['dpkg-deb', '-I', deb]).stdout
    print(info, end='')
    fields = {}
    for name in ['Package', 'Version', 'Architecture', 'Depends', 'Recommends', 'Conflicts', 'Replaces']:
        fields[name] = run(['dpkg-deb', '-f', deb, name]).stdout.strip()
    if fields['Package'] != 'rendersock':
        raise SystemExit(f'Package: {fields["Package"]!r}')
    depends = [d.strip().split(' ')[0] for d in fields['Depends'].split(',') if d.strip()]
    # From dpkg-shlibdeps (libvulkan1: the server links the loader).
    for needed in ['libvulkan1', 'libc6', 'libstdc++6']:
        if needed not in depends:
            raise SystemExit(f'Depends lacks {needed}: {fields["Depends"]!r}')
    for name in ['Conflicts', 'Replaces']:
        if 'virgl-server' not in [d.strip() for d in fields[name].split(',')]:
            raise SystemExit(f'{name} lacks virgl-server: {fields[name]!r}')

    step(f'dpkg-deb -c {os.path.basename(deb)}')
    listing = run(['dpkg-deb', '-c', deb]).stdout
    paths = {line.split()[5].lstrip('.') for line in listing.splitlines() if len(line.split()) >= 6}
    print('\n'.join(sorted(p for p in paths if not p.endswith('/'))))
    if any('_CPack_Packages' in p or out in p for p in paths):
        raise SystemExit('the package holds staging paths')
    for binary in BINARIES:
        if f'/usr/bin/{binary}' not in paths:
            raise SystemExit(f'/usr/bin/{binary} is not in the package')
    libdirs = {os.path.dirname(p) for p in paths if os.path.basename(p) == 'librendersock_icd.so'}
    if len(libdirs) != 1:
        raise SystemExit(f'librendersock_icd.so in {libdirs}')
    libdir = libdirs.pop()
    # Where the dynamic linker looks by itself: glvnd loads the GLX vendor
    # by name.
    if libdir not in ('/usr/lib', '/usr/lib/x86_64-linux-gnu'):
        raise SystemExit(f'libraries in {libdir}, outside the default library path')
    for library in LIBRARIES:
        if f'{libdir}/{library}' not in paths:
            raise SystemExit(f'{libdir}/{library} is not in the package')
    for path in [ICD_MANIFEST, EGL_JSON]:
        if path not in paths:
            raise SystemExit(f'{path} is not in the package')

    # The manifests name the libraries where the package puts them.
    unpacked = os.path.join(out, 'unpacked')
    run(['dpkg-deb', '-x', deb, unpacked])
    for path, library in [(ICD_MANIFEST, 'librendersock_icd.so'), (EGL_JSON, 'libEGL_rendersock.so.0')]:
        with open(unpacked + path) as f:
            named = json.load(f)['ICD']['library_path']
        if named != f'{libdir}/{library}':
            raise SystemExit(f'{path} names {named!r}, the package has {libdir}/{library}')
        print(f'{path} -> {named}')
    return fields, libdir


def check_installed(libdir):
    """The installed package, found by the loader and glvnd on their own."""
    for path in [f'/usr/bin/{b}' for b in BINARIES] + [f'{libdir}/{l}' for l in LIBRARIES] + [ICD_MANIFEST,
                                                                                                EGL_JSON]:
        if not os.path.exists(path):
            raise SystemExit(f'{path} is not installed')
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(('VK_', 'VTEST_', '__EGL_', '__GLX_', 'RENDERSOCK_', 'LIBGL_', 'MESA_'))
            and k not in ('LD_LIBRARY_PATH', 'XDG_DATA_DIRS', 'DISPLAY', 'WAYLAND_DISPLAY')}
    with tempfile.TemporaryDirectory(prefix='rendersock-deb-') as runtime:
        base['XDG_RUNTIME_DIR'] = runtime
        socket_path = os.path.join(runtime, 'server.sock')
        log_path = os.path.join(runtime, 'server.log')
        step(f'/usr/bin/virgl_test_server --socket-path {socket_path}')
        # The system's search path now holds our ICD too: the server must
        # leave it alone by itself (wire/InsideServer.h), so it gets no
        # VK_DRIVER_FILES, and the clients' socket is its own.
        server_env = dict(base, VTEST_SOCKET_NAME=socket_path)
        with open(log_path, 'w') as log:
            server = subprocess.Popen(['/usr/bin/virgl_test_server', '--socket-path', socket_path],
                                      env=server_env, stdout=log, stderr=log)
        try:
            harness.wait_for_socket(socket_path, server, log_path, 'the installed server')
            client = dict(base, VTEST_SOCKET_NAME=socket_path)

            step('vulkaninfo --summary (the ICD from /usr/share/vulkan/icd.d)')
            found = run(['vulkaninfo', '--summary'], env=dict(client, VK_LOADER_DEBUG='driver'), check=False)
            summary = [line for line in found.stdout.splitlines() if 'deviceName' in line]
            print('\n'.join(summary))
            if found.returncode != 0 or not any('rendersock: ' in line for line in summary):
                raise SystemExit('the loader did not find the installed ICD:\n' + found.stdout + found.stderr[-4000:])
            if ICD_MANIFEST not in found.stdout + found.stderr:
                raise SystemExit(f'the loader did not report reading {ICD_MANIFEST}:\n' + found.stderr[-4000:])

            # glvnd reads the JSONs in /etc/glvnd/egl_vendor.d and
            # /usr/share/glvnd/egl_vendor.d in order, and the first vendor
            # that answers for a platform serves it: Mesa's 50 before our
            # 60. So that ours answers, the others are hidden from eglinfo
            # (/dev/null over them, in a mount namespace of its own).
            others = [p for d in EGL_VENDOR_DIRS for p in sorted(glob.glob(os.path.join(d, '*.json')))
                      if p != EGL_JSON]
            step('eglinfo (the vendor from /usr/share/glvnd/egl_vendor.d; hidden: ' +
                 (', '.join(others) or 'none') + ')')
            script = ''.join(f'mount --bind /dev/null {shlex.quote(p)} && ' for p in others) + 'exec eglinfo'
            egl = run(['unshare', '--mount', 'sh', '-c', script], env=client, check=False)
            vendors = sorted({line.strip() for line in egl.stdout.splitlines() if 'EGL vendor string' in line})
            print('\n'.join(vendors))
            if not any(v.startswith('EGL vendor string: rendersock') for v in vendors):
                raise SystemExit('eglinfo did not reach the installed EGL vendor:\n' + egl.stdout[-4000:] +
                                 egl.stderr[-2000:])

            # GLX vendors are loaded by name from the library path.
            if shutil.which('glxinfo') and shutil.which('Xvfb'):
                with harness.xvfb() as display:
                    step(f'glxinfo -B with __GLX_VENDOR_LIBRARY_NAME=rendersock on {display}')
                    glx = run(['glxinfo', '-B'], env=dict(client, DISPLAY=display,
                                                          __GLX_VENDOR_LIBRARY_NAME='rendersock'), check=False)
                    renderer = [line for line in glx.stdout.splitlines() if 'OpenGL renderer string' in line]
                    print('\n'.join(renderer))
                    if glx.returncode != 0 or not any('rendersock: ' in line for line in renderer):
                        raise SystemExit('glvnd did not load the installed GLX vendor:\n' + glx.stdout[-3000:] +
                                         glx.stderr[-2000:])
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()

        step('/usr/bin/rendersock-run -- eglinfo')
        through = run(['/usr/bin/rendersock-run', '--', 'eglinfo'], env=base, check=False)
        if through.returncode != 0 or 'EGL vendor string: rendersock' not in through.stdout:
            raise SystemExit('the installed rendersock-run did not reach the installed EGL vendor:\n' +
                             through.stdout[-3000:] + through.stderr[-2000:])
        print('EGL vendor string: rendersock')


def main():
    build_dir = os.path.abspath(sys.argv[1])
    cpack = sys.argv[2] if len(sys.argv) > 2 else 'cpack'
    if os.geteuid() != 0:
        print('skipped: installing a package needs root')
        return SKIP
    for tool in ['apt-get', 'dpkg-deb', 'dpkg-shlibdeps', 'vulkaninfo', 'eglinfo', 'unshare']:
        if not shutil.which(tool):
            print(f'skipped: no {tool}' + (' (dpkg-dev)' if tool == 'dpkg-shlibdeps' else ''))
            return SKIP

    Signals.install()  # a stop request still puts the machine back

    if os.path.exists(NOTE):
        with open(NOTE) as f:
            note = json.load(f)
        step(f'a previous run stopped with the package installed ({NOTE}): putting the machine back')
        put_back(note)
        shutil.rmtree(note.get('out', ''), ignore_errors=True)  # its package folder
    if status('rendersock'):
        raise SystemExit('rendersock is installed already, not by this test: remove it first '
                         '(apt-get purge rendersock; apt-get install virgl-server)')

    with tempfile.TemporaryDirectory(prefix='rendersock-deb-') as out:
        os.chmod(out, 0o755)
        deb = build_package(build_dir, cpack, out)
        fields, libdir = check_package(deb, out)

        note = {'virgl_server_deb': None, 'virgl_server_auto': False, 'out': out}
        if status('virgl-server') == 'installed':
            note['virgl_server_deb'] = restorable_virgl_server()
            if not note['virgl_server_deb']:
                print('skipped: virgl-server is installed and its .deb is not in apt\'s cache, so it could '
                      'not be put back after the package replaces it')
                return SKIP
            auto = run(['apt-mark', 'showauto', 'virgl-server']).stdout.split()
            note['virgl_server_auto'] = 'virgl-server' in auto
            step(f'virgl-server is installed; {note["virgl_server_deb"]} will put it back')
        with open(NOTE, 'w') as f:
            json.dump(note, f)
        try:
            step(f'apt-get install {deb}')
            started = time.time()
            installed = apt(['install', '--no-install-recommends', deb])
            print(apt_output(installed), end='')
            if installed.returncode != 0 or status('rendersock') != 'installed':
                raise SystemExit(f'apt-get install failed ({installed.returncode}), rendersock is '
                                 f'{status("rendersock")!r}')
            if status('virgl-server'):
                raise SystemExit('virgl-server is still installed next to rendersock')
            step(f'installed in {time.time() - started:.1f} s: Depends: {fields["Depends"]}')
            check_installed(libdir)
        finally:
            put_back(note)
    print('ok')
    return 0


if __name__ == '__main__':
    sys.exit(main())
