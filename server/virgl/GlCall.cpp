#include "server/virgl/GlCall.h"

#include <algorithm>

#include "server/Blob.h"
#include "server/virgl/GlState.h"

namespace rendersock::server::virgl {

namespace gl = wire::gl;

namespace {

constexpr uint64_t kMaxOutputBytes = 256ull << 20;
constexpr std::byte kSentinels[2] = {std::byte{0xa5}, std::byte{0x5a}};

uint64_t read_u64(const std::byte*& cursor) {
    uint64_t value;
    std::memcpy(&value, cursor, 8);
    cursor += 8;
    return value;
}

}  // namespace

GlCall::GlCall(std::span<const std::byte> body, const GlCommandInfo& info,
               const GlFunctionTable& functions, SyncTable& syncs, std::vector<std::byte>* reply,
               uint32_t op_base, const BlobLookup* blobs)
    : functions_(functions), syncs_(syncs), reply_(reply), op_base_(op_base),
      output_mask_(info.output_mask) {
    const std::byte* cursor = body.data();
    const std::byte* end = body.data() + body.size();
    if (body.size() < uint64_t{info.slots} * 8) {
        fail("shorter than its values");
        return;
    }
    slots_ = cursor;
    cursor += uint64_t{info.slots} * 8;
    if (info.arrays > kMaxArrays) {
        fail("too many arrays");
        return;
    }
    entry_count_ = info.arrays;
    if (info.output_mask) outputs_.resize(info.arrays);  // only synchronous commands pay for it
    for (uint32_t i = 0; i < info.arrays; ++i) {
        if (end - cursor < 8) {
            fail("array " + std::to_string(i) + " is missing");
            return;
        }
        Entry& e = entries_[i];
        e = Entry{read_u64(cursor), 0, nullptr};
        if (e.tag == gl::kBlobArray) {
            if (end - cursor < 16 || !blobs) {
                fail("blob array without a blob");
                return;
            }
            const uint64_t id = read_u64(cursor);
            e.tag = read_u64(cursor);
            auto blob = id <= UINT32_MAX ? (*blobs)(static_cast<uint32_t>(id)) : nullptr;
            if (!blob || e.tag > blob->size() || e.tag > gl::kMaxArrayBytes) {
                fail("array " + std::to_string(i) + " names a blob it cannot use");
                return;
            }
            e.data = blob->data();
            blobs_.push_back(std::move(blob));
        } else if (e.tag == gl::kBufferOffset) {
            if (end - cursor < 8) {
                fail("buffer offset is missing");
                return;
            }
            e.offset = read_u64(cursor);
        } else if (e.tag != gl::kNullArray && !(info.output_mask & (1u << i))) {
            if (e.tag > gl::kMaxArrayBytes || gl::pad8(e.tag) > static_cast<uint64_t>(end - cursor))
            {
                fail("array " + std::to_string(i) + " overruns the command");
                return;
            }
            e.data = cursor;
            cursor += gl::pad8(e.tag);
        }
    }
    if (cursor != end) fail("has trailing bytes");
}

void GlCall::fail(std::string why) {
    if (error_.empty()) error_ = std::move(why);
}

Status GlCall::failure(const char* command) const {
    return Status::error(fb::ErrorCode::Malformed, std::string(command) + ": " + error_);
}

const GlCall::Entry* GlCall::entry(uint32_t index, bool /*output*/) {
    if (index >= entry_count_) {
        fail("array index out of range");
        return nullptr;
    }
    return &entries_[index];
}

GLsync GlCall::sync(uint32_t index) { return syncs_.find(scalar<uint64_t>(index)); }
void GlCall::forget_sync(uint32_t index) { syncs_.forget(scalar<uint64_t>(index)); }

const void* GlCall::in(uint32_t index, uint64_t required, bool nullable) {
    const Entry* e = entry(index, false);
    if (!e) return nullptr;
    if (e->tag == gl::kNullArray) {
        if (!nullable && required > 0) fail("array " + std::to_string(index) + " is null");
        return nullptr;
    }
    if (e->tag == gl::kBufferOffset) {
        fail("array " + std::to_string(index) + " cannot be a buffer offset");
        return nullptr;
    }
    if (e->tag < required) {
        fail("array " + std::to_string(index) + " has " + std::to_string(e->tag) + " bytes, needs " +
             std::to_string(required));
        return nullptr;
    }
    return e->data;
}

const GLchar* GlCall::string(uint32_t index) {
    const Entry* e = entry(index, false);
    if (!e || e->tag == gl::kNullArray) return nullptr;
    if (e->tag == gl::kBufferOffset || e->tag == 0 || e->data[e->tag - 1] != std::byte{0}) {
        fail("string " + std::to_string(index) + " is not terminated");
        return nullptr;
    }
    return reinterpret_cast<const GLchar*>(e->data);
}

const GLchar* GlCall::string_or_length(uint32_t index, GLsizei length) {
    if (length < 0) return string(index);
    return static_cast<const GLchar*>(in(index, static_cast<uint64_t>(length), true));
}

// A list of strings travels as one array: each string with its NUL.
const GLchar* const* GlCall::strings(uint32_t index, GLsizei count) {
    const Entry* e = entry(index, false);
    if (!e || e->tag == gl::kNullArray) return nullptr;
    if (e->tag == gl::kBufferOffset) {
        fail("string list cannot be a buffer offset");
        return nullptr;
    }
    string_lists_.clear();
    const char* cursor = reinterpret_cast<const char*>(e->data);
    const char* end = cursor + e->tag;
    for (GLsizei i = 0; i < count; ++i) {
        const void* nul = std::memchr(cursor, 0, static_cast<size_t>(end - cursor));
        if (!nul) {
            fail("string list is shorter than its count");
            return nullptr;
        }
        string_lists_.push_back(cursor);
        cursor = static_cast<const char*>(nul) + 1;
    }
    // An empty list is still a list (GL tells null from empty).
    static const GLchar* const kEmpty[1] = {nullptr};
    return string_lists_.empty() ? kEmpty : string_lists_.data();
}

bool GlCall::bound(GLenum binding) const {
    GLint name = 0;
    glGetIntegerv(binding, &name);
    return name != 0;
}

gl::PixelStore GlCall::store(bool pack) const { return current_pixel_store(pack); }

const void* GlCall::unpack(uint32_t index, GLsizei width, GLsizei height, GLsizei depth,
                           GLenum format, GLenum type, bool nullable) {
    const Entry* e = entry(index, false);
    if (!e) return nullptr;
    if (e->tag == gl::kBufferOffset) {
        if (!bound(GL_PIXEL_UNPACK_BUFFER_BINDING)) fail("pixel offset without an unpack buffer");
        return reinterpret_cast<const void*>(static_cast<uintptr_t>(e->offset));
    }
    const uint64_t required = gl::gl_image_bytes(store(false), width, height, depth, format, type);
    if (required == 0 && width > 0 && height > 0 && depth > 0) {
        // A format/type pair we cannot size is one GL rejects with an error
        // before reading (GlSizes knows every pair GL accepts): it gets no
        // bytes, and the application its GL error.
        return nullptr;
    }
    return in(index, required, nullable);
}

const void* GlCall::unpack_bytes(uint32_t index, uint64_t bytes, bool nullable) {
    const Entry* e = entry(index, false);
    if (!e) return nullptr;
    if (e->tag == gl::kBufferOffset) {
        if (!bound(GL_PIXEL_UNPACK_BUFFER_BINDING)) fail("data offset without an unpack buffer");
        return reinterpret_cast<const void*>(static_cast<uintptr_t>(e->offset));
    }
    return in(index, bytes, nullable);
}

const void* GlCall::buffer_or(uint32_t index, GLenum binding, uint64_t required, bool nullable) {
    const Entry* e = entry(index, false);
    if (!e) return nullptr;
    if (e->tag == gl::kBufferOffset) {
        if (!bound(binding)) fail("buffer offset without a bound buffer");
        return reinterpret_cast<const void*>(static_cast<uintptr_t>(e->offset));
    }
    return in(index, required, nullable);
}

// Vertex array pointers are always offsets into the bound array buffer.
// A client-side array arrives as offset 0 with no buffer bound: GL would
// keep a null client pointer and read it at a draw that uploads nothing
// for it, so a buffer of zeros is bound for the call instead.
const void* GlCall::attrib_offset(uint32_t index) {
    const Entry* e = entry(index, false);
    if (!e) return nullptr;
    if (e->tag != gl::kBufferOffset && e->tag != gl::kNullArray) {
        fail("a vertex array pointer must be a buffer offset");
        return nullptr;
    }
    const uint64_t offset = e->tag == gl::kBufferOffset ? e->offset : 0;
    if (!bound(GL_ARRAY_BUFFER_BINDING)) {
        if (offset != 0) fail("vertex array offset without a buffer");
        if (null_array_buffer_) {
            glBindBuffer(GL_ARRAY_BUFFER, null_array_buffer_);
            bound_null_array_buffer_ = true;
        }
    }
    return reinterpret_cast<const void*>(static_cast<uintptr_t>(offset));
}

void* GlCall::output(uint32_t index, uint64_t bytes) {
    const Entry* e = entry(index, true);
    if (!e) return nullptr;
    // A null output still gets memory: many getters write through their
    // pointer without checking it, and GL never needs to see a null one.
    if (bytes > kMaxOutputBytes) {
        fail("output of " + std::to_string(bytes) + " bytes is too large");
        return nullptr;
    }
    Output& o = outputs_[index];
    o.bytes.assign(std::max<uint64_t>(bytes, 8), std::byte{0});
    o.answer = e->tag == gl::kNullArray ? 0 : bytes;
    return o.bytes.data();
}

void* GlCall::out(uint32_t index, uint64_t bytes) {
    const Entry* e = entry(index, true);
    if (!e) return nullptr;
    // GL writes at most what the arguments say, which is what we allocate.
    return output(index, bytes);
}

void* GlCall::out_string(uint32_t index, uint64_t bytes) {
    void* data = out(index, bytes);
    if (data) outputs_[index].string = true;
    return data;
}

void* GlCall::query(uint32_t index, uint64_t values, uint64_t value_size) {
    void* data = output(index, values * value_size);
    if (data) {
        outputs_[index].query = true;
        outputs_[index].value_size = value_size;
    }
    return data;
}

void* GlCall::pack_query(uint32_t index, uint64_t values, uint64_t value_size) {
    const Entry* e = entry(index, true);
    if (!e) return nullptr;
    if (e->tag == gl::kBufferOffset) {
        if (!bound(GL_PIXEL_PACK_BUFFER_BINDING)) fail("offset without a pack buffer");
        outputs_[index].to_buffer = true;
        return reinterpret_cast<void*>(static_cast<uintptr_t>(e->offset));
    }
    return query(index, values, value_size);
}

// A query's result size depends on its pname (and on state): the call is
// made twice over two different fillings; a value both left alone was not
// written, so the answer ends after the last one either changed.
void GlCall::prime_queries(int pass) {
    for (auto& o : outputs_) {
        if (!o.query) continue;
        if (pass == 1) o.first_pass = o.bytes;
        std::fill(o.bytes.begin(), o.bytes.end(), kSentinels[pass]);
    }
}

void GlCall::measure_queries() {
    for (auto& o : outputs_) {
        if (!o.query || o.answer == 0) continue;  // null outputs answer nothing
        uint64_t written = 0;
        for (uint64_t i = 0; i < o.bytes.size(); ++i)
            if (o.bytes[i] != kSentinels[1] || o.first_pass[i] != kSentinels[0]) written = i + 1;
        o.answer = (written + o.value_size - 1) / o.value_size * o.value_size;
    }
}

void* GlCall::pack(uint32_t index, GLsizei width, GLsizei height, GLsizei depth, GLenum format,
                   GLenum type) {
    const Entry* e = entry(index, true);
    if (!e) return nullptr;
    if (e->tag == gl::kBufferOffset) {
        if (!bound(GL_PIXEL_PACK_BUFFER_BINDING)) fail("pixel offset without a pack buffer");
        outputs_[index].to_buffer = true;
        return reinterpret_cast<void*>(static_cast<uintptr_t>(e->offset));
    }
    return output(index, gl::gl_image_bytes(store(true), width, height, depth, format, type));
}

void* GlCall::pack_bytes(uint32_t index, uint64_t bytes) {
    const Entry* e = entry(index, true);
    if (!e) return nullptr;
    if (e->tag == gl::kBufferOffset) {
        if (!bound(GL_PIXEL_PACK_BUFFER_BINDING)) fail("pixel offset without a pack buffer");
        outputs_[index].to_buffer = true;
        return reinterpret_cast<void*>(static_cast<uintptr_t>(e->offset));
    }
    return output(index, bytes);
}

void* GlCall::pack_texture(uint32_t index, GLenum target, GLint level, GLenum format, GLenum type) {
    GLint width = 0, height = 0, depth = 0;
    glGetTexLevelParameteriv(target, level, GL_TEXTURE_WIDTH, &width);
    glGetTexLevelParameteriv(target, level, GL_TEXTURE_HEIGHT, &height);
    glGetTexLevelParameteriv(target, level, GL_TEXTURE_DEPTH, &depth);
    if (target == GL_TEXTURE_CUBE_MAP) depth = 6;
    return pack(index, width, height, depth, format, type);
}

void* GlCall::pack_compressed(uint32_t index, GLenum target, GLint level) {
    GLint size = 0;
    glGetTexLevelParameteriv(target, level, GL_TEXTURE_COMPRESSED_IMAGE_SIZE, &size);
    if (target == GL_TEXTURE_CUBE_MAP) size *= 6;
    return pack_bytes(index, size > 0 ? static_cast<uint64_t>(size) : 0);
}

void GlCall::append(const void* data, size_t size) {
    if (!reply_) return;
    const auto* bytes = static_cast<const std::byte*>(data);
    reply_->insert(reply_->end(), bytes, bytes + size);
    reply_->resize(gl::pad8(reply_->size()));
}

void GlCall::put_sync(GLsync sync) { put_value<uint64_t>(sync ? syncs_.add(sync) : 0); }

void GlCall::put_outputs() {
    for (size_t i = 0; i < outputs_.size(); ++i) {
        if (!(output_mask_ & (1u << i))) continue;
        const Output& o = outputs_[i];
        const bool has_bytes = !o.bytes.empty() && !o.to_buffer;
        uint64_t answer = has_bytes ? std::min<uint64_t>(o.answer, o.bytes.size()) : 0;
        if (o.string && answer) {
            const void* nul = std::memchr(o.bytes.data(), 0, answer);
            if (nul) answer = static_cast<uint64_t>(static_cast<const std::byte*>(nul) - o.bytes.data()) + 1;
        }
        put_value<uint64_t>(answer);
        if (answer) append(o.bytes.data(), answer);
    }
}

uint64_t SyncTable::add(GLsync sync) {
    const uint64_t id = next_id_++;
    syncs_.emplace(id, sync);
    return id;
}

GLsync SyncTable::find(uint64_t id) const {
    auto it = syncs_.find(id);
    return it == syncs_.end() ? nullptr : it->second;
}

void SyncTable::forget(uint64_t id) { syncs_.erase(id); }

}  // namespace rendersock::server::virgl
