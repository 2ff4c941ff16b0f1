#pragma once
// A GL context on the client: the command stream to its host context, the
// state the client needs to encode commands (pixel store, buffer bindings,
// client-side arrays), and cached answers (strings, limits).

#include <array>
#include <cstdint>
#include <cstring>
#include <exception>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gl_client/GlTypes.h"
#include "gl_client/StreamBuffer.h"
#include "wire/client/Blob.h"
#include "wire/client/Context.h"
#include "wire/gl/GlCapset.h"
#include "wire/gl/GlSizes.h"
#include "wire/gl/GlWire.h"

namespace rendersock::gl_client {

class GlContext;

// Appends one command to a context's stream; the header's size is set
// when the context ends it.
class CommandWriter {
public:
    CommandWriter(GlContext& context, StreamBuffer& stream, size_t start)
        : context_(context), stream_(stream), start_(start) {}

    template <typename T>
    void scalar(T value) {
        uint64_t slot = 0;
        std::memcpy(&slot, &value, sizeof(T));
        std::memcpy(stream_.extend(8), &slot, 8);
    }
    void sync(const void* sync) { scalar(reinterpret_cast<uint64_t>(sync)); }
    void in(const void* data, uint64_t bytes);
    void string(const GLchar* text);
    void string_or_length(const GLchar* text, GLsizei length);
    void strings(const GLchar* const* texts, GLsizei count, const GLint* lengths);
    void unpack(const void* data, uint64_t bytes);
    void buffer_or(const void* data, GLenum target, uint64_t bytes);
    void attrib_offset(const void* pointer);
    void out(uint64_t capacity) { scalar(capacity); }
    void pack(void* data, uint64_t bytes);
    void pack_unknown(void* data);
    // A query whose answer goes to a bound pixel pack buffer when there is one.
    void pack_query(void* data, uint64_t capacity);
    void offset(const void* pointer);
    size_t start() const { return start_; }

private:
    GlContext& context_;
    StreamBuffer& stream_;
    size_t start_;
};

// The answer to a synchronous command, read in order.
class GlReply {
public:
    explicit GlReply(std::vector<std::byte> bytes) : bytes_(std::move(bytes)) {}
    template <typename T>
    T value() {
        T result{};
        if (cursor_ + 8 <= bytes_.size()) std::memcpy(&result, bytes_.data() + cursor_, sizeof(T));
        cursor_ += 8;
        return result;
    }
    GLsync sync() { return reinterpret_cast<GLsync>(value<uint64_t>()); }
    // Copies at most `capacity` bytes of the next output into `data`;
    // returns how many the server sent.
    uint64_t out(void* data, uint64_t capacity);
    const std::byte* bytes_at(uint64_t size);

private:
    std::vector<std::byte> bytes_;
    size_t cursor_ = 0;
};

struct ClientArray {
    bool enabled = false;
    bool in_buffer = false;  // the pointer is an offset into a buffer
    GLint size = 4;
    GLenum type = GL_FLOAT;
    GLboolean normalized = GL_FALSE;
    bool integer = false;
    GLsizei stride = 0;
    const void* pointer = nullptr;
};

struct VertexArrayState {
    GLuint element_buffer = 0;
    std::array<ClientArray, 16> generic{};
    std::array<ClientArray, 8> fixed{};       // vertex, normal, color, ..., by ClientArrayKind - 2
    std::array<ClientArray, 8> texcoords{};
};

class GlContext {
public:
    enum class Api { OpenGL, OpenGLES };
    struct Attributes {
        Api api = Api::OpenGL;
        int major = 1, minor = 0;
        int profile = 0;  // EGL_CONTEXT_OPENGL_*_PROFILE_BIT
        int flags = 0;
        uint32_t config = 0;
    };

    GlContext(client::Connection& connection, const Attributes& attributes, GlContext* share);
    ~GlContext();

    // Creates the host context; 0 or an EGL error code.
    int create();
    const Attributes& attributes() const { return attributes_; }
    uint32_t id() const { return transport_->id(); }
    client::Context& transport() { return *transport_; }

    CommandWriter begin(uint32_t op);
    void end(CommandWriter& writer);
    GlReply round_trip();
    void flush();
    // Waits until the host has executed everything sent so far.
    void sync();
    // glGetError without a round trip when it cannot have changed: nothing
    // was encoded since a host check said GL_NO_ERROR (the usual
    // `while (glGetError())` drain, checks after client-side-only calls).
    bool error_known_clear() const { return !lost_ && clean_at_ == stream_position(); }
    void error_checked(GLenum error) { clean_at_ = error == GL_NO_ERROR ? stream_position() : kUnknown; }
    // Runs `exchange` with the server. When the server (or this context on
    // it) is gone, the context is lost, as after a GPU reset
    // (KHR_robustness): commands are dropped, glGetError says
    // GL_CONTEXT_LOST, glGetGraphicsResetStatus GL_UNKNOWN_CONTEXT_RESET,
    // instead of an exception leaving a C entry point and ending the program.
    template <typename Exchange>
    bool with_server(Exchange exchange) {
        if (lost_) return false;
        try {
            exchange();
            return true;
        } catch (const std::exception& error) {
            lose(error.what());
            return false;
        }
    }
    bool lost() const { return lost_; }
    // GL_CONTEXT_LOST once per command issued since the last glGetError.
    bool take_lost_error() { return std::exchange(lost_error_pending_, false); }
    // A blob holding `bytes` bytes of `data`, kept until the next round trip
    // (0 when the context is lost).
    uint32_t stage_in_blob(const void* data, uint64_t bytes);

    // EGL/GLX on top: make current (surface 0: none), present.
    int make_current(uint32_t draw, int32_t draw_w, int32_t draw_h, uint32_t read, int32_t read_w,
                     int32_t read_h);
    bool present(uint32_t surface, uint32_t blob, int32_t width, int32_t height, uint64_t stride);

    // State for encoding.
    uint64_t unpack_image_bytes(int64_t w, int64_t h, int64_t d, GLenum format, GLenum type) const;
    uint64_t pack_image_bytes(int64_t w, int64_t h, int64_t d, GLenum format, GLenum type) const;
    bool buffer_bound(GLenum target) const;
    wire::gl::PixelStore& store(bool pack) { return pack ? pack_ : unpack_; }
    void bind_buffer(GLenum target, GLuint buffer);
    void forget_buffers(GLsizei n, const GLuint* buffers);
    void bind_vertex_array(GLuint array) {
        vertex_array_ = array;
        current_vao_ = &vaos_[array];
        arrays_changed();
    }
    // Vertex array state changed: has_client_arrays() looks again.
    void arrays_changed() { arrays_known_ = false; }
    void forget_vertex_arrays(GLsizei n, const GLuint* arrays);
    VertexArrayState& vertex_arrays() { return *current_vao_; }
    GLenum client_active_texture = GL_TEXTURE0;
    // Uploads enabled client-side arrays for a draw reading vertices
    // [first, first + count).
    void send_client_arrays(int64_t first, int64_t count);
    bool has_client_arrays();

    const char* string(GLenum name);
    const char* string(GLenum name, GLuint index);
    GLint extension_count();
    bool version_at_least(int major, int minor) const;

    // A mapped range on the client: a blob both sides map (large ranges),
    // or a private copy that travels in messages.
    struct MappedRange {
        std::vector<std::byte> copy;
        std::unique_ptr<client::Blob> blob;
        GLintptr offset = 0;
        GLsizeiptr length = 0;
        GLbitfield access = 0;
        std::byte* data() { return blob ? blob->data() : copy.data(); }
    };
    // A blob for a mapping of `bytes` (reused from earlier mappings when
    // one is large enough), and its return when the mapping ends.
    std::unique_ptr<client::Blob> take_map_blob(uint64_t bytes);
    void return_map_blob(std::unique_ptr<client::Blob> blob);
    // Ranges this large are mapped through a blob
    // ($RENDERSOCK_GL_MAP_BLOB_BYTES, default 64 KiB; 0 maps all that way).
    static uint64_t map_blob_threshold();
    std::map<GLenum, MappedRange>& mappings() { return mappings_; }
    std::map<GLenum, std::vector<GLint>>& limits() { return limits_; }
    // glGetIntegerv with the number of bytes the host wrote.
    uint64_t get_integers(GLenum pname, GLint* values, uint64_t capacity);
    std::pair<void*, uint64_t> select_buffer{nullptr, 0}, feedback_buffer{nullptr, 0};
    GLDEBUGPROC debug_callback = nullptr;
    const void* debug_user = nullptr;

private:
    void lose(const char* why);
    void filter_strings();
    void release_staged();
    uint32_t stage(const void* data, uint64_t bytes);
    // Bytes encoded over the context's life: sent, plus waiting to be sent.
    uint64_t stream_position() const { return sent_bytes_ + stream_.size(); }

    static constexpr uint64_t kUnknown = ~uint64_t{0};
    uint64_t sent_bytes_ = 0;
    uint64_t clean_at_ = kUnknown;  // stream position of the last GL_NO_ERROR
    bool lost_ = false;
    bool lost_error_pending_ = false;

    client::Connection& connection_;
    Attributes attributes_;
    GlContext* share_;
    std::unique_ptr<client::Context> transport_;
    StreamBuffer stream_;
    wire::gl::PixelStore unpack_, pack_;
    GLuint array_buffer_ = 0, pixel_pack_buffer_ = 0, pixel_unpack_buffer_ = 0;
    GLuint draw_indirect_buffer_ = 0;
    GLuint vertex_array_ = 0;
    std::map<GLuint, VertexArrayState> vaos_;
    VertexArrayState* current_vao_ = &vaos_[0];  // map nodes do not move
    bool arrays_known_ = false;
    bool has_client_arrays_ = false;
    std::map<uint64_t, std::string> strings_;
    std::vector<std::string> extensions_;
    bool strings_filtered_ = false;
    std::string extension_string_;
    std::map<GLenum, MappedRange> mappings_;
    std::vector<std::unique_ptr<client::Blob>> staged_, spare_;
    std::unique_ptr<client::Blob> spare_map_blob_;
    uint64_t staged_bytes_ = 0;
    std::map<GLenum, std::vector<GLint>> limits_;
};

// The thread's current context (EGL or GLX sets it).
void set_current_context(GlContext* context);
GlContext* current_context();

}  // namespace rendersock::gl_client
