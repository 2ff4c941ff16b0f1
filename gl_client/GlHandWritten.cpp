// GL entry points the client writes by hand: state it must track to encode
// later commands (pixel store, buffer bindings, vertex arrays), client-side
// vertex arrays uploaded at draws, strings and buffer mappings.
#include <algorithm>
#include <cstring>
#include <limits>

#include "GlEncoders.h"
#include "GlOps.h"
#include "gl_client/GlEncoding.h"
#include "wire/gl/PrivateOps.h"

namespace rendersock::gl_client::hand {

namespace gl = wire::gl;
using namespace gen;

namespace {

void store_value(GLenum pname, GLint value) {
    GlContext* ctx = current_context();
    if (!ctx) return;
    const bool pack = pname >= GL_PACK_SWAP_BYTES && pname <= GL_PACK_ALIGNMENT
                          ? true
                          : (pname == GL_PACK_IMAGE_HEIGHT || pname == GL_PACK_SKIP_IMAGES);
    auto& s = ctx->store(pack);
    switch (pname) {
        case GL_PACK_ROW_LENGTH: case GL_UNPACK_ROW_LENGTH: s.row_length = value; break;
        case GL_PACK_SKIP_PIXELS: case GL_UNPACK_SKIP_PIXELS: s.skip_pixels = value; break;
        case GL_PACK_SKIP_ROWS: case GL_UNPACK_SKIP_ROWS: s.skip_rows = value; break;
        case GL_PACK_ALIGNMENT: case GL_UNPACK_ALIGNMENT:
            if (value == 1 || value == 2 || value == 4 || value == 8) s.alignment = value;
            break;
        case GL_PACK_IMAGE_HEIGHT: case GL_UNPACK_IMAGE_HEIGHT: s.image_height = value; break;
        case GL_PACK_SKIP_IMAGES: case GL_UNPACK_SKIP_IMAGES: s.skip_images = value; break;
        case GL_PACK_SWAP_BYTES: case GL_UNPACK_SWAP_BYTES: s.swap_bytes = value != 0; break;
        case GL_PACK_LSB_FIRST: case GL_UNPACK_LSB_FIRST: s.lsb_first = value != 0; break;
        default: break;
    }
}

ClientArray* fixed_array(GLenum array) {
    GlContext* ctx = current_context();
    if (!ctx) return nullptr;
    auto& v = ctx->vertex_arrays();
    switch (array) {
        case GL_VERTEX_ARRAY: return &v.fixed[gl::kVertexArray - 2];
        case GL_NORMAL_ARRAY: return &v.fixed[gl::kNormalArray - 2];
        case GL_COLOR_ARRAY: return &v.fixed[gl::kColorArray - 2];
        case GL_SECONDARY_COLOR_ARRAY: return &v.fixed[gl::kSecondaryColorArray - 2];
        case GL_FOG_COORD_ARRAY: return &v.fixed[gl::kFogCoordArray - 2];
        case GL_EDGE_FLAG_ARRAY: return &v.fixed[gl::kEdgeFlagArray - 2];
        case GL_INDEX_ARRAY: return &v.fixed[gl::kIndexArray - 2];
        case GL_TEXTURE_COORD_ARRAY: {
            const GLuint unit = ctx->client_active_texture - GL_TEXTURE0;
            return unit < v.texcoords.size() ? &v.texcoords[unit] : nullptr;
        }
        default: return nullptr;
    }
}

// Records a vertex array; one in a buffer is also forwarded (as an offset).
bool record(ClientArray* a, GLint size, GLenum type, GLboolean normalized, bool integer, GLsizei stride,
            const void* pointer) {
    GlContext* ctx = current_context();
    if (!ctx || !a) return false;
    ctx->arrays_changed();
    a->size = size;
    a->type = type;
    a->normalized = normalized;
    a->integer = integer;
    a->stride = stride;
    a->pointer = pointer;
    a->in_buffer = ctx->buffer_bound(GL_ARRAY_BUFFER);
    // Forwarded either way (a client array as a null offset) so that GL
    // checks the arguments and keeps its errors; its data comes at draws.
    return true;
}

const void* forwarded_pointer(const ClientArray* a) { return a && a->in_buffer ? a->pointer : nullptr; }

// Index range of client-memory indices.
bool index_range(GLsizei count, GLenum type, const void* indices, int64_t& low, int64_t& high) {
    if (!indices || count <= 0) return false;
    low = std::numeric_limits<int64_t>::max();
    high = -1;
    for (GLsizei i = 0; i < count; ++i) {
        int64_t index;
        switch (type) {
            case GL_UNSIGNED_BYTE: index = static_cast<const GLubyte*>(indices)[i]; break;
            case GL_UNSIGNED_SHORT: index = static_cast<const GLushort*>(indices)[i]; break;
            case GL_UNSIGNED_INT: index = static_cast<const GLuint*>(indices)[i]; break;
            default: return false;
        }
        low = std::min(low, index);
        high = std::max(high, index);
    }
    return high >= 0;
}

void prepare_elements(GLsizei count, GLenum type, const void* indices, GLint basevertex) {
    GlContext* ctx = current_context();
    if (!ctx || !ctx->has_client_arrays()) return;
    int64_t low = 0, high = -1;
    if (ctx->buffer_bound(GL_ELEMENT_ARRAY_BUFFER)) {
        // Indices in a buffer: the host reads them for us (a round trip).
        CommandWriter w = ctx->begin(gl::kOpIndexRange);
        w.scalar<int64_t>(count);
        w.scalar<GLenum>(type);
        w.scalar<uint64_t>(reinterpret_cast<uint64_t>(indices));
        ctx->end(w);
        GlReply reply = ctx->round_trip();
        low = reply.value<int64_t>();
        high = reply.value<int64_t>();
        if (high >= 0) ctx->send_client_arrays(low + basevertex, high - low + 1);
        return;
    }
    if (index_range(count, type, indices, low, high))
        ctx->send_client_arrays(low + basevertex, high - low + 1);
}

void prepare_arrays(GLint first, GLsizei count) {
    GlContext* ctx = current_context();
    if (ctx && ctx->has_client_arrays()) ctx->send_client_arrays(first, count);
}

}  // namespace

void GLAPIENTRY glPixelStorei(GLenum pname, GLint param) {
    store_value(pname, param);
    enc_glPixelStorei(pname, param);
}
void GLAPIENTRY glPixelStoref(GLenum pname, GLfloat param) {
    store_value(pname, static_cast<GLint>(param));
    enc_glPixelStoref(pname, param);
}

void GLAPIENTRY glBindBuffer(GLenum target, GLuint buffer) {
    if (GlContext* ctx = current_context()) ctx->bind_buffer(target, buffer);
    enc_glBindBuffer(target, buffer);
}
void GLAPIENTRY glBindBufferBase(GLenum target, GLuint index, GLuint buffer) {
    if (GlContext* ctx = current_context()) ctx->bind_buffer(target, buffer);
    enc_glBindBufferBase(target, index, buffer);
}
void GLAPIENTRY glBindBufferRange(GLenum target, GLuint index, GLuint buffer, GLintptr offset, GLsizeiptr size) {
    if (GlContext* ctx = current_context()) ctx->bind_buffer(target, buffer);
    enc_glBindBufferRange(target, index, buffer, offset, size);
}
void GLAPIENTRY glDeleteBuffers(GLsizei n, const GLuint* buffers) {
    if (GlContext* ctx = current_context()) ctx->forget_buffers(n, buffers);
    enc_glDeleteBuffers(n, buffers);
}
void GLAPIENTRY glBindVertexArray(GLuint array) {
    if (GlContext* ctx = current_context()) ctx->bind_vertex_array(array);
    enc_glBindVertexArray(array);
}
void GLAPIENTRY glDeleteVertexArrays(GLsizei n, const GLuint* arrays) {
    if (GlContext* ctx = current_context()) ctx->forget_vertex_arrays(n, arrays);
    enc_glDeleteVertexArrays(n, arrays);
}

void GLAPIENTRY glVertexAttribPointer(GLuint index, GLint size, GLenum type, GLboolean normalized,
                                      GLsizei stride, const void* pointer) {
    GlContext* ctx = current_context();
    if (!ctx) return;
    ClientArray* a = index < 16 ? &ctx->vertex_arrays().generic[index] : nullptr;
    if (a) record(a, size, type, normalized, false, stride, pointer);
    enc_glVertexAttribPointer(index, size, type, normalized, stride, a ? forwarded_pointer(a) : pointer);
}
void GLAPIENTRY glVertexAttribIPointer(GLuint index, GLint size, GLenum type, GLsizei stride, const void* pointer) {
    GlContext* ctx = current_context();
    if (!ctx) return;
    ClientArray* a = index < 16 ? &ctx->vertex_arrays().generic[index] : nullptr;
    if (a) record(a, size, type, GL_FALSE, true, stride, pointer);
    enc_glVertexAttribIPointer(index, size, type, stride, a ? forwarded_pointer(a) : pointer);
}
void GLAPIENTRY glVertexAttribLPointer(GLuint index, GLint size, GLenum type, GLsizei stride, const void* pointer) {
    enc_glVertexAttribLPointer(index, size, type, stride, pointer);
}
void GLAPIENTRY glVertexPointer(GLint size, GLenum type, GLsizei stride, const void* pointer) {
    ClientArray* a = fixed_array(GL_VERTEX_ARRAY);
    record(a, size, type, GL_FALSE, false, stride, pointer);
    enc_glVertexPointer(size, type, stride, forwarded_pointer(a));
}
void GLAPIENTRY glNormalPointer(GLenum type, GLsizei stride, const void* pointer) {
    ClientArray* a = fixed_array(GL_NORMAL_ARRAY);
    record(a, 3, type, GL_TRUE, false, stride, pointer);
    enc_glNormalPointer(type, stride, forwarded_pointer(a));
}
void GLAPIENTRY glColorPointer(GLint size, GLenum type, GLsizei stride, const void* pointer) {
    ClientArray* a = fixed_array(GL_COLOR_ARRAY);
    record(a, size, type, GL_TRUE, false, stride, pointer);
    enc_glColorPointer(size, type, stride, forwarded_pointer(a));
}
void GLAPIENTRY glTexCoordPointer(GLint size, GLenum type, GLsizei stride, const void* pointer) {
    ClientArray* a = fixed_array(GL_TEXTURE_COORD_ARRAY);
    record(a, size, type, GL_FALSE, false, stride, pointer);
    enc_glTexCoordPointer(size, type, stride, forwarded_pointer(a));
}
void GLAPIENTRY glSecondaryColorPointer(GLint size, GLenum type, GLsizei stride, const void* pointer) {
    ClientArray* a = fixed_array(GL_SECONDARY_COLOR_ARRAY);
    record(a, size, type, GL_TRUE, false, stride, pointer);
    enc_glSecondaryColorPointer(size, type, stride, forwarded_pointer(a));
}
void GLAPIENTRY glFogCoordPointer(GLenum type, GLsizei stride, const void* pointer) {
    ClientArray* a = fixed_array(GL_FOG_COORD_ARRAY);
    record(a, 1, type, GL_FALSE, false, stride, pointer);
    enc_glFogCoordPointer(type, stride, forwarded_pointer(a));
}
void GLAPIENTRY glEdgeFlagPointer(GLsizei stride, const void* pointer) {
    ClientArray* a = fixed_array(GL_EDGE_FLAG_ARRAY);
    record(a, 1, GL_UNSIGNED_BYTE, GL_FALSE, false, stride, pointer);
    enc_glEdgeFlagPointer(stride, forwarded_pointer(a));
}
void GLAPIENTRY glIndexPointer(GLenum type, GLsizei stride, const void* pointer) {
    ClientArray* a = fixed_array(GL_INDEX_ARRAY);
    record(a, 1, type, GL_FALSE, false, stride, pointer);
    enc_glIndexPointer(type, stride, forwarded_pointer(a));
}

void GLAPIENTRY glEnableClientState(GLenum array) {
    if (ClientArray* a = fixed_array(array)) a->enabled = true;
    if (GlContext* ctx = current_context()) ctx->arrays_changed();
    enc_glEnableClientState(array);
}
void GLAPIENTRY glDisableClientState(GLenum array) {
    if (ClientArray* a = fixed_array(array)) a->enabled = false;
    if (GlContext* ctx = current_context()) ctx->arrays_changed();
    enc_glDisableClientState(array);
}
void GLAPIENTRY glClientActiveTexture(GLenum texture) {
    if (GlContext* ctx = current_context()) ctx->client_active_texture = texture;
    enc_glClientActiveTexture(texture);
}
void GLAPIENTRY glEnableVertexAttribArray(GLuint index) {
    if (GlContext* ctx = current_context(); ctx && index < 16) {
        ctx->vertex_arrays().generic[index].enabled = true;
        ctx->arrays_changed();
    }
    enc_glEnableVertexAttribArray(index);
}
void GLAPIENTRY glDisableVertexAttribArray(GLuint index) {
    if (GlContext* ctx = current_context(); ctx && index < 16) {
        ctx->vertex_arrays().generic[index].enabled = false;
        ctx->arrays_changed();
    }
    enc_glDisableVertexAttribArray(index);
}

void GLAPIENTRY glDrawArrays(GLenum mode, GLint first, GLsizei count) {
    prepare_arrays(first, count);
    enc_glDrawArrays(mode, first, count);
}
void GLAPIENTRY glDrawArraysInstanced(GLenum mode, GLint first, GLsizei count, GLsizei instances) {
    prepare_arrays(first, count);
    enc_glDrawArraysInstanced(mode, first, count, instances);
}
void GLAPIENTRY glDrawArraysInstancedBaseInstance(GLenum mode, GLint first, GLsizei count, GLsizei instances,
                                                  GLuint baseinstance) {
    prepare_arrays(first, count);
    enc_glDrawArraysInstancedBaseInstance(mode, first, count, instances, baseinstance);
}
void GLAPIENTRY glMultiDrawArrays(GLenum mode, const GLint* first, const GLsizei* count, GLsizei drawcount) {
    GlContext* ctx = current_context();
    if (ctx && first && count && drawcount > 0 && ctx->has_client_arrays()) {
        // One upload covering every draw's vertices.
        int64_t low = INT64_MAX, high = -1;
        for (GLsizei i = 0; i < drawcount; ++i) {
            if (count[i] <= 0) continue;
            low = std::min<int64_t>(low, first[i]);
            high = std::max<int64_t>(high, int64_t{first[i]} + count[i] - 1);
        }
        if (high >= 0) ctx->send_client_arrays(low, high - low + 1);
    }
    enc_glMultiDrawArrays(mode, first, count, drawcount);
}
void GLAPIENTRY glDrawElements(GLenum mode, GLsizei count, GLenum type, const void* indices) {
    prepare_elements(count, type, indices, 0);
    enc_glDrawElements(mode, count, type, indices);
}
void GLAPIENTRY glDrawElementsBaseVertex(GLenum mode, GLsizei count, GLenum type, const void* indices,
                                         GLint basevertex) {
    prepare_elements(count, type, indices, basevertex);
    enc_glDrawElementsBaseVertex(mode, count, type, indices, basevertex);
}
void GLAPIENTRY glDrawElementsInstanced(GLenum mode, GLsizei count, GLenum type, const void* indices,
                                        GLsizei instances) {
    prepare_elements(count, type, indices, 0);
    enc_glDrawElementsInstanced(mode, count, type, indices, instances);
}
void GLAPIENTRY glDrawElementsInstancedBaseVertex(GLenum mode, GLsizei count, GLenum type, const void* indices,
                                                  GLsizei instances, GLint basevertex) {
    prepare_elements(count, type, indices, basevertex);
    enc_glDrawElementsInstancedBaseVertex(mode, count, type, indices, instances, basevertex);
}
void GLAPIENTRY glDrawElementsInstancedBaseInstance(GLenum mode, GLsizei count, GLenum type, const void* indices,
                                                    GLsizei instances, GLuint baseinstance) {
    prepare_elements(count, type, indices, 0);
    enc_glDrawElementsInstancedBaseInstance(mode, count, type, indices, instances, baseinstance);
}
void GLAPIENTRY glDrawElementsInstancedBaseVertexBaseInstance(GLenum mode, GLsizei count, GLenum type,
                                                              const void* indices, GLsizei instances,
                                                              GLint basevertex, GLuint baseinstance) {
    prepare_elements(count, type, indices, basevertex);
    enc_glDrawElementsInstancedBaseVertexBaseInstance(mode, count, type, indices, instances, basevertex,
                                                      baseinstance);
}
void GLAPIENTRY glDrawRangeElements(GLenum mode, GLuint start, GLuint end, GLsizei count, GLenum type,
                                    const void* indices) {
    prepare_elements(count, type, indices, 0);
    enc_glDrawRangeElements(mode, start, end, count, type, indices);
}
void GLAPIENTRY glDrawRangeElementsBaseVertex(GLenum mode, GLuint start, GLuint end, GLsizei count, GLenum type,
                                              const void* indices, GLint basevertex) {
    prepare_elements(count, type, indices, basevertex);
    enc_glDrawRangeElementsBaseVertex(mode, start, end, count, type, indices, basevertex);
}
void GLAPIENTRY glMultiDrawElements(GLenum mode, const GLsizei* count, GLenum type, const void* const* indices,
                                    GLsizei drawcount) {
    for (GLsizei i = 0; count && indices && i < drawcount; ++i) glDrawElements(mode, count[i], type, indices[i]);
}
void GLAPIENTRY glMultiDrawElementsBaseVertex(GLenum mode, const GLsizei* count, GLenum type,
                                              const void* const* indices, GLsizei drawcount,
                                              const GLint* basevertex) {
    for (GLsizei i = 0; count && indices && basevertex && i < drawcount; ++i)
        glDrawElementsBaseVertex(mode, count[i], type, indices[i], basevertex[i]);
}

void GLAPIENTRY glFlush() {
    enc_glFlush();
    if (GlContext* ctx = current_context()) ctx->flush();
}
// glFinish returns once the host has finished: a round trip.
void GLAPIENTRY glFinish() {
    GlContext* ctx = current_context();
    if (!ctx) return;
    enc_glFinish();
    ctx->sync();
}
GLenum GLAPIENTRY glGetError() {
    GlContext* ctx = current_context();
    if (ctx && ctx->lost()) return ctx->take_lost_error() ? GL_CONTEXT_LOST : GL_NO_ERROR;
    if (ctx && ctx->error_known_clear()) return GL_NO_ERROR;
    const GLenum error = enc_glGetError();
    if (ctx) ctx->error_checked(error);
    return error;
}

// A lost connection is a reset the client cannot recover from here.
GLenum GLAPIENTRY glGetGraphicsResetStatus() {
    GlContext* ctx = current_context();
    if (ctx && ctx->lost()) return GL_UNKNOWN_CONTEXT_RESET;
    return enc_glGetGraphicsResetStatus();
}
GLenum GLAPIENTRY glGetGraphicsResetStatusARB() { return glGetGraphicsResetStatus(); }

namespace {

// Implementation limits never change for a context: asked once, answered
// from the cache after that (no round trip).
bool is_limit(GLenum pname) {
    switch (pname) {
        case GL_MAX_TEXTURE_SIZE: case GL_MAX_3D_TEXTURE_SIZE: case GL_MAX_CUBE_MAP_TEXTURE_SIZE:
        case GL_MAX_ARRAY_TEXTURE_LAYERS: case GL_MAX_TEXTURE_IMAGE_UNITS:
        case GL_MAX_COMBINED_TEXTURE_IMAGE_UNITS: case GL_MAX_VERTEX_TEXTURE_IMAGE_UNITS:
        case GL_MAX_VERTEX_ATTRIBS: case GL_MAX_DRAW_BUFFERS: case GL_MAX_COLOR_ATTACHMENTS:
        case GL_MAX_RENDERBUFFER_SIZE: case GL_MAX_SAMPLES: case GL_MAX_VIEWPORT_DIMS:
        case GL_MAX_TEXTURE_UNITS: case GL_MAX_TEXTURE_COORDS: case GL_MAX_VARYING_COMPONENTS:
        case GL_MAX_VARYING_VECTORS: case GL_MAX_VERTEX_UNIFORM_COMPONENTS:
        case GL_MAX_VERTEX_UNIFORM_VECTORS: case GL_MAX_FRAGMENT_UNIFORM_COMPONENTS:
        case GL_MAX_FRAGMENT_UNIFORM_VECTORS: case GL_MAX_UNIFORM_BUFFER_BINDINGS:
        case GL_MAX_UNIFORM_BLOCK_SIZE: case GL_MAX_ELEMENTS_VERTICES: case GL_MAX_ELEMENTS_INDICES:
        case GL_MAX_CLIP_PLANES: case GL_MAX_LIGHTS: case GL_MAX_LIST_NESTING:
        case GL_MAX_TEXTURE_BUFFER_SIZE: case GL_MAX_RECTANGLE_TEXTURE_SIZE:
        case GL_MAX_TEXTURE_LOD_BIAS: case GL_MAX_PROGRAM_TEXEL_OFFSET: case GL_MIN_PROGRAM_TEXEL_OFFSET:
        case GL_MAX_GEOMETRY_UNIFORM_COMPONENTS: case GL_MAX_COMBINED_UNIFORM_BLOCKS:
        case GL_MAX_VERTEX_UNIFORM_BLOCKS: case GL_MAX_FRAGMENT_UNIFORM_BLOCKS:
        case GL_UNIFORM_BUFFER_OFFSET_ALIGNMENT: case GL_SUBPIXEL_BITS: case GL_CONTEXT_PROFILE_MASK:
        case GL_CONTEXT_FLAGS:
            return true;
        default:
            return false;
    }
}

}  // namespace

void GLAPIENTRY glGetIntegerv(GLenum pname, GLint* data) {
    GlContext* ctx = current_context();
    if (ctx && data && is_limit(pname)) {
        auto& cache = ctx->limits();
        auto it = cache.find(pname);
        if (it == cache.end()) {
            GLint values[16];
            const uint64_t bytes = ctx->get_integers(pname, values, sizeof(values));
            if (bytes == 0) return;  // not a pname of this context: GL keeps its error
            it = cache.emplace(pname, std::vector<GLint>(values, values + bytes / sizeof(GLint))).first;
        }
        std::copy(it->second.begin(), it->second.end(), data);
        return;
    }
    if (ctx && data && ctx->attributes().api == GlContext::Api::OpenGL) {
        if (pname == GL_MAJOR_VERSION || pname == GL_MINOR_VERSION) {
            enc_glGetIntegerv(pname, data);
            GLint major = 0, minor = 0;
            enc_glGetIntegerv(GL_MAJOR_VERSION, &major);
            enc_glGetIntegerv(GL_MINOR_VERSION, &minor);
            if (major > 4 || (major == 4 && minor > 3)) *data = pname == GL_MAJOR_VERSION ? 4 : 3;
            return;
        }
    }
    if (ctx && data && pname == GL_NUM_EXTENSIONS) {
        enc_glGetIntegerv(pname, data);  // keeps GL's error for contexts without it
        *data = ctx->extension_count();
        return;
    }
    enc_glGetIntegerv(pname, data);
}

const GLubyte* GLAPIENTRY glGetString(GLenum name) {
    GlContext* ctx = current_context();
    return ctx ? reinterpret_cast<const GLubyte*>(ctx->string(name)) : nullptr;
}
const GLubyte* GLAPIENTRY glGetStringi(GLenum name, GLuint index) {
    GlContext* ctx = current_context();
    return ctx ? reinterpret_cast<const GLubyte*>(ctx->string(name, index)) : nullptr;
}

void GLAPIENTRY glGetPointerv(GLenum pname, void** params) {
    GlContext* ctx = current_context();
    if (!ctx || !params) return;
    *params = nullptr;
    switch (pname) {
        case GL_VERTEX_ARRAY_POINTER: *params = const_cast<void*>(fixed_array(GL_VERTEX_ARRAY)->pointer); break;
        case GL_NORMAL_ARRAY_POINTER: *params = const_cast<void*>(fixed_array(GL_NORMAL_ARRAY)->pointer); break;
        case GL_COLOR_ARRAY_POINTER: *params = const_cast<void*>(fixed_array(GL_COLOR_ARRAY)->pointer); break;
        case GL_TEXTURE_COORD_ARRAY_POINTER:
            if (ClientArray* a = fixed_array(GL_TEXTURE_COORD_ARRAY)) *params = const_cast<void*>(a->pointer);
            break;
        case GL_DEBUG_CALLBACK_FUNCTION: *params = reinterpret_cast<void*>(ctx->debug_callback); break;
        case GL_DEBUG_CALLBACK_USER_PARAM: *params = const_cast<void*>(ctx->debug_user); break;
        default: break;
    }
}
void GLAPIENTRY glGetVertexAttribPointerv(GLuint index, GLenum pname, void** pointer) {
    GlContext* ctx = current_context();
    if (!ctx || !pointer || pname != GL_VERTEX_ATTRIB_ARRAY_POINTER || index >= 16) return;
    *pointer = const_cast<void*>(ctx->vertex_arrays().generic[index].pointer);
}
void GLAPIENTRY glDebugMessageCallback(GLDEBUGPROC callback, const void* user) {
    if (GlContext* ctx = current_context()) {
        ctx->debug_callback = callback;
        ctx->debug_user = user;
    }
}

// ---- selection and feedback: the host fills its own buffer, which comes
// back into the application's when the render mode changes ----

void GLAPIENTRY glSelectBuffer(GLsizei size, GLuint* buffer) {
    GlContext* ctx = current_context();
    if (!ctx) return;
    ctx->select_buffer = {buffer, size > 0 ? uint64_t(size) * sizeof(GLuint) : 0};
    CommandWriter w = ctx->begin(gl::kOpSelectBuffer);
    w.scalar<uint32_t>(0);
    w.scalar<GLsizei>(size);
    w.scalar<GLenum>(0);
    ctx->end(w);
}
void GLAPIENTRY glFeedbackBuffer(GLsizei size, GLenum type, GLfloat* buffer) {
    GlContext* ctx = current_context();
    if (!ctx) return;
    ctx->feedback_buffer = {buffer, size > 0 ? uint64_t(size) * sizeof(GLfloat) : 0};
    CommandWriter w = ctx->begin(gl::kOpSelectBuffer);
    w.scalar<uint32_t>(1);
    w.scalar<GLsizei>(size);
    w.scalar<GLenum>(type);
    ctx->end(w);
}
GLint GLAPIENTRY glRenderMode(GLenum mode) {
    GlContext* ctx = current_context();
    if (!ctx) return 0;
    CommandWriter w = ctx->begin(gl::kOpRenderMode);
    w.scalar<GLenum>(mode);
    ctx->end(w);
    GlReply reply = ctx->round_trip();
    const auto result = static_cast<GLint>(reply.value<int64_t>());
    const auto left = static_cast<GLenum>(reply.value<uint64_t>());
    const auto& target = left == GL_SELECT ? ctx->select_buffer : ctx->feedback_buffer;
    reply.out(left == GL_SELECT || left == GL_FEEDBACK ? target.first : nullptr, target.second);
    return result;
}

// ---- buffer mappings: a client copy of the range, sent back at unmap ----

void* GLAPIENTRY glMapBufferRange(GLenum target, GLintptr offset, GLsizeiptr length, GLbitfield access) {
    GlContext* ctx = current_context();
    if (!ctx) return nullptr;
    std::unique_ptr<client::Blob> blob;
    if (length > 0 && static_cast<uint64_t>(length) >= GlContext::map_blob_threshold())
        blob = ctx->take_map_blob(static_cast<uint64_t>(length));
    CommandWriter w = ctx->begin(gl::kOpMapBufferRange);
    w.scalar<GLenum>(target);
    w.scalar<int64_t>(offset);
    w.scalar<int64_t>(length);
    w.scalar<GLbitfield>(access);
    w.scalar<uint32_t>(blob ? blob->id() : 0);
    ctx->end(w);
    GlReply reply = ctx->round_trip();
    if (!reply.value<uint64_t>()) {
        ctx->return_map_blob(std::move(blob));
        return nullptr;
    }
    auto& mapping = ctx->mappings()[target];
    mapping.offset = offset;
    mapping.length = length;
    mapping.access = access;
    if (blob) {
        if (!blob->is_shared()) ctx->with_server([&] { blob->invalidate(0, static_cast<uint64_t>(length)); });
        mapping.copy.clear();
        mapping.blob = std::move(blob);
    } else {
        mapping.copy.assign(static_cast<size_t>(std::max<GLsizeiptr>(length, 1)), std::byte{0});
        reply.out(mapping.copy.data(), static_cast<uint64_t>(length));
    }
    return mapping.data();
}
void* GLAPIENTRY glMapBuffer(GLenum target, GLenum access) {
    GLint size = 0;
    enc_glGetBufferParameteriv(target, GL_BUFFER_SIZE, &size);
    const GLbitfield bits = access == GL_READ_ONLY ? GL_MAP_READ_BIT
                            : access == GL_WRITE_ONLY ? GL_MAP_WRITE_BIT
                                                      : (GL_MAP_READ_BIT | GL_MAP_WRITE_BIT);
    return glMapBufferRange(target, 0, size, bits);
}
GLboolean GLAPIENTRY glUnmapBuffer(GLenum target) {
    GlContext* ctx = current_context();
    if (!ctx) return GL_FALSE;
    auto it = ctx->mappings().find(target);
    const bool mapped = it != ctx->mappings().end();
    const bool write_back = mapped && (it->second.access & GL_MAP_WRITE_BIT) &&
                            !(it->second.access & GL_MAP_FLUSH_EXPLICIT_BIT);
    client::Blob* blob = mapped ? it->second.blob.get() : nullptr;
    if (blob && write_back && !blob->is_shared())
        ctx->with_server([&] { blob->flush(0, static_cast<uint64_t>(it->second.length)); });
    CommandWriter w = ctx->begin(gl::kOpUnmapBuffer);
    w.scalar<GLenum>(target);
    w.scalar<uint32_t>(write_back ? 1 : 0);
    if (write_back && !blob)
        w.in(it->second.copy.data(), it->second.copy.size());
    else
        w.in(nullptr, 0);
    ctx->end(w);
    GlReply reply = ctx->round_trip();
    if (mapped) {
        ctx->return_map_blob(std::move(it->second.blob));
        ctx->mappings().erase(it);
    }
    return static_cast<GLboolean>(reply.value<uint64_t>());
}
void GLAPIENTRY glFlushMappedBufferRange(GLenum target, GLintptr offset, GLsizeiptr length) {
    GlContext* ctx = current_context();
    if (!ctx) return;
    auto it = ctx->mappings().find(target);
    const bool in_range = it != ctx->mappings().end() && offset >= 0 && length >= 0 &&
                          offset + length <= it->second.length;
    client::Blob* blob = in_range ? it->second.blob.get() : nullptr;
    if (blob && !blob->is_shared())
        ctx->with_server([&] { blob->flush(static_cast<uint64_t>(offset), static_cast<uint64_t>(length)); });
    CommandWriter w = ctx->begin(gl::kOpFlushMappedRange);
    w.scalar<GLenum>(target);
    w.scalar<int64_t>(offset);
    w.scalar<int64_t>(length);
    if (in_range && !blob)
        w.in(it->second.copy.data() + offset, static_cast<uint64_t>(length));
    else
        w.in(nullptr, 0);
    ctx->end(w);
}
void GLAPIENTRY glGetBufferPointerv(GLenum target, GLenum pname, void** params) {
    GlContext* ctx = current_context();
    if (!ctx || !params || pname != GL_BUFFER_MAP_POINTER) return;
    auto it = ctx->mappings().find(target);
    *params = it == ctx->mappings().end() ? nullptr : it->second.data();
}

}  // namespace rendersock::gl_client::hand
