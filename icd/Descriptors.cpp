// Descriptor update templates: the template's layout of the application's
// data only exists in this process, so the ICD keeps the entries and turns
// each templated update into ordinary descriptor writes.
#include <cstring>
#include <vector>

#include "icd/Dispatch.h"
#include "icd/Invoke.h"
#include "icd/Objects.h"
#include "wire/venus/generated/VkIndices.h"

namespace rendersock::icd {

namespace vv = wire::venus;

namespace {

uint64_t slot(const void* pointer) { return reinterpret_cast<uint64_t>(pointer); }

bool is_image_type(VkDescriptorType type) {
    return type == VK_DESCRIPTOR_TYPE_SAMPLER || type == VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER ||
           type == VK_DESCRIPTOR_TYPE_SAMPLED_IMAGE || type == VK_DESCRIPTOR_TYPE_STORAGE_IMAGE ||
           type == VK_DESCRIPTOR_TYPE_INPUT_ATTACHMENT;
}

bool is_buffer_type(VkDescriptorType type) {
    return type == VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER || type == VK_DESCRIPTOR_TYPE_STORAGE_BUFFER ||
           type == VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC ||
           type == VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC;
}

// Storage for the writes built from one templated update.
struct Writes {
    std::vector<VkWriteDescriptorSet> writes;
    std::vector<std::vector<VkDescriptorImageInfo>> images;
    std::vector<std::vector<VkDescriptorBufferInfo>> buffers;
    std::vector<std::vector<VkBufferView>> views;
    std::vector<VkWriteDescriptorSetInlineUniformBlock> inline_blocks;
};

void build_writes(const std::vector<VkDescriptorUpdateTemplateEntry>& entries, VkDescriptorSet set,
                  const void* data, Writes& out) {
    const auto* bytes = static_cast<const std::byte*>(data);
    out.inline_blocks.reserve(entries.size());
    for (const auto& entry : entries) {
        if (entry.descriptorCount == 0) continue;
        VkWriteDescriptorSet write{VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
        write.dstSet = set;
        write.dstBinding = entry.dstBinding;
        write.dstArrayElement = entry.dstArrayElement;
        write.descriptorCount = entry.descriptorCount;
        write.descriptorType = entry.descriptorType;
        const std::byte* first = bytes + entry.offset;
        if (entry.descriptorType == VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK) {
            // descriptorCount is a byte count here; the data is contiguous.
            out.inline_blocks.push_back({VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET_INLINE_UNIFORM_BLOCK,
                                         nullptr, entry.descriptorCount, first});
            write.pNext = &out.inline_blocks.back();
        } else if (is_image_type(entry.descriptorType)) {
            auto& infos = out.images.emplace_back(entry.descriptorCount);
            for (uint32_t i = 0; i < entry.descriptorCount; ++i)
                std::memcpy(&infos[i], first + i * entry.stride, sizeof(VkDescriptorImageInfo));
            write.pImageInfo = infos.data();
        } else if (is_buffer_type(entry.descriptorType)) {
            auto& infos = out.buffers.emplace_back(entry.descriptorCount);
            for (uint32_t i = 0; i < entry.descriptorCount; ++i)
                std::memcpy(&infos[i], first + i * entry.stride, sizeof(VkDescriptorBufferInfo));
            write.pBufferInfo = infos.data();
        } else {
            auto& views = out.views.emplace_back(entry.descriptorCount);
            for (uint32_t i = 0; i < entry.descriptorCount; ++i)
                std::memcpy(&views[i], first + i * entry.stride, sizeof(VkBufferView));
            write.pTexelBufferView = views.data();
        }
        out.writes.push_back(write);
    }
}

}  // namespace

VKAPI_ATTR VkResult VKAPI_CALL CreateDescriptorUpdateTemplate(
    VkDevice handle, const VkDescriptorUpdateTemplateCreateInfo* info, const VkAllocationCallbacks*,
    VkDescriptorUpdateTemplate* out) {
    auto& device = *object_of<Device>(reinterpret_cast<uint64_t>(handle));
    uint64_t slots[4] = {slot(handle), slot(info), 0, slot(out)};
    const auto result = static_cast<VkResult>(invoke(vv::index::vkCreateDescriptorUpdateTemplate, slots, false));
    if (result != VK_SUCCESS) return result;
    std::lock_guard lock(device.mutex);
    device.templates[reinterpret_cast<uint64_t>(*out)].assign(
        info->pDescriptorUpdateEntries, info->pDescriptorUpdateEntries + info->descriptorUpdateEntryCount);
    return VK_SUCCESS;
}

VKAPI_ATTR void VKAPI_CALL DestroyDescriptorUpdateTemplate(VkDevice handle,
                                                           VkDescriptorUpdateTemplate update_template,
                                                           const VkAllocationCallbacks*) {
    if (!update_template) return;
    auto& device = *object_of<Device>(reinterpret_cast<uint64_t>(handle));
    uint64_t slots[3] = {slot(handle), reinterpret_cast<uint64_t>(update_template), 0};
    invoke(vv::index::vkDestroyDescriptorUpdateTemplate, slots, false);
    std::lock_guard lock(device.mutex);
    device.templates.erase(reinterpret_cast<uint64_t>(update_template));
}

VKAPI_ATTR void VKAPI_CALL UpdateDescriptorSetWithTemplate(VkDevice handle, VkDescriptorSet set,
                                                           VkDescriptorUpdateTemplate update_template,
                                                           const void* data) {
    auto& device = *object_of<Device>(reinterpret_cast<uint64_t>(handle));
    Writes writes;
    {
        std::lock_guard lock(device.mutex);
        auto it = device.templates.find(reinterpret_cast<uint64_t>(update_template));
        if (it == device.templates.end()) return;
        build_writes(it->second, set, data, writes);
    }
    uint64_t slots[5] = {slot(handle), writes.writes.size(), slot(writes.writes.data()), 0, 0};
    invoke(vv::index::vkUpdateDescriptorSets, slots, false);
}

}  // namespace rendersock::icd
