#pragma once
// Texel blocks of each format, from vk.xml's format list (generated into
// server/venus/generated/VkFormatBlocks.cpp): what the server needs to know
// how many bytes a buffer<->image copy touches.

#include <vulkan/vulkan.h>

#include <cstdint>

namespace rendersock::server::venus {

struct FormatBlock {
    VkFormat format;
    uint8_t bytes;          // one block, all aspects
    uint8_t width, height, depth;  // texels in a block (compressed formats: 4x4x1...)
    uint8_t depth_bytes;    // a depth texel in a buffer, 0 without depth
    uint8_t stencil_bytes;  // a stencil texel in a buffer, 0 without stencil
    bool planar;            // multi-planar: plane aspects have formats of their own
};

// Null for formats vk.xml does not describe.
const FormatBlock* format_block(VkFormat format);

}  // namespace rendersock::server::venus
