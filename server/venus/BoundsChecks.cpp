// Ranges of buffers and memory that a command names, checked against what
// the server saw created (ResourceBounds) before the host driver follows
// them. What is checked, and what is not yet, is listed in server/README.md
// ("What the server checks before the host driver runs a command").
#include <algorithm>
#include <cstring>
#include <string>

#include "server/venus/FormatBlocks.h"
#include "server/venus/VenusContext.h"
#include "wire/venus/generated/VkIndices.h"

namespace rendersock::server::venus {

namespace vv = wire::venus;
namespace idx = wire::venus::index;

namespace {

template <typename T>
T slot_as(const uint64_t* slots, int index) {
    if constexpr (std::is_pointer_v<T>) {
        return reinterpret_cast<T>(slots[index]);
    } else {
        T value;
        std::memcpy(&value, &slots[index], sizeof(T));
        return value;
    }
}

// Bytes spanned by `count` records of `record` bytes laid `stride` apart,
// or UINT64_MAX where that overflows (which no buffer holds).
uint64_t span_of(uint64_t count, uint64_t stride, uint64_t record) {
    if (count == 0) return 0;
    if (stride && count - 1 > (UINT64_MAX - record) / stride) return UINT64_MAX;
    return (count - 1) * stride + record;
}

bool is_buffer_descriptor(VkDescriptorType type) {
    return type == VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER || type == VK_DESCRIPTOR_TYPE_STORAGE_BUFFER ||
           type == VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC || type == VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC;
}

bool is_texel_descriptor(VkDescriptorType type) {
    return type == VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER || type == VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER;
}

bool is_image_descriptor(VkDescriptorType type) {
    return type == VK_DESCRIPTOR_TYPE_SAMPLER || type == VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER ||
           type == VK_DESCRIPTOR_TYPE_SAMPLED_IMAGE || type == VK_DESCRIPTOR_TYPE_STORAGE_IMAGE ||
           type == VK_DESCRIPTOR_TYPE_INPUT_ATTACHMENT;
}

}  // namespace

const std::unordered_map<uint32_t, VenusContext::Handler>& VenusContext::bounds_checks() {
    static const std::unordered_map<uint32_t, Handler> table = {
        {idx::vkBindBufferMemory, &VenusContext::check_bind_buffer_memory},
        {idx::vkBindBufferMemory2, &VenusContext::check_bind_buffer_memory2},
        {idx::vkBindImageMemory, &VenusContext::check_bind_image_memory},
        {idx::vkBindImageMemory2, &VenusContext::check_bind_image_memory2},
        {idx::vkUpdateDescriptorSets, &VenusContext::check_update_descriptor_sets},
        {idx::vkCreateBufferView, &VenusContext::check_create_buffer_view},
        {idx::vkCmdCopyBuffer, &VenusContext::check_copy_buffer},
        {idx::vkCmdCopyBuffer2, &VenusContext::check_copy_buffer2},
        {idx::vkCmdFillBuffer, &VenusContext::check_fill_buffer},
        {idx::vkCmdUpdateBuffer, &VenusContext::check_update_buffer},
        {idx::vkCmdBindVertexBuffers, &VenusContext::check_bind_vertex_buffers},
        {idx::vkCmdBindVertexBuffers2, &VenusContext::check_bind_vertex_buffers},
        {idx::vkCmdBindIndexBuffer, &VenusContext::check_bind_index_buffer},
        {idx::vkCmdDrawIndirect, &VenusContext::check_draw_indirect},
        {idx::vkCmdDrawIndexedIndirect, &VenusContext::check_draw_indirect},
        {idx::vkCmdDrawIndirectCount, &VenusContext::check_draw_indirect_count},
        {idx::vkCmdDrawIndexedIndirectCount, &VenusContext::check_draw_indirect_count},
        {idx::vkCmdDispatchIndirect, &VenusContext::check_dispatch_indirect},
        {idx::vkCmdCopyQueryPoolResults, &VenusContext::check_copy_query_pool_results},
        {idx::vkCmdCopyBufferToImage, &VenusContext::check_copy_buffer_to_image},
        {idx::vkCmdCopyImageToBuffer, &VenusContext::check_copy_image_to_buffer},
        {idx::vkCmdCopyBufferToImage2, &VenusContext::check_copy_buffer_to_image2},
        {idx::vkCmdCopyImageToBuffer2, &VenusContext::check_copy_image_to_buffer2},
        {idx::vkCmdCopyImage, &VenusContext::check_copy_image},
        {idx::vkCmdResolveImage, &VenusContext::check_copy_image},
        {idx::vkCmdCopyImage2, &VenusContext::check_copy_image2},
        {idx::vkCmdResolveImage2, &VenusContext::check_resolve_image2},
        {idx::vkCmdBlitImage, &VenusContext::check_blit_image},
        {idx::vkCmdBlitImage2, &VenusContext::check_blit_image2},
        {idx::vkCmdClearColorImage, &VenusContext::check_clear_image},
        {idx::vkCmdClearDepthStencilImage, &VenusContext::check_clear_image},
        {idx::vkCreateImageView, &VenusContext::check_create_image_view},
        {idx::vkCmdWriteTimestamp, &VenusContext::check_one_query},
        {idx::vkCmdWriteTimestamp2, &VenusContext::check_one_query},
        {idx::vkCmdBeginQuery, &VenusContext::check_one_query},
        {idx::vkCmdEndQuery, &VenusContext::check_one_query},
        {idx::vkCmdBeginQueryIndexedEXT, &VenusContext::check_one_query},
        {idx::vkCmdEndQueryIndexedEXT, &VenusContext::check_one_query},
        {idx::vkCmdResetQueryPool, &VenusContext::check_query_range},
        {idx::vkResetQueryPool, &VenusContext::check_query_range},
        {idx::vkGetQueryPoolResults, &VenusContext::check_get_query_pool_results},
    };
    return table;
}

const std::vector<VenusContext::Handler>& VenusContext::bounds_check_table() {
    static const auto table = by_command(bounds_checks());
    return table;
}

Status VenusContext::out_of_bounds(const Call& call, const std::string& reason) {
    return Status::error(fb::ErrorCode::OutOfRange, std::string(call.type.name) + ": " + reason);
}

Status VenusContext::check_range(const Call& call, uint64_t buffer, uint64_t offset, uint64_t size,
                                 std::string_view what) {
    const std::string reason = bounds_.check_range(buffer, offset, size, what);
    return reason.empty() ? Status::ok() : out_of_bounds(call, reason);
}

Status VenusContext::check_buffer_binding(const Call& call, VkDevice device, VkBuffer buffer,
                                          VkDeviceMemory memory, VkDeviceSize offset) {
    auto requirements_of = reinterpret_cast<PFN_vkGetBufferMemoryRequirements>(
        host_function(idx::vkGetBufferMemoryRequirements));
    if (!requirements_of) return out_of_bounds(call, "no vkGetBufferMemoryRequirements on the host");
    VkMemoryRequirements requirements{};
    requirements_of(device, buffer, &requirements);
    const std::string reason = bounds_.check_binding(reinterpret_cast<uint64_t>(memory), offset, requirements.size);
    return reason.empty() ? Status::ok() : out_of_bounds(call, "binding " + reason);
}

Status VenusContext::check_image_binding(const Call& call, VkDevice device, VkImage image,
                                         VkDeviceMemory memory, VkDeviceSize offset, bool whole_image) {
    VkMemoryRequirements requirements{};
    requirements.size = 1;  // a plane or a swapchain's image: at least the offset lies inside
    if (whole_image) {
        auto requirements_of = reinterpret_cast<PFN_vkGetImageMemoryRequirements>(
            host_function(idx::vkGetImageMemoryRequirements));
        if (!requirements_of) return out_of_bounds(call, "no vkGetImageMemoryRequirements on the host");
        requirements_of(device, image, &requirements);
    }
    const std::string reason = bounds_.check_binding(reinterpret_cast<uint64_t>(memory), offset, requirements.size);
    return reason.empty() ? Status::ok() : out_of_bounds(call, "binding " + reason);
}

Status VenusContext::check_bind_buffer_memory(Call& call) {
    return check_buffer_binding(call, slot_as<VkDevice>(call.slots, 0), slot_as<VkBuffer>(call.slots, 1),
                                slot_as<VkDeviceMemory>(call.slots, 2), slot_as<VkDeviceSize>(call.slots, 3));
}

Status VenusContext::check_bind_buffer_memory2(Call& call) {
    const auto count = slot_as<uint32_t>(call.slots, 1);
    const auto* infos = slot_as<const VkBindBufferMemoryInfo*>(call.slots, 2);
    for (uint32_t i = 0; i < count; ++i)
        RS_TRY(check_buffer_binding(call, slot_as<VkDevice>(call.slots, 0), infos[i].buffer, infos[i].memory,
                                    infos[i].memoryOffset));
    return Status::ok();
}

Status VenusContext::check_bind_image_memory(Call& call) {
    return check_image_binding(call, slot_as<VkDevice>(call.slots, 0), slot_as<VkImage>(call.slots, 1),
                               slot_as<VkDeviceMemory>(call.slots, 2), slot_as<VkDeviceSize>(call.slots, 3), true);
}

Status VenusContext::check_bind_image_memory2(Call& call) {
    const auto count = slot_as<uint32_t>(call.slots, 1);
    const auto* infos = slot_as<const VkBindImageMemoryInfo*>(call.slots, 2);
    for (uint32_t i = 0; i < count; ++i) {
        if (!infos[i].memory) continue;  // a swapchain's image, bound by its pNext
        RS_TRY(check_image_binding(call, slot_as<VkDevice>(call.slots, 0), infos[i].image, infos[i].memory,
                                   infos[i].memoryOffset, infos[i].pNext == nullptr));
    }
    return Status::ok();
}

Status VenusContext::check_update_descriptor_sets(Call& call) {
    const auto count = slot_as<uint32_t>(call.slots, 1);
    const auto* writes = slot_as<const VkWriteDescriptorSet*>(call.slots, 2);
    for (uint32_t i = 0; i < count; ++i) {
        const VkWriteDescriptorSet& write = writes[i];
        if (write.descriptorCount == 0) continue;
        RS_TRY(check_reason(call, descriptors_.check_write(write)));
        if (is_buffer_descriptor(write.descriptorType)) {
            if (!write.pBufferInfo) return out_of_bounds(call, "buffer descriptors without pBufferInfo");
            for (uint32_t j = 0; j < write.descriptorCount; ++j) {
                const VkDescriptorBufferInfo& info = write.pBufferInfo[j];
                if (info.buffer)
                    RS_TRY(check_range(call, reinterpret_cast<uint64_t>(info.buffer), info.offset, info.range,
                                       "descriptor buffer range"));
            }
        } else if (is_texel_descriptor(write.descriptorType) && !write.pTexelBufferView) {
            return out_of_bounds(call, "texel buffer descriptors without pTexelBufferView");
        } else if (is_image_descriptor(write.descriptorType) && !write.pImageInfo) {
            return out_of_bounds(call, "image descriptors without pImageInfo");
        }
    }
    const auto copy_count = slot_as<uint32_t>(call.slots, 3);
    const auto* copies = slot_as<const VkCopyDescriptorSet*>(call.slots, 4);
    for (uint32_t i = 0; i < copy_count; ++i)
        if (copies[i].descriptorCount) RS_TRY(check_reason(call, descriptors_.check_copy(copies[i])));
    return Status::ok();
}

Status VenusContext::check_create_buffer_view(Call& call) {
    const auto* info = slot_as<const VkBufferViewCreateInfo*>(call.slots, 1);
    if (!info) return Status::ok();  // refused by the decoder already
    return check_range(call, reinterpret_cast<uint64_t>(info->buffer), info->offset, info->range, "buffer view");
}

Status VenusContext::check_copy_buffer(Call& call) {
    const auto source = call.slots[1], destination = call.slots[2];
    const auto count = slot_as<uint32_t>(call.slots, 3);
    const auto* regions = slot_as<const VkBufferCopy*>(call.slots, 4);
    for (uint32_t i = 0; i < count; ++i) {
        RS_TRY(check_range(call, source, regions[i].srcOffset, regions[i].size, "copy source"));
        RS_TRY(check_range(call, destination, regions[i].dstOffset, regions[i].size, "copy destination"));
    }
    return Status::ok();
}

Status VenusContext::check_copy_buffer2(Call& call) {
    const auto* info = slot_as<const VkCopyBufferInfo2*>(call.slots, 1);
    if (!info) return Status::ok();
    for (uint32_t i = 0; i < info->regionCount; ++i) {
        const VkBufferCopy2& region = info->pRegions[i];
        RS_TRY(check_range(call, reinterpret_cast<uint64_t>(info->srcBuffer), region.srcOffset, region.size,
                           "copy source"));
        RS_TRY(check_range(call, reinterpret_cast<uint64_t>(info->dstBuffer), region.dstOffset, region.size,
                           "copy destination"));
    }
    return Status::ok();
}

Status VenusContext::check_fill_buffer(Call& call) {
    return check_range(call, call.slots[1], call.slots[2], call.slots[3], "fill");
}

Status VenusContext::check_update_buffer(Call& call) {
    return check_range(call, call.slots[1], call.slots[2], call.slots[3], "update");
}

Status VenusContext::check_bind_vertex_buffers(Call& call) {
    // vkCmdBindVertexBuffers and vkCmdBindVertexBuffers2 share their first
    // parameters; the second adds pSizes.
    const auto count = slot_as<uint32_t>(call.slots, 2);
    const auto* buffers = slot_as<const uint64_t*>(call.slots, 3);
    const auto* offsets = slot_as<const VkDeviceSize*>(call.slots, 4);
    const auto* sizes = call.index == idx::vkCmdBindVertexBuffers2 ? slot_as<const VkDeviceSize*>(call.slots, 5)
                                                                   : nullptr;
    if (count && (!buffers || !offsets)) return out_of_bounds(call, "vertex buffers without buffers or offsets");
    for (uint32_t i = 0; i < count; ++i)
        if (buffers[i])
            RS_TRY(check_range(call, buffers[i], offsets[i], sizes ? sizes[i] : VK_WHOLE_SIZE, "vertex buffer"));
    return Status::ok();
}

Status VenusContext::check_bind_index_buffer(Call& call) {
    if (!call.slots[1]) return Status::ok();
    return check_range(call, call.slots[1], call.slots[2], VK_WHOLE_SIZE, "index buffer");
}

Status VenusContext::check_draw_indirect(Call& call) {
    const uint64_t record = call.index == idx::vkCmdDrawIndexedIndirect ? sizeof(VkDrawIndexedIndirectCommand)
                                                                       : sizeof(VkDrawIndirectCommand);
    const auto count = slot_as<uint32_t>(call.slots, 3);
    if (count == 0) return Status::ok();
    return check_range(call, call.slots[1], call.slots[2], span_of(count, slot_as<uint32_t>(call.slots, 4), record),
                       "indirect draws");
}

Status VenusContext::check_draw_indirect_count(Call& call) {
    const uint64_t record = call.index == idx::vkCmdDrawIndexedIndirectCount
                                ? sizeof(VkDrawIndexedIndirectCommand)
                                : sizeof(VkDrawIndirectCommand);
    RS_TRY(check_range(call, call.slots[3], call.slots[4], sizeof(uint32_t), "indirect draw count"));
    const auto most = slot_as<uint32_t>(call.slots, 5);
    if (most == 0) return Status::ok();
    return check_range(call, call.slots[1], call.slots[2], span_of(most, slot_as<uint32_t>(call.slots, 6), record),
                       "indirect draws");
}

Status VenusContext::check_dispatch_indirect(Call& call) {
    return check_range(call, call.slots[1], call.slots[2], sizeof(VkDispatchIndirectCommand), "indirect dispatch");
}

// Bytes one query's results take at least: a value (and its availability);
// pipeline statistics queries write one value per statistic.
uint64_t VenusContext::query_record_bytes(VkQueryResultFlags flags) {
    const uint64_t value = (flags & VK_QUERY_RESULT_64_BIT) ? 8 : 4;
    return value * ((flags & VK_QUERY_RESULT_WITH_AVAILABILITY_BIT) ? 2 : 1);
}

Status VenusContext::check_one_query(Call& call) {
    // The pool and query follow the command buffer, or the command buffer
    // and a stage (vkCmdWriteTimestamp, vkCmdWriteTimestamp2).
    const bool after_stage = call.index == idx::vkCmdWriteTimestamp || call.index == idx::vkCmdWriteTimestamp2;
    const int pool = after_stage ? 2 : 1;
    return check_reason(call, bounds_.check_queries(call.slots[pool], slot_as<uint32_t>(call.slots, pool + 1), 1,
                                                    "query"));
}

Status VenusContext::check_query_range(Call& call) {
    return check_reason(call, bounds_.check_queries(call.slots[1], slot_as<uint32_t>(call.slots, 2),
                                                    slot_as<uint32_t>(call.slots, 3), "queries"));
}

Status VenusContext::check_get_query_pool_results(Call& call) {
    RS_TRY(check_query_range(call));
    // The results land in memory the server sized from dataSize.
    const auto count = slot_as<uint32_t>(call.slots, 3);
    const uint64_t needed = span_of(count, call.slots[6], query_record_bytes(slot_as<VkQueryResultFlags>(call.slots, 7)));
    if (needed > call.slots[4])
        return out_of_bounds(call, std::to_string(count) + " results need " + std::to_string(needed) +
                                       " bytes, dataSize is " + std::to_string(call.slots[4]));
    return Status::ok();
}

Status VenusContext::check_copy_query_pool_results(Call& call) {
    RS_TRY(check_query_range(call));
    const auto count = slot_as<uint32_t>(call.slots, 3);
    const auto flags = slot_as<VkQueryResultFlags>(call.slots, 7);
    if (count == 0) return Status::ok();
    return check_range(call, call.slots[4], call.slots[5], span_of(count, call.slots[6], query_record_bytes(flags)),
                       "query results");
}

namespace {

VkBufferImageCopy as_region(const VkBufferImageCopy2& region) {
    return {region.bufferOffset, region.bufferRowLength, region.bufferImageHeight, region.imageSubresource,
            region.imageOffset, region.imageExtent};
}

// A copy's extent as the destination sees it, where the two formats' blocks
// differ (a compressed image copied to an uncompressed one and back).
VkExtent3D destination_extent(const ResourceBounds& bounds, uint64_t source, uint64_t destination,
                              VkExtent3D extent) {
    const auto* from = bounds.image_shape(source);
    const auto* to = bounds.image_shape(destination);
    const FormatBlock* a = from ? format_block(from->format) : nullptr;
    const FormatBlock* b = to ? format_block(to->format) : nullptr;
    if (!a || !b) return extent;
    auto scale = [](uint32_t size, uint32_t from_block, uint32_t to_block) {
        return static_cast<uint32_t>((uint64_t{size} * to_block + from_block - 1) / from_block);
    };
    return {scale(extent.width, a->width, b->width), scale(extent.height, a->height, b->height),
            scale(extent.depth, a->depth, b->depth)};
}

// The box between a blit's two corners, which may come in either order.
void corners_to_box(const VkOffset3D corners[2], VkOffset3D& offset, VkExtent3D& extent) {
    offset = {std::min(corners[0].x, corners[1].x), std::min(corners[0].y, corners[1].y),
              std::min(corners[0].z, corners[1].z)};
    extent = {static_cast<uint32_t>(std::max(corners[0].x, corners[1].x) - int64_t{offset.x}),
              static_cast<uint32_t>(std::max(corners[0].y, corners[1].y) - int64_t{offset.y}),
              static_cast<uint32_t>(std::max(corners[0].z, corners[1].z) - int64_t{offset.z})};
}

}  // namespace

Status VenusContext::check_reason(const Call& call, const std::string& reason) {
    return reason.empty() ? Status::ok() : out_of_bounds(call, reason);
}

Status VenusContext::check_buffer_image_regions(const Call& call, uint64_t buffer, uint64_t image, uint32_t count,
                                                const VkBufferImageCopy* regions, const VkBufferImageCopy2* regions2) {
    for (uint32_t i = 0; i < count; ++i)
        RS_TRY(check_reason(call, bounds_.check_buffer_image_copy(buffer, image,
                                                                  regions ? regions[i] : as_region(regions2[i]),
                                                                  "buffer/image copy")));
    return Status::ok();
}

Status VenusContext::check_copy_buffer_to_image(Call& call) {
    return check_buffer_image_regions(call, call.slots[1], call.slots[2], slot_as<uint32_t>(call.slots, 4),
                                      slot_as<const VkBufferImageCopy*>(call.slots, 5), nullptr);
}

Status VenusContext::check_copy_image_to_buffer(Call& call) {
    return check_buffer_image_regions(call, call.slots[3], call.slots[1], slot_as<uint32_t>(call.slots, 4),
                                      slot_as<const VkBufferImageCopy*>(call.slots, 5), nullptr);
}

Status VenusContext::check_copy_buffer_to_image2(Call& call) {
    const auto* info = slot_as<const VkCopyBufferToImageInfo2*>(call.slots, 1);
    if (!info) return Status::ok();
    return check_buffer_image_regions(call, reinterpret_cast<uint64_t>(info->srcBuffer),
                                      reinterpret_cast<uint64_t>(info->dstImage), info->regionCount, nullptr,
                                      info->pRegions);
}

Status VenusContext::check_copy_image_to_buffer2(Call& call) {
    const auto* info = slot_as<const VkCopyImageToBufferInfo2*>(call.slots, 1);
    if (!info) return Status::ok();
    return check_buffer_image_regions(call, reinterpret_cast<uint64_t>(info->dstBuffer),
                                      reinterpret_cast<uint64_t>(info->srcImage), info->regionCount, nullptr,
                                      info->pRegions);
}

Status VenusContext::check_image_pair(const Call& call, uint64_t source, uint64_t destination,
                                      const VkImageSubresourceLayers& source_layers, VkOffset3D source_offset,
                                      const VkImageSubresourceLayers& destination_layers,
                                      VkOffset3D destination_offset, VkExtent3D extent) {
    RS_TRY(check_reason(call, bounds_.check_image_box(source, source_layers, source_offset, extent, "copy source")));
    return check_reason(call, bounds_.check_image_box(destination, destination_layers, destination_offset,
                                                      destination_extent(bounds_, source, destination, extent),
                                                      "copy destination"));
}

Status VenusContext::check_copy_image(Call& call) {
    // vkCmdCopyImage and vkCmdResolveImage: VkImageCopy and VkImageResolve
    // have the same members.
    static_assert(sizeof(VkImageCopy) == sizeof(VkImageResolve));
    const auto count = slot_as<uint32_t>(call.slots, 5);
    const auto* regions = slot_as<const VkImageCopy*>(call.slots, 6);
    for (uint32_t i = 0; i < count; ++i)
        RS_TRY(check_image_pair(call, call.slots[1], call.slots[3], regions[i].srcSubresource, regions[i].srcOffset,
                                regions[i].dstSubresource, regions[i].dstOffset, regions[i].extent));
    return Status::ok();
}

// vkCmdCopyImage2 and vkCmdResolveImage2: their infos and regions have the
// same members.
template <typename Info>
Status VenusContext::check_image_pairs(const Call& call, const Info* info) {
    if (!info) return Status::ok();
    for (uint32_t i = 0; i < info->regionCount; ++i) {
        const auto& region = info->pRegions[i];
        RS_TRY(check_image_pair(call, reinterpret_cast<uint64_t>(info->srcImage),
                                reinterpret_cast<uint64_t>(info->dstImage), region.srcSubresource, region.srcOffset,
                                region.dstSubresource, region.dstOffset, region.extent));
    }
    return Status::ok();
}

Status VenusContext::check_copy_image2(Call& call) {
    return check_image_pairs(call, slot_as<const VkCopyImageInfo2*>(call.slots, 1));
}

Status VenusContext::check_resolve_image2(Call& call) {
    return check_image_pairs(call, slot_as<const VkResolveImageInfo2*>(call.slots, 1));
}

Status VenusContext::check_blit(const Call& call, uint64_t source, uint64_t destination,
                                const VkImageSubresourceLayers& source_layers, const VkOffset3D source_corners[2],
                                const VkImageSubresourceLayers& destination_layers,
                                const VkOffset3D destination_corners[2]) {
    VkOffset3D offset;
    VkExtent3D extent;
    corners_to_box(source_corners, offset, extent);
    RS_TRY(check_reason(call, bounds_.check_image_box(source, source_layers, offset, extent, "blit source")));
    corners_to_box(destination_corners, offset, extent);
    return check_reason(call, bounds_.check_image_box(destination, destination_layers, offset, extent,
                                                      "blit destination"));
}

Status VenusContext::check_blit_image(Call& call) {
    const auto count = slot_as<uint32_t>(call.slots, 5);
    const auto* regions = slot_as<const VkImageBlit*>(call.slots, 6);
    for (uint32_t i = 0; i < count; ++i)
        RS_TRY(check_blit(call, call.slots[1], call.slots[3], regions[i].srcSubresource, regions[i].srcOffsets,
                          regions[i].dstSubresource, regions[i].dstOffsets));
    return Status::ok();
}

Status VenusContext::check_blit_image2(Call& call) {
    const auto* info = slot_as<const VkBlitImageInfo2*>(call.slots, 1);
    if (!info) return Status::ok();
    for (uint32_t i = 0; i < info->regionCount; ++i)
        RS_TRY(check_blit(call, reinterpret_cast<uint64_t>(info->srcImage), reinterpret_cast<uint64_t>(info->dstImage),
                          info->pRegions[i].srcSubresource, info->pRegions[i].srcOffsets,
                          info->pRegions[i].dstSubresource, info->pRegions[i].dstOffsets));
    return Status::ok();
}

Status VenusContext::check_clear_image(Call& call) {
    // vkCmdClearColorImage and vkCmdClearDepthStencilImage share the layout.
    const auto count = slot_as<uint32_t>(call.slots, 4);
    const auto* ranges = slot_as<const VkImageSubresourceRange*>(call.slots, 5);
    for (uint32_t i = 0; i < count; ++i)
        RS_TRY(check_reason(call, bounds_.check_image_range(call.slots[1], ranges[i], "clear")));
    return Status::ok();
}

Status VenusContext::check_create_image_view(Call& call) {
    const auto* info = slot_as<const VkImageViewCreateInfo*>(call.slots, 1);
    if (!info) return Status::ok();
    return check_reason(call, bounds_.check_image_range(reinterpret_cast<uint64_t>(info->image),
                                                        info->subresourceRange, "image view"));
}

// After the host created, bound or destroyed something: what the checks
// above compare with. `decoded` are the parameters as decoded (handlers may
// point slots at their own copies).
void VenusContext::track_resources(const Call& call, const uint64_t* decoded) {
    switch (call.index) {
        case idx::vkCreateBuffer:
            if (const auto* info = slot_as<const VkBufferCreateInfo*>(decoded, 1); info && !call.created.empty())
                bounds_.buffer_created(decoded[0], *call.created[0].host_slot, info->size);
            break;
        case idx::vkDestroyBuffer: bounds_.buffer_destroyed(decoded[1]); break;
        case idx::vkAllocateMemory:
            if (const auto* info = slot_as<const VkMemoryAllocateInfo*>(decoded, 1); info && !call.created.empty())
                bounds_.memory_allocated(decoded[0], *call.created[0].host_slot, info->allocationSize);
            break;
        case idx::vkFreeMemory: bounds_.memory_freed(decoded[1]); break;
        case idx::vkBindBufferMemory: bounds_.buffer_bound(decoded[1], decoded[2]); break;
        case idx::vkBindBufferMemory2: {
            const auto count = slot_as<uint32_t>(decoded, 1);
            const auto* infos = slot_as<const VkBindBufferMemoryInfo*>(decoded, 2);
            for (uint32_t i = 0; i < count; ++i)
                bounds_.buffer_bound(reinterpret_cast<uint64_t>(infos[i].buffer),
                                     reinterpret_cast<uint64_t>(infos[i].memory));
            break;
        }
        case idx::vkCreateImage:
            if (const auto* info = slot_as<const VkImageCreateInfo*>(decoded, 1); info && !call.created.empty())
                bounds_.image_created(decoded[0], *call.created[0].host_slot,
                                      {info->imageType, info->format, info->extent, info->mipLevels,
                                       info->arrayLayers});
            break;
        case idx::vkDestroyImage: bounds_.image_destroyed(decoded[1]); break;
        case idx::vkCreateQueryPool:
            if (const auto* info = slot_as<const VkQueryPoolCreateInfo*>(decoded, 1); info && !call.created.empty())
                bounds_.query_pool_created(decoded[0], *call.created[0].host_slot, info->queryCount);
            break;
        case idx::vkDestroyQueryPool: bounds_.query_pool_destroyed(decoded[1]); break;
        case idx::vkCreateDescriptorSetLayout:
            if (const auto* info = slot_as<const VkDescriptorSetLayoutCreateInfo*>(decoded, 1); info && !call.created.empty())
                descriptors_.layout_created(decoded[0], *call.created[0].host_slot, *info);
            break;
        case idx::vkDestroyDescriptorSetLayout: descriptors_.layout_destroyed(decoded[1]); break;
        case idx::vkCreatePipelineLayout:
            if (const auto* info = slot_as<const VkPipelineLayoutCreateInfo*>(decoded, 1); info && !call.created.empty())
                descriptors_.pipeline_layout_created(decoded[0], *call.created[0].host_slot, *info);
            break;
        case idx::vkDestroyPipelineLayout: descriptors_.pipeline_layout_destroyed(decoded[1]); break;
        case idx::vkDestroyShaderModule: module_slots_.erase(decoded[1]); break;
        case idx::vkAllocateDescriptorSets:
            if (const auto* info = slot_as<const VkDescriptorSetAllocateInfo*>(decoded, 1); info && decoded[2])
                descriptors_.sets_allocated(decoded[0], *info, slot_as<const uint64_t*>(decoded, 2));
            break;
        case idx::vkFreeDescriptorSets:
            if (decoded[3]) descriptors_.sets_freed(slot_as<uint32_t>(decoded, 2), slot_as<const uint64_t*>(decoded, 3));
            break;
        case idx::vkBindImageMemory: bounds_.image_bound(decoded[1], decoded[2]); break;
        case idx::vkBindImageMemory2: {
            const auto count = slot_as<uint32_t>(decoded, 1);
            const auto* infos = slot_as<const VkBindImageMemoryInfo*>(decoded, 2);
            for (uint32_t i = 0; i < count; ++i)
                bounds_.image_bound(reinterpret_cast<uint64_t>(infos[i].image),
                                    reinterpret_cast<uint64_t>(infos[i].memory));
            break;
        }
        case idx::vkDestroyDevice:
            bounds_.device_destroyed(decoded[0]);
            descriptors_.device_destroyed(decoded[0]);
            break;
        default: break;
    }
}

bool VenusContext::tracks_resources(uint32_t index) {
    return index == idx::vkCreateBuffer || index == idx::vkDestroyBuffer || index == idx::vkAllocateMemory ||
           index == idx::vkFreeMemory || index == idx::vkBindBufferMemory || index == idx::vkBindBufferMemory2 ||
           index == idx::vkDestroyDevice || index == idx::vkCreateImage || index == idx::vkDestroyImage ||
           index == idx::vkBindImageMemory || index == idx::vkBindImageMemory2 || index == idx::vkCreateQueryPool ||
           index == idx::vkDestroyQueryPool || index == idx::vkCreateDescriptorSetLayout ||
           index == idx::vkDestroyDescriptorSetLayout || index == idx::vkAllocateDescriptorSets ||
           index == idx::vkFreeDescriptorSets || index == idx::vkCreatePipelineLayout ||
           index == idx::vkDestroyPipelineLayout || index == idx::vkDestroyShaderModule;
}

}  // namespace rendersock::server::venus
