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

// Fields the spec says to ignore may hold anything (a layer's wrapped
// handle, a stale pointer): they are cleared before anything reads them.
void sanitize_write(VkWriteDescriptorSet& write) {
    const VkDescriptorType type = write.descriptorType;
    if (!is_image_type(type)) write.pImageInfo = nullptr;
    if (!is_buffer_type(type)) write.pBufferInfo = nullptr;
    if (type != VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER && type != VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER)
        write.pTexelBufferView = nullptr;
}

std::vector<VkDescriptorImageInfo> sanitized_images(const VkWriteDescriptorSet& write) {
    std::vector<VkDescriptorImageInfo> images(write.pImageInfo, write.pImageInfo + write.descriptorCount);
    for (auto& image : images) {
        if (write.descriptorType != VK_DESCRIPTOR_TYPE_SAMPLER &&
            write.descriptorType != VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER)
            image.sampler = VK_NULL_HANDLE;
        if (write.descriptorType == VK_DESCRIPTOR_TYPE_SAMPLER) image.imageView = VK_NULL_HANDLE;
    }
    return images;
}

}  // namespace

VKAPI_ATTR void VKAPI_CALL UpdateDescriptorSets(VkDevice handle, uint32_t write_count,
                                                const VkWriteDescriptorSet* writes, uint32_t copy_count,
                                                const VkCopyDescriptorSet* copies) {
    std::vector<VkWriteDescriptorSet> clean(writes, writes + write_count);
    std::vector<std::vector<VkDescriptorImageInfo>> images;
    images.reserve(write_count);
    for (auto& write : clean) {
        sanitize_write(write);
        if (write.pImageInfo) write.pImageInfo = images.emplace_back(sanitized_images(write)).data();
    }
    uint64_t slots[5] = {slot(handle), write_count, slot(clean.data()), copy_count, slot(copies)};
    invoke(vv::index::vkUpdateDescriptorSets, slots, false);
}

VKAPI_ATTR VkResult VKAPI_CALL CreateDescriptorUpdateTemplate(
    VkDevice handle, const VkDescriptorUpdateTemplateCreateInfo* requested, const VkAllocationCallbacks*,
    VkDescriptorUpdateTemplate* out) {
    auto& device = *object_of<Device>(reinterpret_cast<uint64_t>(handle));
    VkDescriptorUpdateTemplateCreateInfo clean = *requested;
    if (clean.templateType == VK_DESCRIPTOR_UPDATE_TEMPLATE_TYPE_DESCRIPTOR_SET)
        clean.pipelineLayout = VK_NULL_HANDLE;  // ignored for this type
    else
        clean.descriptorSetLayout = VK_NULL_HANDLE;
    const VkDescriptorUpdateTemplateCreateInfo* info = &clean;
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
    UpdateDescriptorSets(handle, static_cast<uint32_t>(writes.writes.size()), writes.writes.data(), 0, nullptr);
}

}  // namespace rendersock::icd
