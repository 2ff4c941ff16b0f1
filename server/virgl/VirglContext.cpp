#include "server/virgl/VirglContext.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "server/Blob.h"
#include "server/virgl/GlState.h"
#include "wire/Log.h"
#include "wire/gl/GlWire.h"
#include "wire/gl/PrivateOps.h"

namespace rendersock::server::virgl {

namespace gl = wire::gl;

namespace {

// Shapes of the private commands: values, arrays, which arrays are outputs.
const GlCommandInfo kPrivate[] = {
    {"(none)", nullptr, 0, 0, 0, false},
    {"create-context", nullptr, 7, 0, 0, true},
    {"make-current", nullptr, 7, 0, 0, true},
    {"destroy-surface", nullptr, 1, 0, 0, false},
    {"present", nullptr, 5, 0, 0, true},
    {"get-string", nullptr, 2, 0, 0, true},
    {"client-array", nullptr, 7, 1, 0, false},
    {"index-range", nullptr, 3, 0, 0, true},
    {"map-buffer-range", nullptr, 5, 0, 0, true},
    {"unmap-buffer", nullptr, 2, 1, 0, true},
    {"flush-mapped-range", nullptr, 3, 1, 0, false},
    {"select-buffer", nullptr, 3, 0, 0, false},
    {"render-mode", nullptr, 1, 0, 0, true},
    {"image-from-blob", nullptr, 7, 0, 0, true},
};
constexpr uint32_t kPrivateCount = sizeof(kPrivate) / sizeof(kPrivate[0]);

// The process-wide current host context: several client contexts share
// this thread, so each submit makes its own context current first.
const VirglContext* current_owner = nullptr;
constexpr GLsizeiptr kNullArrayBytes = 64 * 1024;
constexpr GLsizei kMaxSelectValues = 16 << 20;

Status lost(const std::string& why) { return Status::error(fb::ErrorCode::Malformed, why); }

}  // namespace

VirglContext::VirglContext(const ContextCreateInfo& info, std::shared_ptr<EglHost> host)
    : ctx_id_(info.ctx_id), client_(info.host), host_(std::move(host)),
      blobs_([this](uint32_t id) { return memory_blob(id); }) {}

// Blobs GL reads and writes with the CPU: never a DRM buffer, which may not
// even be mapped here (those only become textures, image_from_blob).
std::shared_ptr<Blob> VirglContext::memory_blob(uint32_t blob_id) {
    auto blob = client_.find_blob(ctx_id_, blob_id);
    return blob && !blob->context_memory() && blob->data() ? blob : nullptr;
}

VirglContext::~VirglContext() {
    if (context_ == EGL_NO_CONTEXT) return;
    if (current_owner == this) {
        eglMakeCurrent(host_->display(), EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
        current_owner = nullptr;
    }
    host_->remove_context(&client_, ctx_id_);
    eglDestroyContext(host_->display(), context_);
}

bool VirglContext::ensure_current() {
    if (context_ == EGL_NO_CONTEXT) return false;
    if (current_owner == this) return true;
    auto* draw = draw_id_ ? host_->find_surface(&client_, draw_id_) : nullptr;
    auto* read = read_id_ ? host_->find_surface(&client_, read_id_) : nullptr;
    if (!eglMakeCurrent(host_->display(), draw ? draw->surface : EGL_NO_SURFACE,
                        read ? read->surface : EGL_NO_SURFACE, context_))
        return false;
    current_owner = this;
    set_full_pixel_store(full_pixel_store_);
    return true;
}

Status VirglContext::submit(uint32_t /*ring*/, std::span<const std::byte> stream,
                            std::vector<std::byte>* reply) {
    size_t offset = 0;
    while (offset < stream.size()) {
        if (stream.size() - offset < sizeof(gl::CommandHeader)) return lost("truncated GL command header");
        gl::CommandHeader header;
        std::memcpy(&header, stream.data() + offset, sizeof(header));
        if (header.size < sizeof(header) || header.size % 8 != 0 || header.size > stream.size() - offset)
            return lost("GL command " + std::to_string(header.op) + " has a bad size " +
                        std::to_string(header.size));
        RS_TRY(execute(header.op, stream.subspan(offset + sizeof(header), header.size - sizeof(header)), reply));
        offset += header.size;
    }
    return Status::ok();
}

Status VirglContext::execute(uint32_t op, std::span<const std::byte> body, std::vector<std::byte>* reply) {
    const GlFunctionTable& functions = host_->functions();
    if (op < gl::kFirstGlOp) {
        if (op == 0 || op >= kPrivateCount) return lost("unknown private GL command " + std::to_string(op));
        GlCall call(body, kPrivate[op], functions, syncs_, reply, gl::kFirstGlOp);
        if (!call.ok()) return call.failure(kPrivate[op].name);
        if (op != gl::kOpCreateContext && !ensure_current())
            return lost(std::string(kPrivate[op].name) + " before the context was created");
        return execute_private(op, call);
    }
    const uint32_t index = op - gl::kFirstGlOp;
    if (index >= kGlCommandCount) return lost("unknown GL command " + std::to_string(op));
    const GlCommandInfo& info = kGlCommands[index];
    if (!ensure_current()) return lost(std::string(info.name) + " before the context was created");
    if (!functions[index]) return lost(std::string(info.name) + " is not available on the host");
    GlCall call(body, info, functions, syncs_, reply, gl::kFirstGlOp, &blobs_);
    if (!call.ok()) return call.failure(info.name);
    call.set_null_array_buffer(null_array_buffer());
    Status status = info.call(call);
    if (call.bound_null_array_buffer()) glBindBuffer(GL_ARRAY_BUFFER, 0);
    return status;
}

Status VirglContext::execute_private(uint32_t op, GlCall& call) {
    switch (op) {
        case gl::kOpCreateContext: return create_context(call);
        case gl::kOpMakeCurrent: return make_current(call);
        case gl::kOpDestroySurface:
            host_->destroy_surface(&client_, call.scalar<uint32_t>(0));
            if (call.scalar<uint32_t>(0) == draw_id_ || call.scalar<uint32_t>(0) == read_id_) {
                eglMakeCurrent(host_->display(), EGL_NO_SURFACE, EGL_NO_SURFACE, context_);
                draw_id_ = read_id_ = 0;
            }
            return Status::ok();
        case gl::kOpPresent: return present(call);
        case gl::kOpGetString: return get_string(call);
        case gl::kOpClientArray: return client_array(call);
        case gl::kOpIndexRange: return index_range(call);
        case gl::kOpMapBufferRange: return map_buffer_range(call);
        case gl::kOpUnmapBuffer: return unmap_buffer(call);
        case gl::kOpFlushMappedRange: return flush_mapped_range(call);
        case gl::kOpSelectBuffer: return select_buffer(call);
        case gl::kOpRenderMode: return render_mode(call);
        case gl::kOpImageFromBlob: return image_from_blob(call);
        default: return lost(std::string(kPrivate[op].name) + " is not supported by this server");
    }
}

Status VirglContext::create_context(GlCall& call) {
    if (context_ != EGL_NO_CONTEXT) return lost("the context was created twice");
    api_ = call.scalar<uint32_t>(0);
    major_ = call.scalar<uint32_t>(1);
    const EGLint minor = call.scalar<int32_t>(2);
    const EGLint profile = call.scalar<int32_t>(3);
    const EGLint flags = call.scalar<int32_t>(4);
    const EGLContext share = host_->find_context(&client_, call.scalar<uint32_t>(5));
    EGLConfig config = host_->config(call.scalar<uint32_t>(6));
    std::vector<EGLint> attributes = {EGL_CONTEXT_MAJOR_VERSION, static_cast<EGLint>(major_),
                                      EGL_CONTEXT_MINOR_VERSION, minor};
    if (api_ == gl::kApiOpenGL) {
        if (profile) attributes.insert(attributes.end(), {EGL_CONTEXT_OPENGL_PROFILE_MASK, profile});
        if (flags) attributes.insert(attributes.end(), {EGL_CONTEXT_FLAGS_KHR, flags});
    }
    attributes.push_back(EGL_NONE);
    eglBindAPI(api_ == gl::kApiOpenGLES ? EGL_OPENGL_ES_API : EGL_OPENGL_API);
    context_ = eglCreateContext(host_->display(), config, share, attributes.data());
    if (context_ == EGL_NO_CONTEXT) {
        call.put_value<int64_t>(eglGetError());
        return Status::ok();
    }
    host_->add_context(&client_, ctx_id_, context_);
    call.put_value<int64_t>(0);
    RS_DEBUG("virgl context %u: %s %u.%d created", ctx_id_, api_ ? "GLES" : "GL", major_, minor);
    return Status::ok();
}

Status VirglContext::make_current(GlCall& call) {
    EGLint error = EGL_SUCCESS;
    const uint32_t config = call.scalar<uint32_t>(6);
    EglHost::Surface* draw = nullptr;
    EglHost::Surface* read = nullptr;
    const uint32_t draw_id = call.scalar<uint32_t>(0);
    const uint32_t read_id = call.scalar<uint32_t>(3);
    if (draw_id) draw = host_->surface(&client_, draw_id, call.scalar<int32_t>(1), call.scalar<int32_t>(2), config, error);
    if (error == EGL_SUCCESS && read_id && read_id != draw_id)
        read = host_->surface(&client_, read_id, call.scalar<int32_t>(4), call.scalar<int32_t>(5), config, error);
    if (read_id == draw_id) read = draw;
    if (error == EGL_SUCCESS &&
        !eglMakeCurrent(host_->display(), draw ? draw->surface : EGL_NO_SURFACE,
                        read ? read->surface : EGL_NO_SURFACE, context_))
        error = eglGetError();
    if (error == EGL_SUCCESS) {
        draw_id_ = draw_id;
        read_id_ = read_id;
        current_owner = this;
        full_pixel_store_ = !is_gles() || host_major_version() >= 3;
        set_full_pixel_store(full_pixel_store_);
    } else {
        current_owner = nullptr;
    }
    call.put_value<int64_t>(error == EGL_SUCCESS ? 0 : error);
    return Status::ok();
}

// The surface's pixels into the client's blob, RGBA, bottom row first, with
// the client's framebuffer and pixel-store state left as they were.
Status VirglContext::present(GlCall& call) {
    const uint32_t surface_id = call.scalar<uint32_t>(0);
    const int32_t width = call.scalar<int32_t>(2);
    const int32_t height = call.scalar<int32_t>(3);
    const uint64_t stride = call.scalar<uint64_t>(4);
    auto blob = memory_blob(call.scalar<uint32_t>(1));
    auto* surface = host_->find_surface(&client_, surface_id);
    if (!blob) return lost("present: unknown blob");
    if (!surface || surface_id != read_id_) return lost("present: the surface is not current");
    if (width <= 0 || height <= 0 || width > surface->width || height > surface->height ||
        stride < uint64_t(width) * 4 || stride * uint64_t(height) > blob->size())
        return lost("present: the image does not fit the blob or the surface");
    const bool full = full_pixel_store_;
    GLint read_fb = 0, pack_buffer = 0, alignment = 4, row_length = 0, skip_pixels = 0, skip_rows = 0;
    glGetIntegerv(GL_PACK_ALIGNMENT, &alignment);
    glPixelStorei(GL_PACK_ALIGNMENT, 4);
    if (full) {
        glGetIntegerv(GL_READ_FRAMEBUFFER_BINDING, &read_fb);
        glGetIntegerv(GL_PIXEL_PACK_BUFFER_BINDING, &pack_buffer);
        glGetIntegerv(GL_PACK_ROW_LENGTH, &row_length);
        glGetIntegerv(GL_PACK_SKIP_PIXELS, &skip_pixels);
        glGetIntegerv(GL_PACK_SKIP_ROWS, &skip_rows);
        glBindFramebuffer(GL_READ_FRAMEBUFFER, 0);
        glBindBuffer(GL_PIXEL_PACK_BUFFER, 0);
        glPixelStorei(GL_PACK_ROW_LENGTH, static_cast<GLint>(stride / 4));
        glPixelStorei(GL_PACK_SKIP_PIXELS, 0);
        glPixelStorei(GL_PACK_SKIP_ROWS, 0);
    } else {
        glGetIntegerv(GL_FRAMEBUFFER_BINDING, &read_fb);
        glBindFramebuffer(GL_FRAMEBUFFER, 0);
    }
    glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, blob->data());
    glPixelStorei(GL_PACK_ALIGNMENT, alignment);
    if (full) {
        glBindFramebuffer(GL_READ_FRAMEBUFFER, static_cast<GLuint>(read_fb));
        glBindBuffer(GL_PIXEL_PACK_BUFFER, static_cast<GLuint>(pack_buffer));
        glPixelStorei(GL_PACK_ROW_LENGTH, row_length);
        glPixelStorei(GL_PACK_SKIP_PIXELS, skip_pixels);
        glPixelStorei(GL_PACK_SKIP_ROWS, skip_rows);
    } else {
        glBindFramebuffer(GL_FRAMEBUFFER, static_cast<GLuint>(read_fb));
    }
    call.put_value<uint64_t>(0);
    return Status::ok();
}

// The major version the host context really has (EGL may give more than
// asked for), which decides what may be queried.
int VirglContext::host_major_version() const {
    const char* version = reinterpret_cast<const char*>(glGetString(GL_VERSION));
    if (!version) return 0;
    while (*version && (*version < '0' || *version > '9')) ++version;
    return std::atoi(version);
}

Status VirglContext::get_string(GlCall& call) {
    const GLenum name = call.scalar<GLenum>(0);
    const int32_t index = call.scalar<int32_t>(1);
    const GLubyte* value = nullptr;
    std::string joined;
    if (index == -2 && name == GL_EXTENSIONS && host_major_version() < 3) {
        value = glGetString(GL_EXTENSIONS);
    } else if (index == -2 && name == GL_EXTENSIONS) {
        GLint count = 0;
        glGetIntegerv(GL_NUM_EXTENSIONS, &count);
        for (GLint i = 0; i < count; ++i) {
            joined += reinterpret_cast<const char*>(glGetStringi(GL_EXTENSIONS, static_cast<GLuint>(i)));
            joined += ' ';
        }
        if (!joined.empty()) joined.pop_back();
        value = reinterpret_cast<const GLubyte*>(joined.c_str());
    } else if (index < 0) {
        value = glGetString(name);
    } else {
        GLint count = 0;
        if (name == GL_EXTENSIONS) glGetIntegerv(GL_NUM_EXTENSIONS, &count);
        if (name != GL_EXTENSIONS || index < count) value = glGetStringi(name, static_cast<GLuint>(index));
    }
    const char* text = value ? reinterpret_cast<const char*>(value) : "";
    call.put_value<uint64_t>(value ? 1 : 0);
    call.put_bytes(text, std::strlen(text) + 1);
    return Status::ok();
}

// A client-side array's data for one draw, uploaded to a scratch buffer
// of its own (at the offset its first used element has) and pointed at.
Status VirglContext::client_array(GlCall& call) {
    const uint32_t kind = call.scalar<uint32_t>(0);
    const uint32_t index = call.scalar<uint32_t>(1);
    const GLint size = call.scalar<GLint>(2);
    const GLenum type = call.scalar<GLenum>(3);
    const GLboolean normalized = call.scalar<GLboolean>(4);
    const GLsizei stride = call.scalar<GLsizei>(5);
    const uint64_t offset = call.scalar<uint64_t>(6);
    const auto* data = call.input(0);
    if (kind >= gl::kClientArrayKinds || index >= 16 || !data || data->tag == gl::kNullArray ||
        data->tag == gl::kBufferOffset || offset > gl::kMaxArrayBytes)
        return lost("client-array: bad arguments");
    const size_t slot = kind <= gl::kGenericIntegerArray ? index
                        : kind == gl::kTexCoordArray ? 48 + index
                                                     : 32 + kind;
    GLuint& buffer = scratch_buffers_[slot];
    if (!buffer) glGenBuffers(1, &buffer);
    GLint previous = 0;
    glGetIntegerv(GL_ARRAY_BUFFER_BINDING, &previous);
    glBindBuffer(GL_ARRAY_BUFFER, buffer);
    glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(offset + data->tag), nullptr, GL_STREAM_DRAW);
    glBufferSubData(GL_ARRAY_BUFFER, static_cast<GLintptr>(offset), static_cast<GLsizeiptr>(data->tag), data->data);
    switch (kind) {
        case gl::kGenericArray: glVertexAttribPointer(index, size, type, normalized, stride, nullptr); break;
        case gl::kGenericIntegerArray: glVertexAttribIPointer(index, size, type, stride, nullptr); break;
        case gl::kVertexArray: glVertexPointer(size, type, stride, nullptr); break;
        case gl::kNormalArray: glNormalPointer(type, stride, nullptr); break;
        case gl::kColorArray: glColorPointer(size, type, stride, nullptr); break;
        case gl::kTexCoordArray: {
            GLint active = GL_TEXTURE0;
            glGetIntegerv(GL_CLIENT_ACTIVE_TEXTURE, &active);
            glClientActiveTexture(GL_TEXTURE0 + index);
            glTexCoordPointer(size, type, stride, nullptr);
            glClientActiveTexture(static_cast<GLenum>(active));
            break;
        }
        case gl::kSecondaryColorArray: glSecondaryColorPointer(size, type, stride, nullptr); break;
        case gl::kFogCoordArray: glFogCoordPointer(type, stride, nullptr); break;
        case gl::kEdgeFlagArray: glEdgeFlagPointer(stride, nullptr); break;
        case gl::kIndexArray: glIndexPointer(type, stride, nullptr); break;
        default: break;
    }
    glBindBuffer(GL_ARRAY_BUFFER, static_cast<GLuint>(previous));
    return Status::ok();
}

// The lowest and highest index a draw reads from the bound element array
// buffer, so the client knows which part of its arrays to send.
Status VirglContext::index_range(GlCall& call) {
    const int64_t count = call.scalar<int64_t>(0);
    const GLenum type = call.scalar<GLenum>(1);
    const uint64_t offset = call.scalar<uint64_t>(2);
    const uint32_t size = wire::gl::gl_type_size(type);
    GLint buffer = 0, buffer_size = 0;
    glGetIntegerv(GL_ELEMENT_ARRAY_BUFFER_BINDING, &buffer);
    if (buffer) glGetBufferParameteriv(GL_ELEMENT_ARRAY_BUFFER, GL_BUFFER_SIZE, &buffer_size);
    int64_t low = 0, high = -1;
    if (buffer && size && count > 0 && offset <= uint64_t(buffer_size) &&
        uint64_t(count) * size <= uint64_t(buffer_size) - offset) {
        const auto bytes = static_cast<GLsizeiptr>(uint64_t(count) * size);
        const void* data = glMapBufferRange(GL_ELEMENT_ARRAY_BUFFER, static_cast<GLintptr>(offset), bytes, GL_MAP_READ_BIT);
        if (data) {
            low = INT64_MAX;
            for (int64_t i = 0; i < count; ++i) {
                const int64_t index = size == 1 ? static_cast<const uint8_t*>(data)[i]
                                      : size == 2 ? static_cast<const uint16_t*>(data)[i]
                                                  : static_cast<const uint32_t*>(data)[i];
                low = std::min(low, index);
                high = std::max(high, index);
            }
            glUnmapBuffer(GL_ELEMENT_ARRAY_BUFFER);
        }
    }
    call.put_value<int64_t>(high >= 0 ? low : 0);
    call.put_value<int64_t>(high);
    return Status::ok();
}

// Mappings happen on the host too, so GL's own rules (and errors) about
// mapped buffers hold; the client works on a copy: in a blob both sides map
// (large ranges), or one that travels in the answer and back at unmap.
Status VirglContext::map_buffer_range(GlCall& call) {
    const GLenum target = call.scalar<GLenum>(0);
    const GLintptr offset = call.scalar<GLintptr>(1);
    const GLsizeiptr length = call.scalar<GLsizeiptr>(2);
    const GLbitfield access = call.scalar<GLbitfield>(3);
    const uint32_t blob_id = call.scalar<uint32_t>(4);
    std::shared_ptr<Blob> blob;
    if (blob_id) {
        blob = memory_blob(blob_id);
        if (!blob || length < 0 || static_cast<uint64_t>(length) > blob->size())
            return lost("map-buffer-range: the blob cannot hold the range");
    }
    // The client's copy goes back whole at unmap, so it must start as the
    // buffer's contents unless the application gave those up (invalidate).
    const GLbitfield gives_up = GL_MAP_INVALIDATE_RANGE_BIT | GL_MAP_INVALIDATE_BUFFER_BIT | GL_MAP_UNSYNCHRONIZED_BIT;
    const bool keep_contents = (access & GL_MAP_READ_BIT) || !(access & gives_up);
    const GLbitfield host_access = keep_contents ? access | GL_MAP_READ_BIT : access;
    void* pointer = glMapBufferRange(target, offset, length, host_access);
    call.put_value<uint64_t>(pointer ? 1 : 0);
    if (pointer) {
        mappings_[target] = {pointer, static_cast<uint64_t>(length), blob};
        if (blob) {
            if (keep_contents) std::memcpy(blob->data(), pointer, static_cast<size_t>(length));
            call.put_bytes(nullptr, 0);
        } else {
            call.put_bytes(pointer, keep_contents ? static_cast<uint64_t>(length) : 0);
        }
    } else {
        call.put_bytes(nullptr, 0);
    }
    return Status::ok();
}

Status VirglContext::unmap_buffer(GlCall& call) {
    const GLenum target = call.scalar<GLenum>(0);
    const bool write_back = call.scalar<uint32_t>(1) != 0;
    const auto* data = call.input(0);
    auto it = mappings_.find(target);
    if (it != mappings_.end() && it->second.blob && write_back)
        std::memcpy(it->second.pointer, it->second.blob->data(), it->second.length);
    else if (it != mappings_.end() && data && data->data && data->tag <= it->second.length)
        std::memcpy(it->second.pointer, data->data, data->tag);
    if (it != mappings_.end()) mappings_.erase(it);
    call.put_value<uint64_t>(glUnmapBuffer(target));
    return Status::ok();
}

Status VirglContext::flush_mapped_range(GlCall& call) {
    const GLenum target = call.scalar<GLenum>(0);
    const uint64_t offset = call.scalar<uint64_t>(1);
    const uint64_t length = call.scalar<uint64_t>(2);
    const auto* data = call.input(0);
    auto it = mappings_.find(target);
    const bool in_range = it != mappings_.end() && offset <= it->second.length && length <= it->second.length - offset;
    if (in_range && it->second.blob)
        std::memcpy(static_cast<std::byte*>(it->second.pointer) + offset, it->second.blob->data() + offset, length);
    else if (in_range && data && data->data && data->tag >= length)
        std::memcpy(static_cast<std::byte*>(it->second.pointer) + offset, data->data, length);
    glFlushMappedBufferRange(target, static_cast<GLintptr>(offset), static_cast<GLsizeiptr>(length));
    return Status::ok();
}

// Selection and feedback buffers are the host context's own (GL writes
// them long after the call that names them); render_mode sends them back.
Status VirglContext::select_buffer(GlCall& call) {
    const bool feedback = call.scalar<uint32_t>(0) == 1;
    const GLsizei size = call.scalar<GLsizei>(1);
    auto& buffer = feedback ? feedback_buffer_ : select_buffer_;
    if (size > kMaxSelectValues) return lost("select/feedback buffer too large");
    buffer.assign(static_cast<size_t>(std::max<GLsizei>(size, 0)) + 1, 0u);
    if (feedback)
        glFeedbackBuffer(size, call.scalar<GLenum>(2), reinterpret_cast<GLfloat*>(buffer.data()));
    else
        glSelectBuffer(size, buffer.data());
    return Status::ok();
}

Status VirglContext::render_mode(GlCall& call) {
    GLint left = GL_RENDER;
    glGetIntegerv(GL_RENDER_MODE, &left);
    const GLint result = glRenderMode(call.scalar<GLenum>(0));
    GLint now = GL_RENDER;
    glGetIntegerv(GL_RENDER_MODE, &now);
    const bool changed = now != left;
    call.put_value<int64_t>(result);
    call.put_value<uint64_t>(changed ? static_cast<uint64_t>(left) : 0);
    const auto& buffer = left == GL_FEEDBACK ? feedback_buffer_ : select_buffer_;
    if (changed && (left == GL_SELECT || left == GL_FEEDBACK) && !buffer.empty())
        call.put_bytes(buffer.data(), (buffer.size() - 1) * sizeof(GLuint));
    else
        call.put_bytes(nullptr, 0);
    return Status::ok();
}

GLuint VirglContext::null_array_buffer() {
    if (!null_array_buffer_) {
        static const std::vector<std::byte> zeros(kNullArrayBytes);
        GLint previous = 0;
        glGetIntegerv(GL_ARRAY_BUFFER_BINDING, &previous);
        glGenBuffers(1, &null_array_buffer_);
        glBindBuffer(GL_ARRAY_BUFFER, null_array_buffer_);
        glBufferData(GL_ARRAY_BUFFER, kNullArrayBytes, zeros.data(), GL_STATIC_DRAW);
        glBindBuffer(GL_ARRAY_BUFFER, static_cast<GLuint>(previous));
    }
    return null_array_buffer_;
}

void VirglContext::fence(uint32_t /*ring*/, FenceSignal signal) {
    if (ensure_current()) glFinish();
    signal();
}

}  // namespace rendersock::server::virgl
