#pragma once
// Framing of a Venus command stream: commands back to back, each starting
// with this header; `size` counts the header too.

#include <cstdint>

namespace rendersock::wire::venus {

struct CommandHeader {
    uint32_t command;
    uint32_t size;
};

}  // namespace rendersock::wire::venus
