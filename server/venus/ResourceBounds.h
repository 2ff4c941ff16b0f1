#pragma once
// What the server knows of a context's buffers and memory, so that ranges a
// client names are checked before the host driver follows them: drivers
// trust valid usage, and a descriptor, copy or binding past the end of a
// buffer is a write into whatever lies beyond (a VkDescriptorBufferInfo
// offset of 1 GiB into a 4 KiB buffer made lavapipe's shader write there).
// Keyed by host handles, which is what decoded commands hold; an entry is
// made afresh when the host creates the object, so a reused handle value
// never inherits an old size.

#include <vulkan/vulkan.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace rendersock::server::venus {

class ResourceBounds {
public:
    void memory_allocated(uint64_t device, uint64_t memory, uint64_t size);
    void memory_freed(uint64_t memory);
    void buffer_created(uint64_t device, uint64_t buffer, uint64_t size);
    void buffer_destroyed(uint64_t buffer);
    void device_destroyed(uint64_t device);

    // Binding `required` bytes of `memory` at `offset` (the host's memory
    // requirement for the resource). Empty when allowed, else the reason.
    std::string check_binding(uint64_t memory, uint64_t offset, uint64_t required) const;
    void buffer_bound(uint64_t buffer, uint64_t memory);

    struct ImageShape {
        VkImageType type;
        VkFormat format;
        VkExtent3D extent;
        uint32_t mip_levels;
        uint32_t array_layers;
    };
    void image_created(uint64_t device, uint64_t image, const ImageShape& shape);
    void image_destroyed(uint64_t image);
    // `memory` 0: bound by other means (a swapchain), taken as bound.
    void image_bound(uint64_t image, uint64_t memory);

    // An image with live memory bound, the layers and level named, and the
    // box [offset, offset + extent) inside that level. Empty when allowed.
    std::string check_image_box(uint64_t image, const VkImageSubresourceLayers& layers, VkOffset3D offset,
                                VkExtent3D extent, std::string_view what) const;
    // Levels and layers of an image (clears, views).
    std::string check_image_range(uint64_t image, const VkImageSubresourceRange& range, std::string_view what) const;
    // Both sides of one buffer<->image copy region.
    std::string check_buffer_image_copy(uint64_t buffer, uint64_t image, const VkBufferImageCopy& region,
                                        std::string_view what) const;
    void query_pool_created(uint64_t device, uint64_t pool, uint32_t queries);
    void query_pool_destroyed(uint64_t pool);
    // Queries [first, first + count) of a pool. Empty when allowed.
    std::string check_queries(uint64_t pool, uint64_t first, uint64_t count, std::string_view what) const;

    // The shape of a live image, or null.
    const ImageShape* image_shape(uint64_t image) const;

    // [offset, offset + size) of a buffer with live memory bound; `size`
    // may be VK_WHOLE_SIZE (the rest of the buffer). As the API asks, the
    // offset lies inside the buffer. Empty when allowed, else the reason,
    // which names `what`.
    std::string check_range(uint64_t buffer, uint64_t offset, uint64_t size, std::string_view what) const;

private:
    struct Memory {
        uint64_t device;
        uint64_t size;
        uint64_t generation;  // tells a freed allocation from a new one at the same handle
    };
    struct Buffer {
        uint64_t device;
        uint64_t size;
        uint64_t memory = 0;
        uint64_t memory_generation = 0;
    };
    struct Image {
        uint64_t device;
        ImageShape shape;
        uint64_t memory = 0;
        uint64_t memory_generation = 0;
        bool bound = false;
    };
    std::string check_image(uint64_t image, std::string_view what, const Image*& entry) const;
    bool memory_live(uint64_t memory, uint64_t generation) const;

    std::unordered_map<uint64_t, Memory> memories_;
    std::unordered_map<uint64_t, Image> images_;
    struct QueryPool {
        uint64_t device;
        uint32_t queries;
    };
    std::unordered_map<uint64_t, QueryPool> query_pools_;
    std::unordered_map<uint64_t, Buffer> buffers_;
    uint64_t next_generation_ = 1;
};

}  // namespace rendersock::server::venus
