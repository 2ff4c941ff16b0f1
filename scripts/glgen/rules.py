"""Decides how each GL command crosses the wire: which parameters are plain
values, which are arrays (and how their size follows from the other
parameters), which need the client's pixel or buffer state. What no rule
covers is left out and reported, so an extension needing it is not exposed.

Size expressions are C++ over the command's parameter names and the helpers
in wire/gl/GlSizes.h; client and server evaluate the same expression, the
server to check what arrived."""
import re

SCALARS = {
    'GLenum', 'GLboolean', 'GLbitfield', 'GLbyte', 'GLubyte', 'GLshort', 'GLushort', 'GLint',
    'GLuint', 'GLsizei', 'GLfloat', 'GLclampf', 'GLdouble', 'GLclampd', 'GLintptr', 'GLsizeiptr',
    'GLint64', 'GLuint64', 'GLint64EXT', 'GLuint64EXT', 'GLintptrARB', 'GLsizeiptrARB', 'GLhalfNV',
}
QUERY_CAPACITY = 512  # values a pname-dependent query may write

# Input arrays a null pointer is valid for (GL reads nothing then): by
# command prefix and parameter. Any other input that must hold bytes and
# arrives null ends the context, since GL would read through it.
NULLABLE_INPUTS = {
    ('glBufferData', 'data'), ('glNamedBufferData', 'data'), ('glTexImage', 'pixels'),
    ('glTextureImage', 'pixels'), ('glClearBufferData', 'data'), ('glClearBufferSubData', 'data'),
    ('glClearTexImage', 'data'), ('glClearTexSubImage', 'data'), ('glClearNamedBuffer', 'data'),
    ('glCompressedTexImage', 'data'), ('glDebugMessageControl', 'ids'), ('glBitmap', 'bitmap'),
}


def nullable_input(command_name, param_name):
    return any(command_name.startswith(prefix) and param_name == name for prefix, name in NULLABLE_INPUTS)

# Commands that are not generated at all: the client implements them
# itself (or on top of other commands), or they cannot cross a process
# boundary (callbacks, client pointers kept by GL for later).
NOT_GENERATED = {
    'glGetString', 'glGetStringi', 'glGetPointerv', 'glGetVertexAttribPointerv',
    'glGetBufferPointerv', 'glGetNamedBufferPointerv', 'glDebugMessageCallback',
    'glMapBuffer', 'glMapBufferRange', 'glUnmapBuffer', 'glFlushMappedBufferRange',
    'glMultiDrawElements', 'glMultiDrawElementsBaseVertex', 'glInterleavedArrays',
    'glSelectBuffer', 'glFeedbackBuffer', 'glArrayElement',
    'glMap1d', 'glMap1f', 'glMap2d', 'glMap2f', 'glGetMapdv', 'glGetMapfv', 'glGetMapiv',
    'glGetnMapdv', 'glGetnMapfv', 'glGetnMapiv',
}

# Client entry points written by hand (gl_client/), on top of the generated
# encoders: state the client must track, client-side vertex arrays.
CLIENT_HAND_WRITTEN = {
    'glPixelStorei', 'glPixelStoref', 'glBindBuffer', 'glBindBufferBase', 'glBindBufferRange',
    'glDeleteBuffers', 'glBindVertexArray', 'glDeleteVertexArrays',
    'glVertexAttribPointer', 'glVertexAttribIPointer', 'glVertexAttribLPointer',
    'glVertexPointer', 'glNormalPointer', 'glColorPointer', 'glTexCoordPointer',
    'glSecondaryColorPointer', 'glFogCoordPointer', 'glEdgeFlagPointer', 'glIndexPointer',
    'glEnableClientState', 'glDisableClientState', 'glClientActiveTexture',
    'glEnableVertexAttribArray', 'glDisableVertexAttribArray',
    'glDrawArrays', 'glDrawArraysInstanced', 'glDrawArraysInstancedBaseInstance',
    'glDrawElements', 'glDrawElementsBaseVertex', 'glDrawElementsInstanced',
    'glDrawElementsInstancedBaseVertex', 'glDrawElementsInstancedBaseInstance',
    'glDrawElementsInstancedBaseVertexBaseInstance', 'glDrawRangeElements',
    'glDrawRangeElementsBaseVertex', 'glMultiDrawArrays',
    'glFinish', 'glFlush', 'glGetError', 'glGetIntegerv', 'glRenderMode',
    'glGetGraphicsResetStatus', 'glGetGraphicsResetStatusARB',
}

# Pointer parameters that are offsets into a bound buffer when one is bound.
BUFFER_OR_MEMORY = {
    'indices': ('GL_ELEMENT_ARRAY_BUFFER', 'gl_elements(count) * gl_type_size(type)'),
}
INDIRECT = {
    'glDrawArraysIndirect': '16',
    'glDrawElementsIndirect': '20',
    'glMultiDrawArraysIndirect': 'gl_indirect_bytes(drawcount, stride, 16)',
    'glMultiDrawElementsIndirect': 'gl_indirect_bytes(drawcount, stride, 20)',
}

# (command, parameter) -> rule, where the registry's `len` says too little.
OVERRIDES = {
    ('glCallLists', 'lists'): ('bytes', 'gl_elements(n) * gl_type_size(type)'),
    ('glClearBufferfv', 'value'): ('elems', 'gl_clear_buffer_values(buffer)'),
    ('glClearBufferiv', 'value'): ('elems', 'gl_clear_buffer_values(buffer)'),
    ('glClearBufferuiv', 'value'): ('elems', 'gl_clear_buffer_values(buffer)'),
    ('glClearBufferData', 'data'): ('bytes', 'gl_texel_bytes(format, type)'),
    ('glClearBufferSubData', 'data'): ('bytes', 'gl_texel_bytes(format, type)'),
    ('glClearTexImage', 'data'): ('bytes', 'gl_texel_bytes(format, type)'),
    ('glClearTexSubImage', 'data'): ('bytes', 'gl_texel_bytes(format, type)'),
    ('glGetActiveUniformsiv', 'params'): ('elems', 'gl_elements(uniformCount)'),
    ('glGetUniformIndices', 'uniformIndices'): ('elems', 'gl_elements(uniformCount)'),
    ('glGetUniformIndices', 'uniformNames'): ('strings', 'uniformCount'),
    ('glDepthRangeArrayv', 'v'): ('elems', 'gl_elements(count) * 2'),
    ('glScissorArrayv', 'v'): ('elems', 'gl_elements(count) * 4'),
    ('glViewportArrayv', 'v'): ('elems', 'gl_elements(count) * 4'),
    ('glDepthRangeArrayvOES', 'v'): ('elems', 'gl_elements(count) * 2'),
    ('glScissorArrayvOES', 'v'): ('elems', 'gl_elements(count) * 4'),
    ('glViewportArrayvOES', 'v'): ('elems', 'gl_elements(count) * 4'),
    ('glGetnUniformfv', 'params'): ('bytes', 'gl_elements(bufSize)'),
    ('glGetnUniformiv', 'params'): ('bytes', 'gl_elements(bufSize)'),
    ('glGetnUniformuiv', 'params'): ('bytes', 'gl_elements(bufSize)'),
    ('glGetnUniformdv', 'params'): ('bytes', 'gl_elements(bufSize)'),
    ('glGetnUniformfvARB', 'params'): ('bytes', 'gl_elements(bufSize)'),
    ('glGetnUniformivARB', 'params'): ('bytes', 'gl_elements(bufSize)'),
    ('glGetnUniformuivARB', 'params'): ('bytes', 'gl_elements(bufSize)'),
    ('glGetnUniformdvARB', 'params'): ('bytes', 'gl_elements(bufSize)'),
    ('glGetnUniformfvKHR', 'params'): ('bytes', 'gl_elements(bufSize)'),
    ('glGetnUniformivKHR', 'params'): ('bytes', 'gl_elements(bufSize)'),
    ('glGetnUniformuivKHR', 'params'): ('bytes', 'gl_elements(bufSize)'),
    ('glPolygonStipple', 'mask'): ('unpack', ('32', '32', '1', 'GL_COLOR_INDEX', 'GL_BITMAP')),
    ('glGetPolygonStipple', 'mask'): ('pack', ('32', '32', '1', 'GL_COLOR_INDEX', 'GL_BITMAP')),
    ('glBitmap', 'bitmap'): ('unpack', ('width', 'height', '1', 'GL_COLOR_INDEX', 'GL_BITMAP')),
    ('glGetTexImage', 'pixels'): ('pack_texture', None),
    ('glGetCompressedTexImage', 'img'): ('pack_compressed', None),
    ('glGetnTexImage', 'pixels'): ('pack_bytes', 'gl_elements(bufSize)'),
    ('glGetnCompressedTexImage', 'pixels'): ('pack_bytes', 'gl_elements(bufSize)'),
    ('glReadnPixels', 'data'): ('pack_bytes', 'gl_elements(bufSize)'),
    ('glReadnPixelsARB', 'data'): ('pack_bytes', 'gl_elements(bufSize)'),
    ('glReadnPixelsKHR', 'data'): ('pack_bytes', 'gl_elements(bufSize)'),
    ('glReadnPixelsEXT', 'data'): ('pack_bytes', 'gl_elements(bufSize)'),
    ('glObjectPtrLabel', 'ptr'): ('sync', None),
    ('glGetObjectPtrLabel', 'ptr'): ('sync', None),
    ('glPatchParameterfv', 'values'): ('elems', 'gl_pname_values(pname)'),
    ('glGetProgramStringARB', 'string'): ('query', '65536'),
    # Pixel maps go to / come from a bound pixel pack / unpack buffer when
    # there is one.
    ('glGetPixelMapfv', 'values'): ('pack_query', str(QUERY_CAPACITY)),
    ('glGetPixelMapuiv', 'values'): ('pack_query', str(QUERY_CAPACITY)),
    ('glGetPixelMapusv', 'values'): ('pack_query', str(QUERY_CAPACITY)),
    ('glPixelMapfv', 'values'): ('unpack_bytes', 'gl_elements(mapsize) * sizeof(GLfloat)'),
    ('glPixelMapuiv', 'values'): ('unpack_bytes', 'gl_elements(mapsize) * sizeof(GLuint)'),
    ('glPixelMapusv', 'values'): ('unpack_bytes', 'gl_elements(mapsize) * sizeof(GLushort)'),
}

IMAGE_PARAMS = re.compile(r'COMPSIZE\(format,type(,width)?(,height)?(,depth)?\)')


class Array:
    def __init__(self, param, direction, rule, argument, nullable=False):
        self.param = param
        self.direction = direction  # 'in' or 'out'
        self.rule = rule
        self.argument = argument
        self.nullable = nullable


class Plan:
    """How one command crosses: its values, its arrays, its answer."""

    def __init__(self, command):
        self.command = command
        self.scalars = []   # (param, kind) with kind 'value' or 'sync'
        self.arrays = []    # Array, in parameter order
        self.skipped = []   # parameters passed as null on the server
        self.returns = command.return_type  # 'void', a scalar, or 'GLsync'

    @property
    def synchronous(self):
        return self.returns != 'void' or any(a.direction == 'out' for a in self.arrays)


def element_type(param):
    base = param.base
    return 'GLubyte' if base in ('void', 'GLvoid') else base


def plan_command(command):
    """A Plan, or a reason why the command is left out."""
    if command.name in NOT_GENERATED:
        return None, 'hand-written on the client or cannot cross'
    if command.return_type not in ('void', 'GLsync') and command.return_type not in SCALARS:
        return None, f'returns {command.return_type}'
    plan = Plan(command)
    consumed = set()
    for param in command.params:
        if param.name in consumed:
            plan.skipped.append(param)
            continue
        override = OVERRIDES.get((command.name, param.name))
        if override and override[0] == 'sync':
            plan.scalars.append((param, 'sync'))
            continue
        if param.pointers == 0:
            if param.base == 'GLsync':
                plan.scalars.append((param, 'sync'))
            elif param.base in SCALARS:
                plan.scalars.append((param, 'value'))
            else:
                return None, f'parameter {param.name} of type {param.base}'
            continue
        array, why = plan_pointer(command, param, override)
        if array is None:
            return None, why
        if array.rule == 'strings':
            lengths = command.param('length')
            if lengths is not None and lengths.pointers == 1:
                consumed.add('length')
        plan.arrays.append(array)
    return plan, None


def plan_pointer(command, param, override):
    name, length = command.name, param.length or ''
    direction = 'in' if param.const else 'out'
    nullable = direction == 'out' or nullable_input(name, param.name)
    if param.base not in SCALARS and param.base not in ('void', 'GLvoid', 'GLchar'):
        return None, f'pointer to {param.base}'
    if override:
        if override[0] in ('unpack', 'unpack_bytes'):
            nullable = True
        return Array(param, direction, override[0], override[1], nullable), None
    if param.pointers == 2:
        if param.const and param.base == 'GLchar' and re.fullmatch(r'\w+', length):
            return Array(param, 'in', 'strings', length), None
        return None, f'{param.name} is a pointer to pointers'
    if name in INDIRECT and param.name == 'indirect':
        return Array(param, 'in', 'buffer_or', ('GL_DRAW_INDIRECT_BUFFER', INDIRECT[name]), False), None
    if param.name == 'indices' and 'COMPSIZE(count,type)' == length:
        target, expression = BUFFER_OR_MEMORY['indices']
        return Array(param, 'in', 'buffer_or', (target, expression), False), None
    if 'Pointer' in name and param.name == 'pointer' and name != 'glGetPointerv':
        # Client-side arrays never cross: gl_client/ records them and uploads
        # them at draws, which only its hand-written entry points do.
        if name not in CLIENT_HAND_WRITTEN:
            return None, 'vertex array pointer without a hand-written client entry'
        return Array(param, 'in', 'attrib_offset', None, True), None
    image = IMAGE_PARAMS.fullmatch(length)
    if image:
        dims = ['width' if image.group(1) else '1', 'height' if image.group(2) else '1',
                'depth' if image.group(3) else '1', 'format', 'type']
        # Pixel sources may be null: GL then transfers nothing (piglit's
        # draw-pixels relies on it).
        return Array(param, direction, 'unpack' if direction == 'in' else 'pack', tuple(dims), True), None
    if name.startswith(('glCompressedTex', 'glCompressedMultiTex')) and param.name == 'data':
        return Array(param, 'in', 'unpack_bytes', 'gl_elements(imageSize)', True), None
    if param.base == 'GLchar' and direction == 'in':
        match = re.fullmatch(r'COMPSIZE\((\w+),(\w+)\)', length)
        if match and command.param(match.group(2)):
            return Array(param, 'in', 'string_or_length', match.group(2)), None
        if length in ('', 'COMPSIZE(name)', 'COMPSIZE()') or length.startswith('COMPSIZE('):
            return Array(param, 'in', 'string', None), None
    if re.fullmatch(r'[0-9]+', length):
        return Array(param, direction, 'elems', length, nullable), None
    match = re.fullmatch(r'(\w+)(\*([0-9]+))?', length)
    if match and command.param(match.group(1)):
        expression = f'gl_elements({match.group(1)})'
        if match.group(3):
            expression += f' * {match.group(3)}'
        return Array(param, direction, 'elems', expression, nullable), None
    if length == 'COMPSIZE(pname)' and direction == 'in':
        return Array(param, 'in', 'elems', 'gl_pname_values(pname)', nullable), None
    if direction == 'out' and (length == '' or length.startswith('COMPSIZE(')):
        return Array(param, 'out', 'query', str(QUERY_CAPACITY), True), None
    if direction == 'in' and length == '' and command.param('count'):
        return Array(param, 'in', 'elems', 'gl_elements(count)', nullable), None
    return None, f'no size rule for {param.name} (len="{length}")'
