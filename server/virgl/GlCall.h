#pragma once
// One decoded GL command as the generated stubs (GlCalls*.cpp) see it: its
// value slots and array entries, checked against the sizes the other
// arguments imply before anything reaches the host driver, and the answer
// being built. A check that fails marks the call failed; the stub then
// returns failure() and the context ends.

#include <epoxy/gl.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "server/Status.h"
#include "wire/gl/GlSizes.h"
#include "wire/gl/GlWire.h"

namespace rendersock::server {
class Blob;
}

namespace rendersock::server::virgl {

using wire::gl::gl_clear_buffer_values;
using wire::gl::gl_elements;
using wire::gl::gl_indirect_bytes;
using wire::gl::gl_pname_values;
using wire::gl::gl_texel_bytes;
using wire::gl::gl_type_size;

class GlCall;
class SyncTable;
// Finds the blob `id` of the calling context (null when it may not use it).
using BlobLookup = std::function<std::shared_ptr<Blob>(uint32_t id)>;
using GlCallFn = Status (*)(GlCall&);

struct GlCommandInfo {
    const char* name;
    GlCallFn call;
    uint32_t slots;
    uint32_t arrays;
    uint32_t output_mask;  // bit i: array i is an output
    bool synchronous;
};
extern const GlCommandInfo kGlCommands[];
extern const size_t kGlCommandCount;

// The host's GL entry points, indexed like kGlCommands.
using GlFunctionTable = std::vector<void (*)()>;

class GlCall {
public:
    // Filled in for the command's arrays only (no zeroing of the rest:
    // this runs for every command).
    struct Entry {
        uint64_t tag;             // byte count, capacity, or a marker
        uint64_t offset;          // with kBufferOffset
        const std::byte* data;    // input bytes
    };

    // Parses `body` (after the header) for a command with `slots` values
    // and the given arrays. ok() is false when it does not fit.
    GlCall(std::span<const std::byte> body, const GlCommandInfo& info, const GlFunctionTable& functions,
           SyncTable& syncs, std::vector<std::byte>* reply, uint32_t op_base,
           const BlobLookup* blobs = nullptr);

    bool ok() const { return error_.empty(); }
    Status failure(const char* command) const;
    const std::string& error() const { return error_; }

    template <typename T>
    T scalar(uint32_t index) const {
        T value;
        std::memcpy(&value, slots_ + index * 8, sizeof(T));
        return value;
    }
    GLsync sync(uint32_t index);
    void forget_sync(uint32_t index);
    void (*function(uint32_t op) const)() { return functions_[op - op_base_]; }

    // Inputs: a pointer to at least `required` bytes (null only if allowed).
    const void* in(uint32_t index, uint64_t required, bool nullable);
    const GLchar* string(uint32_t index);
    const GLchar* string_or_length(uint32_t index, GLsizei length);
    const GLchar* const* strings(uint32_t index, GLsizei count);
    const void* unpack(uint32_t index, GLsizei width, GLsizei height, GLsizei depth, GLenum format,
                       GLenum type, bool nullable);
    const void* unpack_bytes(uint32_t index, uint64_t bytes, bool nullable);
    const void* buffer_or(uint32_t index, GLenum binding, uint64_t required, bool nullable);
    const void* attrib_offset(uint32_t index);
    // Outputs: zeroed memory the answer is taken from after the call.
    void* out(uint32_t index, uint64_t bytes);
    void* out_string(uint32_t index, uint64_t bytes);
    void* query(uint32_t index, uint64_t values, uint64_t value_size);
    void* pack_query(uint32_t index, uint64_t values, uint64_t value_size);
    void* pack(uint32_t index, GLsizei width, GLsizei height, GLsizei depth, GLenum format, GLenum type);
    void* pack_bytes(uint32_t index, uint64_t bytes);
    void* pack_texture(uint32_t index, GLenum target, GLint level, GLenum format, GLenum type);
    void* pack_compressed(uint32_t index, GLenum target, GLint level);
    void prime_queries(int pass);
    void measure_queries();

    template <typename T>
    void put_value(T value) {
        uint64_t slot = 0;
        std::memcpy(&slot, &value, sizeof(T));
        append(&slot, 8);
    }
    void put_sync(GLsync sync);
    // An answer's byte array (count, then the bytes padded to 8).
    void put_bytes(const void* data, uint64_t size) {
        put_value<uint64_t>(size);
        if (size) append(data, size);
    }
    const Entry* input(uint32_t index) { return entry(index, false); }
    // A buffer of zeros that stands in for a client-side array the host
    // must never read (GL would keep a null client pointer otherwise).
    void set_null_array_buffer(GLuint buffer) { null_array_buffer_ = buffer; }
    bool bound_null_array_buffer() const { return bound_null_array_buffer_; }
    void put_outputs();

private:
    struct Output {
        std::vector<std::byte> bytes;
        uint64_t answer = 0;      // bytes to send back
        uint64_t value_size = 0;  // queries: size of one value
        std::vector<std::byte> first_pass;
        bool query = false;
        bool string = false;      // answer up to and with the NUL
        bool to_buffer = false;   // written into a bound pixel-pack buffer
    };
    const Entry* entry(uint32_t index, bool output);
    void fail(std::string why);
    void append(const void* data, size_t size);
    bool bound(GLenum binding) const;
    wire::gl::PixelStore store(bool pack) const;
    void* output(uint32_t index, uint64_t bytes);

    const std::byte* slots_ = nullptr;
    static constexpr uint32_t kMaxArrays = 16;
    std::array<Entry, kMaxArrays> entries_;
    uint32_t entry_count_ = 0;
    std::vector<Output> outputs_;
    std::vector<const GLchar*> string_lists_;
    std::vector<std::shared_ptr<Blob>> blobs_;  // alive while the call runs
    const GlFunctionTable& functions_;
    SyncTable& syncs_;
    std::vector<std::byte>* reply_;
    uint32_t op_base_;
    uint32_t output_mask_;
    GLuint null_array_buffer_ = 0;
    bool bound_null_array_buffer_ = false;
    std::string error_;
};

// GLsync objects by the ids the client knows them by; a client can never
// hand the host a pointer of its choosing. Ids are never reused (a deleted
// sync's id stays unknown, as GL wants) and deleted entries are dropped, so
// the table holds only live syncs however many a long run makes.
class SyncTable {
public:
    uint64_t add(GLsync sync);
    GLsync find(uint64_t id) const;
    void forget(uint64_t id);

private:
    std::unordered_map<uint64_t, GLsync> syncs_;
    uint64_t next_id_ = 1;  // 0 is no sync
};

}  // namespace rendersock::server::virgl
