#pragma once
// Venus stream commands of rendersock's own, outside the generated range.
// They carry what Vulkan cannot say across a process boundary.

#include <cstdint>

namespace rendersock::wire::venus {

// {u32 blob_id}: the next vkAllocateMemory of this stream imports the blob's
// pages (VK_EXT_external_memory_host on the server) instead of allocating,
// so the client's mapping of the blob is the memory itself.
inline constexpr uint32_t kPrivateImportBlob = 0x40000000u;

struct ImportBlob {
    uint32_t blob_id;
    uint32_t reserved;
};

}  // namespace rendersock::wire::venus
