#pragma once
// Framing of a Venus command stream: commands back to back, each starting
// with this header; `size` counts the header too.

#include <cstdint>

namespace rendersock::wire::venus {

struct CommandHeader {
    uint32_t command;
    uint32_t size;
};

// Command 0 is padding: the decoder skips it. Encoders use it to align and
// to fill; benchmarks use it to move bytes through the whole path.
inline constexpr uint32_t kCommandPadding = 0;

}  // namespace rendersock::wire::venus
