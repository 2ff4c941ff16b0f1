#include "server/venus/ResourceBounds.h"

#include <algorithm>

#include "server/venus/FormatBlocks.h"

namespace rendersock::server::venus {

void ResourceBounds::memory_allocated(uint64_t device, uint64_t memory, uint64_t size) {
    memories_[memory] = Memory{device, size, next_generation_++};
}

void ResourceBounds::memory_freed(uint64_t memory) {
    memories_.erase(memory);
}

void ResourceBounds::buffer_created(uint64_t device, uint64_t buffer, uint64_t size) {
    buffers_[buffer] = Buffer{device, size};
}

void ResourceBounds::buffer_destroyed(uint64_t buffer) {
    buffers_.erase(buffer);
}

void ResourceBounds::image_created(uint64_t device, uint64_t image, const ImageShape& shape) {
    images_[image] = Image{device, shape};
}

void ResourceBounds::image_destroyed(uint64_t image) {
    images_.erase(image);
}

void ResourceBounds::image_bound(uint64_t image, uint64_t memory) {
    auto image_it = images_.find(image);
    if (image_it == images_.end()) return;
    Image& entry = image_it->second;
    if (memory == 0) {
        entry.bound = true;
        return;
    }
    auto memory_it = memories_.find(memory);
    if (memory_it == memories_.end()) return;
    entry.bound = true;
    entry.memory = memory;
    entry.memory_generation = memory_it->second.generation;
}

void ResourceBounds::query_pool_created(uint64_t device, uint64_t pool, uint32_t queries) {
    query_pools_[pool] = QueryPool{device, queries};
}

void ResourceBounds::query_pool_destroyed(uint64_t pool) {
    query_pools_.erase(pool);
}

std::string ResourceBounds::check_queries(uint64_t pool, uint64_t first, uint64_t count, std::string_view what) const {
    auto it = query_pools_.find(pool);
    if (it == query_pools_.end()) return std::string(what) + ": a query pool the server did not see created";
    const uint32_t queries = it->second.queries;
    if (first >= queries || count > queries - first)
        return std::string(what) + ": queries from " + std::to_string(first) + " (" + std::to_string(count) +
               ") of a pool of " + std::to_string(queries);
    return {};
}

void ResourceBounds::device_destroyed(uint64_t device) {
    std::erase_if(memories_, [&](const auto& entry) { return entry.second.device == device; });
    std::erase_if(buffers_, [&](const auto& entry) { return entry.second.device == device; });
    std::erase_if(images_, [&](const auto& entry) { return entry.second.device == device; });
    std::erase_if(query_pools_, [&](const auto& entry) { return entry.second.device == device; });
}

bool ResourceBounds::memory_live(uint64_t memory, uint64_t generation) const {
    auto it = memories_.find(memory);
    return it != memories_.end() && it->second.generation == generation;
}

const ResourceBounds::ImageShape* ResourceBounds::image_shape(uint64_t image) const {
    auto it = images_.find(image);
    return it == images_.end() ? nullptr : &it->second.shape;
}

std::string ResourceBounds::check_image(uint64_t image, std::string_view what, const Image*& entry) const {
    auto it = images_.find(image);
    if (it == images_.end()) return std::string(what) + ": an image the server did not see created";
    entry = &it->second;
    if (!entry->bound || (entry->memory && !memory_live(entry->memory, entry->memory_generation)))
        return std::string(what) + ": the image has no live memory bound";
    return {};
}

namespace {

// Layers [base, base + count) of `layers`, VK_REMAINING_ARRAY_LAYERS meaning the rest.
bool layers_fit(uint32_t base, uint32_t count, uint32_t layers) {
    if (count == VK_REMAINING_ARRAY_LAYERS) return base < layers;
    return count > 0 && base < layers && count <= layers - base;
}

uint32_t level_size(uint32_t size, uint32_t level) {
    return std::max(1u, level < 32 ? size >> level : 0u);
}

bool span_fits(int32_t offset, uint32_t extent, uint32_t size) {
    return offset >= 0 && uint64_t(offset) + extent <= size;
}

uint64_t times(uint64_t a, uint64_t b) {
    return a && b > UINT64_MAX / a ? UINT64_MAX : a * b;
}

uint64_t plus(uint64_t a, uint64_t b) {
    return b > UINT64_MAX - a ? UINT64_MAX : a + b;
}

uint64_t blocks(uint32_t texels, uint32_t block) {
    return (uint64_t{texels} + block - 1) / block;
}

}  // namespace

std::string ResourceBounds::check_image_box(uint64_t image, const VkImageSubresourceLayers& layers,
                                            VkOffset3D offset, VkExtent3D extent, std::string_view what) const {
    const Image* entry = nullptr;
    if (std::string reason = check_image(image, what, entry); !reason.empty()) return reason;
    const ImageShape& shape = entry->shape;
    if (layers.mipLevel >= shape.mip_levels)
        return std::string(what) + ": mip level " + std::to_string(layers.mipLevel) + " of an image with " +
               std::to_string(shape.mip_levels);
    if (!layers_fit(layers.baseArrayLayer, layers.layerCount, shape.array_layers))
        return std::string(what) + ": layers from " + std::to_string(layers.baseArrayLayer) + " (" +
               std::to_string(layers.layerCount) + ") of an image with " + std::to_string(shape.array_layers);
    const uint32_t width = level_size(shape.extent.width, layers.mipLevel);
    const uint32_t height = level_size(shape.extent.height, layers.mipLevel);
    uint32_t depth = level_size(shape.extent.depth, layers.mipLevel);
    if (shape.type != VK_IMAGE_TYPE_3D) {
        // Copies between a 3D image and a 2D array take the array's layers
        // as the 3D image's slices.
        const uint32_t count = layers.layerCount == VK_REMAINING_ARRAY_LAYERS
                                   ? shape.array_layers - layers.baseArrayLayer
                                   : layers.layerCount;
        depth = std::max(depth, count);
    }
    if (!span_fits(offset.x, extent.width, width) || !span_fits(offset.y, extent.height, height) ||
        !span_fits(offset.z, extent.depth, depth))
        return std::string(what) + ": the box at (" + std::to_string(offset.x) + "," + std::to_string(offset.y) +
               "," + std::to_string(offset.z) + ") of " + std::to_string(extent.width) + "x" +
               std::to_string(extent.height) + "x" + std::to_string(extent.depth) + " leaves level " +
               std::to_string(layers.mipLevel) + " (" + std::to_string(width) + "x" + std::to_string(height) +
               "x" + std::to_string(depth) + ")";
    return {};
}

std::string ResourceBounds::check_image_range(uint64_t image, const VkImageSubresourceRange& range,
                                              std::string_view what) const {
    const Image* entry = nullptr;
    if (std::string reason = check_image(image, what, entry); !reason.empty()) return reason;
    const ImageShape& shape = entry->shape;
    const bool levels_fit = range.levelCount == VK_REMAINING_MIP_LEVELS
                                ? range.baseMipLevel < shape.mip_levels
                                : range.levelCount > 0 && range.baseMipLevel < shape.mip_levels &&
                                      range.levelCount <= shape.mip_levels - range.baseMipLevel;
    if (!levels_fit || !layers_fit(range.baseArrayLayer, range.layerCount, shape.array_layers))
        return std::string(what) + ": levels from " + std::to_string(range.baseMipLevel) + " (" +
               std::to_string(range.levelCount) + "), layers from " + std::to_string(range.baseArrayLayer) + " (" +
               std::to_string(range.layerCount) + ") of an image with " + std::to_string(shape.mip_levels) +
               " levels and " + std::to_string(shape.array_layers) + " layers";
    return {};
}

std::string ResourceBounds::check_buffer_image_copy(uint64_t buffer, uint64_t image, const VkBufferImageCopy& region,
                                                    std::string_view what) const {
    if (std::string reason = check_image_box(image, region.imageSubresource, region.imageOffset,
                                             region.imageExtent, what);
        !reason.empty())
        return reason;
    const VkExtent3D& extent = region.imageExtent;
    if (extent.width == 0 || extent.height == 0 || extent.depth == 0) return std::string(what) + ": an empty region";
    const uint32_t row_length = region.bufferRowLength ? region.bufferRowLength : extent.width;
    const uint32_t image_height = region.bufferImageHeight ? region.bufferImageHeight : extent.height;
    if (row_length < extent.width || image_height < extent.height)
        return std::string(what) + ": buffer rows shorter than the region";
    const ImageShape& shape = *image_shape(image);
    const FormatBlock* block = format_block(shape.format);
    const VkImageAspectFlags aspect = region.imageSubresource.aspectMask;
    uint64_t texel_bytes = 0;
    if (block && aspect == VK_IMAGE_ASPECT_DEPTH_BIT) texel_bytes = block->depth_bytes;
    else if (block && aspect == VK_IMAGE_ASPECT_STENCIL_BIT) texel_bytes = block->stencil_bytes;
    else if (block && aspect == VK_IMAGE_ASPECT_COLOR_BIT && !block->planar) texel_bytes = block->bytes;
    if (texel_bytes == 0)  // planes and formats vk.xml does not describe: the start at least
        return check_range(buffer, region.bufferOffset, VK_WHOLE_SIZE, what);
    const uint32_t layers = region.imageSubresource.layerCount == VK_REMAINING_ARRAY_LAYERS
                                ? shape.array_layers - region.imageSubresource.baseArrayLayer
                                : region.imageSubresource.layerCount;
    // The last byte the copy touches, saturated: no buffer holds UINT64_MAX - 1.
    const uint64_t row = times(blocks(row_length, block->width), texel_bytes);
    const uint64_t slice = times(blocks(image_height, block->height), row);
    const uint64_t slices = times(blocks(extent.depth, block->depth), layers);
    const uint64_t bytes = plus(plus(times(slices - 1, slice), times(blocks(extent.height, block->height) - 1, row)),
                                times(blocks(extent.width, block->width), texel_bytes));
    return check_range(buffer, region.bufferOffset, std::min(bytes, UINT64_MAX - 1), what);
}

std::string ResourceBounds::check_binding(uint64_t memory, uint64_t offset, uint64_t required) const {
    auto it = memories_.find(memory);
    if (it == memories_.end()) return "memory the server did not see allocated";
    const uint64_t size = it->second.size;
    if (offset > size || required > size - offset)
        return std::to_string(required) + " bytes at offset " + std::to_string(offset) +
               " of an allocation of " + std::to_string(size);
    return {};
}

void ResourceBounds::buffer_bound(uint64_t buffer, uint64_t memory) {
    auto buffer_it = buffers_.find(buffer);
    auto memory_it = memories_.find(memory);
    if (buffer_it == buffers_.end() || memory_it == memories_.end()) return;
    buffer_it->second.memory = memory;
    buffer_it->second.memory_generation = memory_it->second.generation;
}

std::string ResourceBounds::check_range(uint64_t buffer, uint64_t offset, uint64_t size,
                                        std::string_view what) const {
    auto it = buffers_.find(buffer);
    if (it == buffers_.end()) return std::string(what) + ": a buffer the server did not see created";
    const Buffer& entry = it->second;
    auto memory = memories_.find(entry.memory);
    if (entry.memory == 0 || memory == memories_.end() || memory->second.generation != entry.memory_generation)
        return std::string(what) + ": the buffer has no live memory bound";
    if (offset >= entry.size)
        return std::string(what) + ": offset " + std::to_string(offset) + " is outside a buffer of " +
               std::to_string(entry.size) + " bytes";
    if (size != VK_WHOLE_SIZE && size > entry.size - offset)
        return std::string(what) + ": " + std::to_string(size) + " bytes at offset " + std::to_string(offset) +
               " overrun a buffer of " + std::to_string(entry.size) + " bytes";
    return {};
}

}  // namespace rendersock::server::venus
