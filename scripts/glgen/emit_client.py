"""Emits the client side of the GL stream: one encoder per command (also the
entry point unless gl_client/ writes that one by hand), the sorted
name -> function table glvnd asks us for, and the forwardable extensions."""
import os

from . import rules
from .emit_common import FILE_HEADER, declaration, op_name, split, value_type

SHARDS = 4


def element_size(param):
    return f'sizeof({rules.element_type(param)})'


def array_line(array):
    p, rule, arg = array.param.name, array.rule, array.argument
    if array.direction == 'out' and rule in ('elems', 'bytes', 'query'):
        return f'rs_w.out({p} ? {capacity(array)} : wire::gl::kNullArray);'
    if rule == 'elems':
        return f'rs_w.in({p}, ({arg}) * {element_size(array.param)});'
    if rule == 'bytes':
        return f'rs_w.in({p}, {arg});'
    if rule == 'string':
        return f'rs_w.string({p});'
    if rule == 'string_or_length':
        return f'rs_w.string_or_length({p}, {arg});'
    if rule == 'strings':
        return f'rs_w.strings({p}, {arg}, {"length" if array.consumes_length else "nullptr"});'
    if rule == 'unpack':
        return f'rs_w.unpack({p}, rs_ctx->unpack_image_bytes({", ".join(arg)}));'
    if rule == 'unpack_bytes':
        return f'rs_w.unpack({p}, {arg});'
    if rule == 'buffer_or':
        target, expression = arg
        return f'rs_w.buffer_or({p}, {target}, {expression});'
    if rule == 'pack':
        return f'rs_w.pack({p}, rs_ctx->pack_image_bytes({", ".join(arg)}));'
    if rule == 'pack_bytes':
        return f'rs_w.pack({p}, {arg});'
    if rule == 'pack_query':
        return f'rs_w.pack_query({p}, {capacity(array)});'
    if rule == 'attrib_offset':
        return f'rs_w.attrib_offset({p});'
    if rule in ('pack_texture', 'pack_compressed'):
        return f'rs_w.pack_unknown({p});'
    return f'rs_w.out({capacity(array)});'


def capacity(array):
    rule, arg = array.rule, array.argument
    if rule == 'elems':
        return f'({arg}) * {element_size(array.param)}'
    if rule == 'bytes' or rule == 'pack_bytes':
        return arg
    if rule in ('query', 'pack_query'):
        return f'{arg} * {element_size(array.param)}'
    if rule == 'pack':
        return f'rs_ctx->pack_image_bytes({", ".join(arg)})'
    return 'wire::gl::kUnknownCapacity'


def encoder(plan):
    command = plan.command
    lines = [f'{declaration(command, "enc_" + command.name)} {{',
             '    GlContext* rs_ctx = current_context();']
    default = '' if command.return_type == 'void' else f' {value_type(command.return_type)}{{}}'
    lines.append(f'    if (!rs_ctx) return{default};')
    lines.append(f'    CommandWriter rs_w = rs_ctx->begin(wire::gl::{op_name(command)});')
    for param, kind in plan.scalars:
        lines.append(f'    rs_w.{"sync" if kind == "sync" else "scalar"}({param.name});')
    for array in plan.arrays:
        lines.append('    ' + array_line(array))
    lines.append('    rs_ctx->end(rs_w);')
    if plan.synchronous:
        lines.append('    GlReply rs_reply = rs_ctx->round_trip();')
        if command.return_type == 'GLsync':
            lines.append('    const GLsync rs_result = rs_reply.sync();')
        elif command.return_type != 'void':
            lines.append(f'    const {command.return_type} rs_result = rs_reply.value<{command.return_type}>();')
        for array in plan.arrays:
            if array.direction == 'out':
                lines.append(f'    rs_reply.out({array.param.name}, {capacity(array)});')
        if command.return_type != 'void':
            lines.append('    return rs_result;')
    lines.append('}')
    return '\n'.join(lines)


def emit(out, plans, aliases, exposed, client_only, commands):
    for plan in plans:
        for array in plan.arrays:
            array.consumes_length = any(p.name == 'length' for p in plan.skipped)
    hand = sorted(rules.CLIENT_HAND_WRITTEN | client_only)
    by_name = {plan.command.name: plan for plan in plans}
    with open(os.path.join(out, 'GlEncoders.h'), 'w') as f:
        f.write(FILE_HEADER + '#pragma once\n#include "gl_client/GlTypes.h"\n\n'
                'namespace rendersock::gl_client::gen {\n')
        for plan in plans:
            f.write(declaration(plan.command, 'enc_' + plan.command.name) + ';\n')
        f.write('}  // namespace rendersock::gl_client::gen\n')
    for index, shard in enumerate(split(plans, SHARDS)):
        with open(os.path.join(out, f'GlEncoders{index}.cpp'), 'w') as f:
            f.write(FILE_HEADER + '#include "GlEncoders.h"\n#include "GlOps.h"\n'
                    '#include "gl_client/GlEncoding.h"\n\n'
                    'namespace rendersock::gl_client::gen {\n'
                    'using namespace rendersock::wire::gl;\n\n')
            f.write('\n\n'.join(encoder(plan) for plan in shard))
            f.write('\n\n}  // namespace rendersock::gl_client::gen\n')
    # The entry table: hand-written entries are declared here and must exist.
    entries = {}
    for plan in plans:
        name = plan.command.name
        entries[name] = f'hand::{name}' if name in rules.CLIENT_HAND_WRITTEN else f'gen::enc_{name}'
    for name in client_only:
        entries[name] = f'hand::{name}'
    for name in rules.CLIENT_HAND_WRITTEN:
        if name not in entries:
            raise SystemExit(f'{name} is hand-written on the client but has no plan')
    for alias, target in aliases.items():
        if target in entries:
            entries[alias] = entries[target]
    with open(os.path.join(out, 'GlEntries.cpp'), 'w') as f:
        f.write(FILE_HEADER + '#include "GlEncoders.h"\n#include "gl_client/GlEntries.h"\n\n'
                'namespace rendersock::gl_client {\nnamespace hand {\n')
        for name in hand:
            if name in by_name or name in client_only:
                f.write(declaration(commands[name], name) + ';\n')
        f.write('}  // namespace hand\n\n')
        f.write('const GlEntry kGlEntries[] = {\n')
        for name in sorted(entries):
            f.write(f'    {{"{name}", reinterpret_cast<void*>(&{entries[name]})}},\n')
        f.write('};\nconst size_t kGlEntryCount = sizeof(kGlEntries) / sizeof(kGlEntries[0]);\n\n')
        f.write('const char* const kForwardedExtensions[] = {\n')
        for name in exposed:
            f.write(f'    "{name}",\n')
        f.write('};\nconst size_t kForwardedExtensionCount = '
                'sizeof(kForwardedExtensions) / sizeof(kForwardedExtensions[0]);\n\n'
                '}  // namespace rendersock::gl_client\n')
