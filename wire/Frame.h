#pragma once
// Framing of the control connection: a fixed preamble once, then frames.
// A frame is a 16-byte header, a flatbuffers control message and an optional
// raw payload (command streams, transfer data). See wire/PROTOCOL.md.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace rendersock::wire {

// Sent by the client before its first frame. Both words are far outside
// upstream vtest's command ids, so an upstream server drops us at once
// instead of waiting for bytes that never come.
inline constexpr std::array<char, 8> kPreamble = {'r', 'n', 'd', 'r', 's', 'o', 'c', 'k'};
inline constexpr uint32_t kHelloMagic = 0x4b4f5352;  // "RSOK"
// 2: BlobTransfer ToHostMasked.
inline constexpr uint32_t kProtocolVersion = 2;

struct FrameHeader {
    uint32_t control_size = 0;
    uint32_t payload_size = 0;
    uint32_t fd_count = 0;
    uint32_t reserved = 0;
};
static_assert(sizeof(FrameHeader) == 16);

struct FrameLimits {
    uint32_t max_control_bytes = 64 * 1024;
    uint64_t max_payload_bytes = 64ull * 1024 * 1024;
    uint32_t max_fds = 4;
};

// Checks a header against the limits before anything is allocated for it.
// Returns a human-readable reason when the header must be refused.
std::optional<std::string> check_header(const FrameHeader& header, const FrameLimits& limits);

// Recognises the first bytes of an upstream vtest client (a [length, command]
// header with a small command id) so the server can say what went wrong.
bool looks_like_upstream_vtest(const std::array<char, 8>& first_bytes);

}  // namespace rendersock::wire
