#pragma once
// The GL command stream of a virgl context (see wire/PROTOCOL.md, "GL
// stream"). Each command is a header, one 8-byte slot per value parameter,
// then one entry per array parameter. Array entries start with a tag: a
// byte count followed by the bytes padded to 8 (input), the capacity the
// client has (output), kNullArray, or kBufferOffset followed by an offset
// into the buffer bound for that parameter (pixel buffers, index buffers).
// Answers of synchronous commands: the return value's slot, then per
// output array a byte count and the bytes, padded to 8.

#include <cstdint>

namespace rendersock::wire::gl {

struct CommandHeader {
    uint32_t op;
    uint32_t size;  // bytes, header included; a multiple of 8
};
static_assert(sizeof(CommandHeader) == 8);

inline constexpr uint64_t kNullArray = ~0ull;
inline constexpr uint64_t kBufferOffset = ~0ull - 1;
inline constexpr uint64_t kUnknownCapacity = ~0ull - 2;  // the server sizes it
// An input too large for the stream: a blob id and a byte count follow;
// the bytes are at the start of that blob (which the client keeps until
// its next synchronous command).
inline constexpr uint64_t kBlobArray = ~0ull - 3;
inline constexpr uint64_t kBlobArrayThreshold = 4ull << 20;
inline constexpr uint64_t kMaxArrayBytes = 1ull << 30;

inline constexpr uint64_t pad8(uint64_t n) { return (n + 7) & ~uint64_t{7}; }

// Commands below kFirstGlOp are rendersock's own (PrivateOps.h); the
// generated GL commands follow in registry order.
inline constexpr uint32_t kFirstGlOp = 64;

}  // namespace rendersock::wire::gl
