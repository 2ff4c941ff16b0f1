#include "wire/Frame.h"

#include <cstring>

namespace rendersock::wire {

std::optional<std::string> check_header(const FrameHeader& header, const FrameLimits& limits) {
    if (header.control_size == 0) return "frame without a control message";
    if (header.control_size > limits.max_control_bytes)
        return "control message of " + std::to_string(header.control_size) +
               " bytes exceeds the limit of " + std::to_string(limits.max_control_bytes);
    if (header.payload_size > limits.max_payload_bytes)
        return "payload of " + std::to_string(header.payload_size) +
               " bytes exceeds the limit of " + std::to_string(limits.max_payload_bytes);
    if (header.fd_count > limits.max_fds)
        return "frame announces " + std::to_string(header.fd_count) + " fds, limit is " +
               std::to_string(limits.max_fds);
    if (header.reserved != 0) return "reserved header field is not zero";
    return std::nullopt;
}

bool looks_like_upstream_vtest(const std::array<char, 8>& first_bytes) {
    uint32_t words[2];
    std::memcpy(words, first_bytes.data(), sizeof(words));
    // vtest headers are [length in dwords, command id]; its command ids are
    // small and the first command (create renderer, ping) is short.
    constexpr uint32_t kLastVtestCommand = 32;
    return words[1] >= 1 && words[1] <= kLastVtestCommand && words[0] < 4096;
}

}  // namespace rendersock::wire
