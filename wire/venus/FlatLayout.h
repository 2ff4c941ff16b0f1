#pragma once
// Most commands (vkCmdDraw, vkCmdBindPipeline, vkCmdSetViewport's cousins)
// are a handful of scalars and handles. For those, both sides skip the
// table walk: their body has a fixed size and each parameter a fixed place.

#include <cstdint>

#include "wire/venus/Codec.h"

namespace rendersock::wire::venus {

struct FlatParam {
    uint16_t slot = 0;         // parameter index
    uint8_t size = 0;          // bytes in the stream (handles: 8)
    bool handle = false;
    bool ignored = false;      // pAllocator: not in the stream
    uint16_t handle_type = 0;
};

struct FlatLayout {
    bool flat = false;
    bool creates_handles = false;  // has an output handle parameter
    uint32_t body_size = 0;        // bytes after the header and flags
    uint8_t count = 0;
    FlatParam params[16] = {};
};

const FlatLayout& flat_layout(uint32_t command_index);

}  // namespace rendersock::wire::venus
