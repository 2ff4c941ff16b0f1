#!/usr/bin/env python3
"""Generates rendersock's GL stream: the client's encoders and entry-point
table, the server's decoding call stubs, and the list of extensions whose
commands all cross, from the Khronos registry (gl.xml) at build time.

usage: gen_gl.py --registry gl.xml --out DIR [--report FILE]
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from glgen import emit_client, emit_server, registry, rules  # noqa: E402

# The core versions whose commands are generated. GL stops at 4.3: 4.4's
# persistent, coherent buffer mappings cannot be shared with the host
# driver here, so contexts report at most 4.3 (see gl_client/README.md).
GL_VERSION = 4.3
GLES_VERSION = 3.2
EXTENSION_PREFIXES = ('GL_ARB_', 'GL_EXT_', 'GL_KHR_', 'GL_OES_', 'GL_MESA_')
# Extensions never exposed, though their commands might encode.
DENIED_EXTENSIONS = {
    'GL_ARB_buffer_storage', 'GL_EXT_buffer_storage',      # persistent mappings
    'GL_ARB_direct_state_access', 'GL_EXT_direct_state_access',  # GL 4.5 / very large
    'GL_EXT_memory_object', 'GL_EXT_memory_object_fd', 'GL_EXT_memory_object_win32',
    'GL_EXT_semaphore', 'GL_EXT_semaphore_fd', 'GL_EXT_semaphore_win32',  # host fds
    'GL_ARB_bindless_texture', 'GL_ARB_sparse_buffer', 'GL_ARB_sparse_texture',
    'GL_EXT_external_buffer', 'GL_OES_EGL_image', 'GL_OES_EGL_image_external',
    'GL_EXT_EGL_image_storage', 'GL_ARB_shader_objects', 'GL_ARB_vertex_shader', 'GL_ARB_fragment_shader',
    'GL_ARB_cl_event', 'GL_ARB_gl_spirv', 'GL_ARB_spirv_extensions',
    'GL_MESA_framebuffer_flip_y', 'GL_ARB_ES3_2_compatibility',
}
# Client-only commands (rules.NOT_GENERATED) the client does implement.
CLIENT_ONLY = {
    'glGetString', 'glGetStringi', 'glGetPointerv', 'glGetVertexAttribPointerv',
    'glGetBufferPointerv', 'glDebugMessageCallback', 'glMapBuffer', 'glMapBufferRange',
    'glUnmapBuffer', 'glFlushMappedBufferRange', 'glMultiDrawElements',
    'glMultiDrawElementsBaseVertex', 'glSelectBuffer', 'glFeedbackBuffer',
}


def wanted(reg):
    core, names = set(), []
    for api, number, commands in reg.features:
        if (api == 'gl' and number <= GL_VERSION) or (api == 'gles2' and number <= GLES_VERSION):
            core.update(commands)
            names += commands
    extensions = {}
    for name, (apis, commands) in reg.extensions.items():
        if not name.startswith(EXTENSION_PREFIXES) or name in DENIED_EXTENSIONS:
            continue
        if not apis & {'gl', 'glcore', 'gles2'}:
            continue
        extensions[name] = commands
        names += commands
    seen, ordered = set(), []
    for name in names:
        if name not in seen and name in reg.commands:
            seen.add(name)
            ordered.append(name)
    return ordered, core, extensions


def same_signature(a, b):
    return a.return_type == b.return_type and [p.ctype for p in a.params] == [p.ctype for p in b.params]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--registry', required=True)
    parser.add_argument('--out', required=True)
    parser.add_argument('--report')
    args = parser.parse_args()
    reg = registry.Registry(args.registry)
    names, core, extensions = wanted(reg)

    plans, aliases, left_out = [], {}, {}
    planned = set()
    for name in names:
        command = reg.commands[name]
        target = command.alias
        if target and target in reg.commands and target in names and same_signature(command, reg.commands[target]):
            aliases[name] = target
            continue
        if name in CLIENT_ONLY and name not in rules.CLIENT_HAND_WRITTEN:
            continue
        plan, why = rules.plan_command(command)
        if plan is None:
            left_out[name] = why
            continue
        plans.append(plan)
        planned.add(name)
    available = planned | CLIENT_ONLY
    for alias, target in list(aliases.items()):
        if target not in available:
            del aliases[alias]
            left_out[alias] = f'alias of {target}, which is left out'
    available |= set(aliases)
    exposed = sorted(n for n, commands in extensions.items() if all(c in available for c in commands))
    missing_core = sorted(n for n in core if n not in available)

    os.makedirs(args.out, exist_ok=True)
    emit_client.emit(args.out, plans, aliases, exposed, CLIENT_ONLY, reg.commands)
    emit_server.emit(args.out, plans)
    if args.report:
        with open(args.report, 'w') as report:
            report.write(f'{len(plans)} commands generated, {len(aliases)} aliases, '
                         f'{len(exposed)} extensions can be exposed\n')
            report.write(f'core commands not forwarded: {", ".join(missing_core) or "none"}\n\n')
            for name, why in sorted(left_out.items()):
                report.write(f'{name}: {why}\n')


if __name__ == '__main__':
    main()
