"""Shared by the Python integration tests: a private runtime folder, the
real server on a private socket, and the environment that points programs
at our ICD."""
import contextlib
import os
import select
import signal
import subprocess
import tempfile
import time


@contextlib.contextmanager
def server(build_dir, extra_args=(), extra_env=None):
    with tempfile.TemporaryDirectory(prefix='rendersock-py-') as folder:
        socket_path = os.path.join(folder, 'server.sock')
        log_path = os.path.join(folder, 'server.log')
        env = dict(os.environ, XDG_RUNTIME_DIR=folder, **(extra_env or {}))
        if 'RENDERSOCK_NATIVE_ICD' in os.environ:
            env['VK_DRIVER_FILES'] = os.environ['RENDERSOCK_NATIVE_ICD']
        with open(log_path, 'w') as log:
            process = subprocess.Popen(
                [os.path.join(build_dir, 'server/virgl_test_server'), '--socket-path', socket_path,
                 '--log-level', 'info', *extra_args], stdout=log, stderr=log, env=env)
        try:
            wait_for_socket(socket_path, process, log_path, 'server')
            yield Server(build_dir, folder, socket_path, log_path, process)
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_for_socket(path, process, log_path, name, seconds=20):
    """Waits until `process` has made its socket at `path`; raises with its
    log when it exits or takes longer than `seconds`."""
    deadline = time.time() + seconds
    while not os.path.exists(path):
        if process.poll() is not None or time.time() > deadline:
            raise RuntimeError(f'{name} did not start:\n' + open(log_path).read())
        time.sleep(0.02)


def free_port():
    import socket
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self, build_dir, folder, socket_path, log_path, process):
        self.build_dir = build_dir
        self.folder = folder
        self.socket_path = socket_path
        self.log_path = log_path
        self.process = process

    def log(self):
        with open(self.log_path) as f:
            return f.read()

    def client_env(self, **extra):
        env = dict(os.environ, XDG_RUNTIME_DIR=self.folder, VTEST_SOCKET_NAME=self.socket_path,
                   VK_DRIVER_FILES=os.path.join(self.build_dir, 'icd/rendersock_icd.x86_64.json'))
        env.pop('VK_ICD_FILENAMES', None)
        env.update(extra)
        return env

    def gl_env(self, **extra):
        """GL programs through our glvnd vendors: EGL by its JSON, GLX by name
        (glvnd finds libGLX_rendersock.so.0 on the library path)."""
        gl_client = os.path.join(self.build_dir, 'gl_client')
        env = dict(os.environ, XDG_RUNTIME_DIR=self.folder, VTEST_SOCKET_NAME=self.socket_path,
                   __EGL_VENDOR_LIBRARY_FILENAMES=os.path.join(gl_client, 'rendersock_egl.json'),
                   __GLX_VENDOR_LIBRARY_NAME='rendersock',
                   LD_LIBRARY_PATH=':'.join(filter(None, [gl_client, os.environ.get('LD_LIBRARY_PATH')])))
        env.update(extra)
        return env


NATIVE_ICD = os.environ.get('RENDERSOCK_NATIVE_ICD', '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json')


def native_env(folder, **extra):
    """The host driver directly: lavapipe, or $RENDERSOCK_NATIVE_ICD (which
    the server, started from this environment, also uses)."""
    env = dict(os.environ, XDG_RUNTIME_DIR=folder, VK_DRIVER_FILES=NATIVE_ICD)
    env.pop('VK_ICD_FILENAMES', None)
    env.update(extra)
    return env


@contextlib.contextmanager
def xvfb(width=1024, height=768):
    """A private X server (with -noreset: without it, the server resets when
    its last client leaves and drops clients that connect meanwhile). Xvfb
    picks a free display itself (-displayfd): tests run in parallel, and two
    that chose a number by looking for free sockets could pick the same one,
    the loser then drawing on the winner's server until it went away."""
    read_end, write_end = os.pipe()
    process = subprocess.Popen(['Xvfb', '-displayfd', str(write_end), '-screen', '0', f'{width}x{height}x24',
                                '-noreset', '-nolisten', 'tcp'], pass_fds=(write_end,),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_end)
    try:
        with os.fdopen(read_end, 'rb') as announcement:
            ready, _, _ = select.select([announcement], [], [], 10)
            number = announcement.readline().strip() if ready else b''
        if not number.isdigit():
            raise RuntimeError('Xvfb did not start (it announced no display within 10 s)')
        yield f':{number.decode()}'
    finally:
        process.terminate()
        process.wait(timeout=5)


@contextlib.contextmanager
def weston(width=640, height=480):
    """A private headless Weston (pixman renderer, the desktop shell; --debug
    offers the screenshooter) in a runtime folder of its own. Yields the
    absolute path of its socket, which is what $WAYLAND_DISPLAY can name."""
    with tempfile.TemporaryDirectory(prefix='rendersock-weston-') as folder:
        os.chmod(folder, 0o700)
        socket_path = os.path.join(folder, 'wayland-test')
        log_path = os.path.join(folder, 'weston.log')
        config_path = os.path.join(folder, 'weston.ini')
        with open(config_path, 'w') as config:
            # No fades or zooms: a window is on screen as drawn once mapped.
            config.write('[shell]\nanimation=none\nstartup-animation=none\nclose-animation=none\n'
                         'focus-animation=none\n')
        with open(log_path, 'w') as log:
            process = subprocess.Popen(
                ['weston', f'--config={config_path}', '--backend=headless-backend.so', '--use-pixman',
                 '--socket=wayland-test', '--idle-time=0', '--debug', f'--width={width}', f'--height={height}'],
                stdout=log, stderr=log, env=dict(os.environ, XDG_RUNTIME_DIR=folder))
        try:
            wait_for_socket(socket_path, process, log_path, 'weston')
            yield socket_path
        finally:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()


def screenshot(wayland_display, folder):
    """The compositor's whole screen now, as a PNG path (weston-screenshooter
    writes it into the folder it runs in)."""
    before = set(os.listdir(folder))
    subprocess.run(['weston-screenshooter'], cwd=folder, env=dict(os.environ, WAYLAND_DISPLAY=wayland_display),
                   check=True, timeout=30, capture_output=True)
    new = [name for name in os.listdir(folder) if name not in before and name.endswith('.png')]
    if len(new) != 1:
        raise RuntimeError(f'weston-screenshooter wrote {new}')
    return os.path.join(folder, new[0])
