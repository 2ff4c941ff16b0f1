#pragma once
// What the generated encoders (GlEncoders*.cpp) write with: a writer for
// one command in the current context's stream, and the answer of a
// synchronous command.

#include <cstdint>
#include <cstring>
#include <vector>

#include "gl_client/GlContext.h"
#include "wire/gl/GlSizes.h"
#include "wire/gl/GlWire.h"

namespace rendersock::gl_client {

using wire::gl::gl_clear_buffer_values;
using wire::gl::gl_elements;
using wire::gl::gl_indirect_bytes;
using wire::gl::gl_pname_values;
using wire::gl::gl_texel_bytes;
using wire::gl::gl_type_size;

GlContext* current_context();

}  // namespace rendersock::gl_client
