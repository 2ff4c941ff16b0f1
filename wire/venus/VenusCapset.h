#pragma once
// The Venus capset: what a client learns about the server's Vulkan side
// before creating a context. Fixed-layout little-endian struct; new fields
// are only ever appended and `struct_size` tells how many there are.

#include <cstdint>

namespace rendersock::wire::venus {

inline constexpr uint32_t kVenusWireVersion = 1;

struct VenusCapset {
    uint32_t struct_size;
    uint32_t wire_version;     // version of the Venus command stream format
    uint32_t vk_xml_version;   // VK_HEADER_VERSION_COMPLETE the codecs were generated from
    uint32_t host_api_version; // apiVersion of the selected host device
    uint32_t host_vendor_id;
    uint32_t host_device_id;
    char host_device_name[256];
};

}  // namespace rendersock::wire::venus
