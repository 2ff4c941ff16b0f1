"""Emits the server side of the GL stream: the op numbers (shared with the
client), and per command a stub that takes its arguments from a GlCall
(which checks every array against the size the other arguments imply)
and calls the host's function."""
import os

from . import rules
from .emit_common import FILE_HEADER, op_name, split

SHARDS = 4


def element_size(param):
    return f'sizeof({rules.element_type(param)})'


def array_expression(index, array):
    rule, arg, ctype = array.rule, array.argument, array.param.ctype
    nullable = 'true' if array.nullable else 'false'
    if rule == 'elems':
        value = f'rs_call.in({index}, ({arg}) * {element_size(array.param)}, {nullable})'
    elif rule == 'bytes':
        value = f'rs_call.in({index}, {arg}, {nullable})'
    elif rule == 'string':
        value = f'rs_call.string({index})'
    elif rule == 'string_or_length':
        value = f'rs_call.string_or_length({index}, {arg})'
    elif rule == 'strings':
        return f'const_cast<{ctype}>(rs_call.strings({index}, {arg}))'
    elif rule == 'unpack':
        value = f'rs_call.unpack({index}, {", ".join(arg)}, {nullable})'
    elif rule == 'unpack_bytes':
        value = f'rs_call.unpack_bytes({index}, {arg}, {nullable})'
    elif rule == 'buffer_or':
        target, expression = arg
        value = f'rs_call.buffer_or({index}, {target}_BINDING, {expression}, {nullable})'
    elif rule == 'attrib_offset':
        value = f'rs_call.attrib_offset({index})'
    elif rule == 'pack':
        value = f'rs_call.pack({index}, {", ".join(arg)})'
    elif rule == 'pack_bytes':
        value = f'rs_call.pack_bytes({index}, {arg})'
    elif rule == 'pack_texture':
        value = f'rs_call.pack_texture({index}, target, level, format, type)'
    elif rule == 'pack_compressed':
        value = f'rs_call.pack_compressed({index}, target, level)'
    elif rule == 'pack_query':
        value = f'rs_call.pack_query({index}, {arg}, {element_size(array.param)})'
    elif rule == 'query':
        value = f'rs_call.query({index}, {arg}, {element_size(array.param)})'
    else:
        value = f'rs_call.out({index}, ({arg}) * {element_size(array.param)})' if rule == 'elems' else f'rs_call.out({index}, {arg})'
    if rule in ('elems', 'bytes') and array.direction == 'out':
        # GL writes a string's characters and its NUL, nothing after them.
        getter = 'out_string' if array.param.base == 'GLchar' else 'out'
        value = f'rs_call.{getter}({index}, ({arg}){" * " + element_size(array.param) if rule == "elems" else ""})'
    return f'static_cast<{ctype}>({value})'


def stub(plan):
    command = plan.command
    lines = [f'Status call_{command.name}(GlCall& rs_call) {{']
    arguments = {}
    for index, (param, kind) in enumerate(plan.scalars):
        getter = 'rs_call.sync' if kind == 'sync' else f'rs_call.scalar<{param.base}>'
        ctype = 'GLsync' if kind == 'sync' else param.ctype
        lines.append(f'    [[maybe_unused]] const {ctype} {param.name} = {getter}({index});')
        arguments[param.name] = param.name
    for index, array in enumerate(plan.arrays):
        lines.append(f'    {array.param.ctype} {array.param.name} = {array_expression(index, array)};')
        arguments[array.param.name] = array.param.name
    for param in plan.skipped:
        arguments[param.name] = 'nullptr'
    lines.append(f'    if (!rs_call.ok()) return rs_call.failure("{command.name}");')
    types = ', '.join(p.ctype for p in command.params)
    lines.append(f'    using Fn = {command.return_type} (GLAPIENTRY*)({types});')
    lines.append(f'    const auto rs_fn = reinterpret_cast<Fn>(rs_call.function({op_name(command)}));')
    call = f'rs_fn({", ".join(arguments[p.name] for p in command.params)})'
    has_query = any(a.rule in ('query', 'pack_query') for a in plan.arrays)
    if has_query:
        lines.append('    rs_call.prime_queries(0);')
        lines.append(f'    {call};')
        lines.append('    rs_call.prime_queries(1);')
    if command.return_type == 'void':
        lines.append(f'    {call};')
    else:
        lines.append(f'    const {command.return_type} rs_result = {call};')
    if has_query:
        lines.append('    rs_call.measure_queries();')
    if command.name == 'glDeleteSync':
        lines.append('    rs_call.forget_sync(0);')
    if command.return_type == 'GLsync':
        lines.append('    rs_call.put_sync(rs_result);')
    elif command.return_type != 'void':
        lines.append('    rs_call.put_value(rs_result);')
    if plan.synchronous:
        lines.append('    rs_call.put_outputs();')
    lines.append('    return Status::ok();')
    lines.append('}')
    return '\n'.join(lines)


def emit(out, plans):
    with open(os.path.join(out, 'GlOps.h'), 'w') as f:
        f.write(FILE_HEADER + '#pragma once\n#include <cstdint>\n#include "wire/gl/GlWire.h"\n\n'
                'namespace rendersock::wire::gl {\nenum GlOp : uint32_t {\n')
        for index, plan in enumerate(plans):
            f.write(f'    {op_name(plan.command)} = kFirstGlOp + {index},\n')
        f.write(f'}};\ninline constexpr uint32_t kGlOpEnd = kFirstGlOp + {len(plans)};\n'
                '}  // namespace rendersock::wire::gl\n')
    shards = split(plans, SHARDS)
    for index, shard in enumerate(shards):
        with open(os.path.join(out, f'GlCalls{index}.cpp'), 'w') as f:
            f.write(FILE_HEADER + '#include "GlOps.h"\n#include "server/virgl/GlCall.h"\n\n'
                    'namespace rendersock::server::virgl {\nusing namespace rendersock::wire::gl;\n\n')
            f.write('\n\n'.join(stub(plan) for plan in shard))
            f.write('\n\n}  // namespace rendersock::server::virgl\n')
    with open(os.path.join(out, 'GlCallTable.cpp'), 'w') as f:
        f.write(FILE_HEADER + '#include "GlOps.h"\n#include "server/virgl/GlCall.h"\n\n'
                'namespace rendersock::server::virgl {\n')
        for plan in plans:
            f.write(f'Status call_{plan.command.name}(GlCall& rs_call);\n')
        f.write('\nconst GlCommandInfo kGlCommands[] = {\n')
        for plan in plans:
            outputs = sum(1 << i for i, a in enumerate(plan.arrays) if a.direction == 'out')
            f.write(f'    {{"{plan.command.name}", &call_{plan.command.name}, {len(plan.scalars)}, '
                    f'{len(plan.arrays)}, {outputs:#x}, {str(plan.synchronous).lower()}}},\n')
        f.write('};\nconst size_t kGlCommandCount = sizeof(kGlCommands) / sizeof(kGlCommands[0]);\n'
                '}  // namespace rendersock::server::virgl\n')
