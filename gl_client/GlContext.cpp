#include "gl_client/GlContext.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "GlOps.h"
#include "gl_client/GlEntries.h"
#include "wire/gl/PrivateOps.h"

namespace rendersock::gl_client {

namespace gl = wire::gl;

namespace {
thread_local GlContext* current = nullptr;
constexpr size_t kFlushBytes = 256 * 1024;
constexpr size_t kStreamRingBytes = 4 << 20;
constexpr uint64_t kMaxStagedBytes = 64ull << 20;
constexpr int kEglContextLost = 0x300E;  // EGL_CONTEXT_LOST, what create/make-current say once lost

// GL stops at 4.3 here (see gl_client/README.md): newer versions reported
// by the host are capped.
constexpr int kMaxGlMajor = 4, kMaxGlMinor = 3;
}  // namespace

GlContext* current_context() { return current; }
void set_current_context(GlContext* context) { current = context; }

// ---- CommandWriter ----

void CommandWriter::in(const void* data, uint64_t bytes) {
    if (!data) return scalar(gl::kNullArray);
    if (bytes >= gl::kBlobArrayThreshold) {
        scalar(gl::kBlobArray);
        scalar<uint64_t>(context_.stage_in_blob(data, bytes));
        scalar(bytes);
        return;
    }
    scalar(bytes);
    stream_.append_padded(data, bytes);
}

void CommandWriter::string(const GLchar* text) {
    if (!text) return scalar(gl::kNullArray);
    in(text, std::strlen(text) + 1);
}

void CommandWriter::string_or_length(const GLchar* text, GLsizei length) {
    if (length < 0) return string(text);
    in(text, static_cast<uint64_t>(length));
}

void CommandWriter::strings(const GLchar* const* texts, GLsizei count, const GLint* lengths) {
    if (!texts) return scalar(gl::kNullArray);
    std::string joined;
    for (GLsizei i = 0; i < count; ++i) {
        const char* text = texts[i] ? texts[i] : "";
        if (lengths && lengths[i] >= 0)
            joined.append(text, strnlen(text, static_cast<size_t>(lengths[i])));
        else
            joined.append(text);
        joined.push_back('\0');
    }
    in(joined.data(), joined.size());
}

void CommandWriter::offset(const void* pointer) {
    scalar(gl::kBufferOffset);
    scalar(reinterpret_cast<uint64_t>(pointer));
}

void CommandWriter::unpack(const void* data, uint64_t bytes) {
    if (context_.buffer_bound(GL_PIXEL_UNPACK_BUFFER)) return offset(data);
    in(data, bytes);
}

void CommandWriter::buffer_or(const void* data, GLenum target, uint64_t bytes) {
    if (context_.buffer_bound(target)) return offset(data);
    in(data, bytes);
}

void CommandWriter::attrib_offset(const void* pointer) { offset(pointer); }

void CommandWriter::pack(void* data, uint64_t bytes) {
    if (context_.buffer_bound(GL_PIXEL_PACK_BUFFER)) return offset(data);
    if (!data) return scalar(gl::kNullArray);
    scalar(bytes);
}

void CommandWriter::pack_unknown(void* data) { pack(data, gl::kUnknownCapacity); }

void CommandWriter::pack_query(void* data, uint64_t capacity) {
    if (context_.buffer_bound(GL_PIXEL_PACK_BUFFER)) return offset(data);
    scalar(data ? capacity : gl::kNullArray);
}

// ---- GlReply ----

const std::byte* GlReply::bytes_at(uint64_t size) {
    if (cursor_ > bytes_.size() || size > bytes_.size() - cursor_) return nullptr;
    const std::byte* at = bytes_.data() + cursor_;
    cursor_ += gl::pad8(size);
    return at;
}

uint64_t GlReply::out(void* data, uint64_t capacity) {
    const uint64_t size = value<uint64_t>();
    const std::byte* bytes = bytes_at(size);
    if (bytes && data) std::memcpy(data, bytes, std::min(size, capacity));
    return bytes ? size : 0;
}

// ---- GlContext ----

GlContext::GlContext(client::Connection& connection, const Attributes& attributes, GlContext* share)
    : connection_(connection), attributes_(attributes), share_(share), stream_(kFlushBytes + 4096) {
    transport_ = std::make_unique<client::Context>(connection_, client::fb::CapsetType::Virgl, 1, "gl");
    if (connection_.address().kind == wire::Address::Kind::Unix) transport_->enable_stream_ring(kStreamRingBytes);
}

GlContext::~GlContext() {
    if (current == this) current = nullptr;
}

int GlContext::create() {
    CommandWriter w = begin(gl::kOpCreateContext);
    w.scalar<uint32_t>(attributes_.api == Api::OpenGLES ? gl::kApiOpenGLES : gl::kApiOpenGL);
    w.scalar<uint32_t>(static_cast<uint32_t>(attributes_.major));
    w.scalar<int32_t>(attributes_.minor);
    w.scalar<int32_t>(attributes_.profile);
    w.scalar<int32_t>(attributes_.flags);
    w.scalar<uint32_t>(share_ ? share_->id() : 0);
    w.scalar<uint32_t>(attributes_.config);
    end(w);
    const auto error = static_cast<int>(round_trip().value<int64_t>());
    return lost_ ? kEglContextLost : error;
}

CommandWriter GlContext::begin(uint32_t op) {
    if (lost_) lost_error_pending_ = true;  // every command after a loss
    const size_t start = stream_.size();
    const gl::CommandHeader header{op, 0};
    std::memcpy(stream_.extend(sizeof(header)), &header, sizeof(header));
    return CommandWriter(*this, stream_, start);
}

void GlContext::end(CommandWriter& writer) {
    const uint32_t size = static_cast<uint32_t>(stream_.size() - writer.start());
    std::memcpy(stream_.data() + writer.start() + 4, &size, 4);
    if (stream_.size() >= kFlushBytes) flush();
    // Staged blobs live until the next round trip: bound what they hold by
    // making one (any answer means the host is done with earlier commands).
    if (staged_bytes_ >= kMaxStagedBytes) {
        staged_bytes_ = 0;
        sync();
    }
}

void GlContext::flush() {
    if (stream_.empty()) return;
    if (!with_server([&] { transport_->submit(0, stream_.bytes()); })) lost_error_pending_ = true;
    sent_bytes_ += stream_.size();
    stream_.clear();
}

void GlContext::lose(const char* why) {
    lost_ = true;
    lost_error_pending_ = true;
    std::fprintf(stderr, "rendersock GL: context lost: %s\n", why);
}

// Large arrays go in blobs kept in a small pool: a blob is reused once a
// round trip has shown the host is done with it, so its pages are mapped
// and faulted in on both sides only once.
uint32_t GlContext::stage_in_blob(const void* data, uint64_t bytes) {
    uint32_t id = 0;
    with_server([&] { id = stage(data, bytes); });
    return id;
}

uint32_t GlContext::stage(const void* data, uint64_t bytes) {
    std::unique_ptr<client::Blob> blob;
    for (auto it = spare_.begin(); it != spare_.end(); ++it) {
        if ((*it)->size() >= bytes) {
            blob = std::move(*it);
            spare_.erase(it);
            break;
        }
    }
    if (!blob) {
        const uint64_t size = (bytes + 65535) & ~uint64_t{65535};
        blob = std::make_unique<client::Blob>(*transport_, size,
                                              static_cast<uint32_t>(client::fb::BlobFlags::Mappable));
    }
    std::memcpy(blob->data(), data, bytes);
    if (!blob->is_shared()) blob->flush(0, bytes);
    staged_bytes_ += blob->size();
    staged_.push_back(std::move(blob));
    return staged_.back()->id();
}

std::unique_ptr<client::Blob> GlContext::take_map_blob(uint64_t bytes) {
    if (spare_map_blob_ && spare_map_blob_->size() >= bytes) return std::move(spare_map_blob_);
    const uint64_t size = (std::max<uint64_t>(bytes, 1) + 65535) & ~uint64_t{65535};
    std::unique_ptr<client::Blob> blob;
    with_server([&] {
        blob = std::make_unique<client::Blob>(*transport_, size,
                                              static_cast<uint32_t>(client::fb::BlobFlags::Mappable));
    });
    return blob;
}

void GlContext::return_map_blob(std::unique_ptr<client::Blob> blob) {
    if (blob && (!spare_map_blob_ || blob->size() > spare_map_blob_->size())) spare_map_blob_ = std::move(blob);
}

uint64_t GlContext::map_blob_threshold() {
    static const uint64_t threshold = [] {
        const char* text = std::getenv("RENDERSOCK_GL_MAP_BLOB_BYTES");
        return text ? std::strtoull(text, nullptr, 10) : uint64_t{64} << 10;
    }();
    return threshold;
}

void GlContext::release_staged() {
    uint64_t kept = 0;
    for (const auto& blob : spare_) kept += blob->size();
    for (auto& blob : staged_) {
        if (kept + blob->size() > kMaxStagedBytes) continue;  // destroyed
        kept += blob->size();
        spare_.push_back(std::move(blob));
    }
    staged_.clear();
    staged_bytes_ = 0;
}

void GlContext::sync() {
    CommandWriter w = begin(gl::kOpGetString);
    w.scalar<GLenum>(GL_VENDOR);
    w.scalar<int32_t>(-1);
    end(w);
    round_trip();
}

GlReply GlContext::round_trip() {
    std::vector<std::byte> answer;
    if (!with_server([&] { answer = std::move(transport_->submit_and_wait(0, stream_.bytes()).frame.payload); }))
        lost_error_pending_ = true;
    sent_bytes_ += stream_.size();
    stream_.clear();
    release_staged();  // the host is done with every staged blob (or gone)
    return GlReply(std::move(answer));
}

int GlContext::make_current(uint32_t draw, int32_t draw_w, int32_t draw_h, uint32_t read,
                            int32_t read_w, int32_t read_h) {
    CommandWriter w = begin(gl::kOpMakeCurrent);
    for (int64_t v : {int64_t{draw}, int64_t{draw_w}, int64_t{draw_h}, int64_t{read}, int64_t{read_w},
                      int64_t{read_h}})
        w.scalar<int64_t>(v);
    w.scalar<uint32_t>(attributes_.config);
    end(w);
    const auto error = static_cast<int>(round_trip().value<int64_t>());
    return lost_ ? kEglContextLost : error;
}

bool GlContext::present(uint32_t surface, uint32_t blob, int32_t width, int32_t height, uint64_t stride) {
    CommandWriter w = begin(gl::kOpPresent);
    w.scalar<uint32_t>(surface);
    w.scalar<uint32_t>(blob);
    w.scalar<int32_t>(width);
    w.scalar<int32_t>(height);
    w.scalar<uint64_t>(stride);
    end(w);
    round_trip();
    return !lost_;
}

uint64_t GlContext::unpack_image_bytes(int64_t w, int64_t h, int64_t d, GLenum format, GLenum type) const {
    return gl::gl_image_bytes(unpack_, w, h, d, format, type);
}

uint64_t GlContext::pack_image_bytes(int64_t w, int64_t h, int64_t d, GLenum format, GLenum type) const {
    return gl::gl_image_bytes(pack_, w, h, d, format, type);
}

bool GlContext::buffer_bound(GLenum target) const {
    switch (target) {
        case GL_ARRAY_BUFFER: return array_buffer_ != 0;
        case GL_ELEMENT_ARRAY_BUFFER: return current_vao_->element_buffer != 0;
        case GL_PIXEL_PACK_BUFFER: return pixel_pack_buffer_ != 0;
        case GL_PIXEL_UNPACK_BUFFER: return pixel_unpack_buffer_ != 0;
        case GL_DRAW_INDIRECT_BUFFER: return draw_indirect_buffer_ != 0;
        default: return false;
    }
}

void GlContext::bind_buffer(GLenum target, GLuint buffer) {
    switch (target) {
        case GL_ARRAY_BUFFER: array_buffer_ = buffer; break;
        case GL_ELEMENT_ARRAY_BUFFER: current_vao_->element_buffer = buffer; break;
        case GL_PIXEL_PACK_BUFFER: pixel_pack_buffer_ = buffer; break;
        case GL_PIXEL_UNPACK_BUFFER: pixel_unpack_buffer_ = buffer; break;
        case GL_DRAW_INDIRECT_BUFFER: draw_indirect_buffer_ = buffer; break;
        default: break;
    }
}

void GlContext::forget_buffers(GLsizei n, const GLuint* buffers) {
    for (GLsizei i = 0; buffers && i < n; ++i) {
        const GLuint b = buffers[i];
        if (!b) continue;
        for (GLuint* binding : {&array_buffer_, &pixel_pack_buffer_, &pixel_unpack_buffer_, &draw_indirect_buffer_})
            if (*binding == b) *binding = 0;
        if (current_vao_->element_buffer == b) current_vao_->element_buffer = 0;
        arrays_changed();  // arrays in a deleted buffer become client arrays
    }
}

void GlContext::forget_vertex_arrays(GLsizei n, const GLuint* arrays) {
    for (GLsizei i = 0; arrays && i < n; ++i) {
        if (!arrays[i]) continue;
        if (arrays[i] == vertex_array_) bind_vertex_array(0);
        vaos_.erase(arrays[i]);
    }
}

bool GlContext::has_client_arrays() {
    if (arrays_known_) return has_client_arrays_;
    arrays_known_ = true;
    const auto& v = vertex_arrays();
    auto client = [](const ClientArray& a) { return a.enabled && !a.in_buffer; };
    has_client_arrays_ = std::any_of(v.generic.begin(), v.generic.end(), client) ||
                         std::any_of(v.fixed.begin(), v.fixed.end(), client) ||
                         std::any_of(v.texcoords.begin(), v.texcoords.end(), client);
    return has_client_arrays_;
}

namespace {

uint64_t element_bytes(const ClientArray& a, uint32_t kind) {
    uint32_t components = static_cast<uint32_t>(a.size == GL_BGRA ? 4 : a.size);
    if (kind == gl::kNormalArray) components = 3;
    if (kind == gl::kFogCoordArray || kind == gl::kIndexArray) components = 1;
    if (kind == gl::kEdgeFlagArray) return 1;
    switch (a.type) {
        case GL_INT_2_10_10_10_REV:
        case GL_UNSIGNED_INT_2_10_10_10_REV:
        case GL_UNSIGNED_INT_10F_11F_11F_REV: return 4;
        default: return uint64_t{components} * gl::gl_type_size(a.type);
    }
}

}  // namespace

void GlContext::send_client_arrays(int64_t first, int64_t count) {
    if (count <= 0 || first < 0) return;
    auto send = [&](const ClientArray& a, uint32_t kind, uint32_t index) {
        if (!a.enabled || a.in_buffer || !a.pointer) return;
        const uint64_t element = element_bytes(a, kind);
        if (element == 0) return;
        const uint64_t stride = a.stride > 0 ? static_cast<uint64_t>(a.stride) : element;
        const uint64_t begin_byte = static_cast<uint64_t>(first) * stride;
        const uint64_t bytes = (static_cast<uint64_t>(count) - 1) * stride + element;
        CommandWriter w = this->begin(gl::kOpClientArray);
        w.scalar<uint32_t>(kind);
        w.scalar<uint32_t>(index);
        w.scalar<GLint>(a.size);
        w.scalar<GLenum>(a.type);
        w.scalar<GLboolean>(a.normalized);
        w.scalar<GLsizei>(static_cast<GLsizei>(stride));
        w.scalar<uint64_t>(begin_byte);
        w.in(static_cast<const std::byte*>(a.pointer) + begin_byte, bytes);
        end(w);
    };
    auto& v = vertex_arrays();
    for (uint32_t i = 0; i < v.generic.size(); ++i)
        send(v.generic[i], v.generic[i].integer ? gl::kGenericIntegerArray : gl::kGenericArray, i);
    for (uint32_t i = 0; i < v.fixed.size(); ++i) send(v.fixed[i], i + 2, 0);
    for (uint32_t i = 0; i < v.texcoords.size(); ++i) send(v.texcoords[i], gl::kTexCoordArray, i);
}

uint64_t GlContext::get_integers(GLenum pname, GLint* values, uint64_t capacity) {
    CommandWriter w = begin(wire::gl::kOp_glGetIntegerv);
    w.scalar(pname);
    w.out(512 * sizeof(GLint));
    end(w);
    GlReply reply = round_trip();
    return std::min(reply.out(values, capacity), capacity);
}

// ---- strings ----

bool GlContext::version_at_least(int major, int minor) const {
    return attributes_.major > major || (attributes_.major == major && attributes_.minor >= minor);
}

const char* GlContext::string(GLenum name, GLuint index) {
    if (name == GL_EXTENSIONS) {
        filter_strings();
        return index < extensions_.size() ? extensions_[index].c_str() : nullptr;
    }
    const uint64_t key = (uint64_t{name} << 32) | index;
    auto it = strings_.find(key);
    if (it == strings_.end()) {
        CommandWriter w = begin(gl::kOpGetString);
        w.scalar<GLenum>(name);
        w.scalar<int32_t>(static_cast<int32_t>(index));
        end(w);
        GlReply reply = round_trip();
        if (!reply.value<uint64_t>()) return nullptr;
        const uint64_t size = reply.value<uint64_t>();
        const std::byte* bytes = reply.bytes_at(size);
        if (!bytes || size == 0) return nullptr;
        it = strings_.emplace(key, std::string(reinterpret_cast<const char*>(bytes), size - 1)).first;
    }
    return it->second.c_str();
}

const char* GlContext::string(GLenum name) {
    if (name == GL_EXTENSIONS) {
        filter_strings();
        return extension_string_.c_str();
    }
    const char* host = string(name, ~0u);
    if (!host) return nullptr;
    const uint64_t shown = (uint64_t{name} << 32) | 0xfffffffeu;
    if (name == GL_RENDERER) {
        auto& renamed = strings_[shown];
        if (renamed.empty()) renamed = std::string("rendersock: ") + host;
        return renamed.c_str();
    }
    if (name == GL_SHADING_LANGUAGE_VERSION && attributes_.api == Api::OpenGL) {
        int major = 0, minor = 0;
        if (std::sscanf(host, "%d.%d", &major, &minor) == 2 && major * 100 + minor > kMaxGlMajor * 100 + kMaxGlMinor * 10) {
            auto& capped = strings_[shown];
            capped = std::to_string(kMaxGlMajor) + "." + std::to_string(kMaxGlMinor) + "0";
            return capped.c_str();
        }
    }
    if (name == GL_VERSION && attributes_.api == Api::OpenGL) {
        // "4.5 (Core Profile) Mesa" -> "4.3 (Core Profile) Mesa"
        int major = 0, minor = 0;
        if (std::sscanf(host, "%d.%d", &major, &minor) == 2 &&
            (major > kMaxGlMajor || (major == kMaxGlMajor && minor > kMaxGlMinor))) {
            const char* rest = std::strchr(host, ' ');
            auto& capped = strings_[shown];
            capped = std::to_string(kMaxGlMajor) + "." + std::to_string(kMaxGlMinor) + (rest ? rest : "");
            return capped.c_str();
        }
    }
    return host;
}

void GlContext::filter_strings() {
    if (strings_filtered_) return;
    strings_filtered_ = true;
    // Index -2: the host's extensions joined by spaces, whichever way this
    // context's API lists them (core profiles have no GL_EXTENSIONS string).
    CommandWriter w = begin(gl::kOpGetString);
    w.scalar<GLenum>(GL_EXTENSIONS);
    w.scalar<int32_t>(-2);
    end(w);
    GlReply reply = round_trip();
    std::string all;
    if (reply.value<uint64_t>()) {
        const uint64_t size = reply.value<uint64_t>();
        if (const std::byte* bytes = reply.bytes_at(size); bytes && size)
            all.assign(reinterpret_cast<const char*>(bytes), size - 1);
    }
    size_t at = 0;
    while (at < all.size()) {
        size_t next = all.find(' ', at);
        if (next == std::string::npos) next = all.size();
        std::string name = all.substr(at, next - at);
        if (!name.empty() && extension_forwarded(name.c_str())) extensions_.push_back(name);
        at = next + 1;
    }
    for (const auto& name : extensions_) extension_string_ += name + " ";
}

GLint GlContext::extension_count() {
    filter_strings();
    return static_cast<GLint>(extensions_.size());
}

void* gl_function(const char* name) {
    size_t lo = 0, hi = kGlEntryCount;
    while (lo < hi) {
        const size_t mid = (lo + hi) / 2;
        const int order = std::strcmp(kGlEntries[mid].name, name);
        if (order == 0) return kGlEntries[mid].function;
        if (order < 0) lo = mid + 1; else hi = mid;
    }
    return nullptr;
}

bool extension_forwarded(const char* name) {
    size_t lo = 0, hi = kForwardedExtensionCount;
    while (lo < hi) {
        const size_t mid = (lo + hi) / 2;
        const int order = std::strcmp(kForwardedExtensions[mid], name);
        if (order == 0) return true;
        if (order < 0) lo = mid + 1; else hi = mid;
    }
    return false;
}

}  // namespace rendersock::gl_client
