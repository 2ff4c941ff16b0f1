#pragma once
// Writes raw GL stream commands (wire/gl/GlWire.h) for tests and fuzz seeds
// that must say exactly what goes on the wire, valid or not.

#include <cstdint>
#include <cstring>
#include <vector>

#include "wire/gl/GlWire.h"
#include "wire/gl/PrivateOps.h"

namespace rendersock::testing {

class GlStreamBuilder {
public:
    GlStreamBuilder& command(uint32_t op) {
        finish();
        start_ = bytes_.size();
        return put(uint64_t{op});  // op, then the size written by finish()
    }
    GlStreamBuilder& value(uint64_t v) { return put(v); }
    GlStreamBuilder& array(const void* data, uint64_t size) {
        put(size);
        const size_t at = bytes_.size();
        bytes_.resize(at + wire::gl::pad8(size));
        if (size) std::memcpy(bytes_.data() + at, data, size);
        return *this;
    }
    GlStreamBuilder& offset(uint64_t offset) { return put(wire::gl::kBufferOffset).put(offset); }
    GlStreamBuilder& null_array() { return put(wire::gl::kNullArray); }
    GlStreamBuilder& capacity(uint64_t bytes) { return put(bytes); }
    std::vector<std::byte> done() {
        finish();
        return bytes_;
    }

    // A surfaceless OpenGL 2.1 compatibility context, made current: the
    // prologue every stream needs before GL commands reach the host.
    static GlStreamBuilder context_prologue() {
        namespace gl = wire::gl;
        GlStreamBuilder s;
        s.command(gl::kOpCreateContext).value(gl::kApiOpenGL).value(2).value(1).value(0).value(0).value(0).value(0);
        s.command(gl::kOpMakeCurrent).value(0).value(0).value(0).value(0).value(0).value(0).value(0);
        return s;
    }

private:
    GlStreamBuilder& put(uint64_t v) {
        const size_t at = bytes_.size();
        bytes_.resize(at + 8);
        std::memcpy(bytes_.data() + at, &v, 8);
        return *this;
    }
    void finish() {
        if (start_ == SIZE_MAX) return;
        const uint32_t size = static_cast<uint32_t>(bytes_.size() - start_);
        std::memcpy(bytes_.data() + start_ + 4, &size, 4);
        start_ = SIZE_MAX;
    }
    std::vector<std::byte> bytes_;
    size_t start_ = SIZE_MAX;
};

}  // namespace rendersock::testing
