// Members the spec says are ignored under some condition may hold anything,
// a dangling pointer included. These filters give the encoder a copy with
// such members cleared, for every command and chain the structure appears in.
#include <vulkan/vulkan.h>

#include <cstring>
#include <mutex>

#include "icd/IgnoredFields.h"
#include "wire/venus/StructFilter.h"
#include "wire/venus/generated/VkIndices.h"

namespace rendersock::icd {

namespace vv = wire::venus;
namespace idx = wire::venus::index;

namespace {

template <typename T>
T* copy_into(const std::byte* value, std::byte* scratch) {
    static_assert(sizeof(T) <= vv::kMaxFilteredStruct);
    std::memcpy(scratch, value, sizeof(T));
    return reinterpret_cast<T*>(scratch);
}

const std::byte* binding(const std::byte* value, std::byte* scratch) {
    const auto* in = reinterpret_cast<const VkDescriptorSetLayoutBinding*>(value);
    if (in->descriptorType == VK_DESCRIPTOR_TYPE_SAMPLER ||
        in->descriptorType == VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER || !in->pImmutableSamplers)
        return value;
    copy_into<VkDescriptorSetLayoutBinding>(value, scratch)->pImmutableSamplers = nullptr;
    return scratch;
}

template <typename T>
const std::byte* exclusive_sharing(const std::byte* value, std::byte* scratch) {
    const auto* in = reinterpret_cast<const T*>(value);
    if (in->sharingMode == VK_SHARING_MODE_CONCURRENT || !in->queueFamilyIndexCount) return value;
    T* out = copy_into<T>(value, scratch);
    out->queueFamilyIndexCount = 0;
    out->pQueueFamilyIndices = nullptr;
    return scratch;
}

bool has_dynamic_state(const VkPipelineDynamicStateCreateInfo* dynamic, VkDynamicState state) {
    if (!dynamic) return false;
    for (uint32_t i = 0; i < dynamic->dynamicStateCount; ++i)
        if (dynamic->pDynamicStates[i] == state) return true;
    return false;
}

const std::byte* graphics_pipeline(const std::byte* value, std::byte* scratch) {
    auto* out = copy_into<VkGraphicsPipelineCreateInfo>(value, scratch);
    bool tessellation = false;
    for (uint32_t i = 0; i < out->stageCount; ++i)
        tessellation |= (out->pStages[i].stage & (VK_SHADER_STAGE_TESSELLATION_CONTROL_BIT |
                                                   VK_SHADER_STAGE_TESSELLATION_EVALUATION_BIT)) != 0;
    if (!tessellation) out->pTessellationState = nullptr;
    const bool discard = out->pRasterizationState && out->pRasterizationState->rasterizerDiscardEnable &&
                         !has_dynamic_state(out->pDynamicState, VK_DYNAMIC_STATE_RASTERIZER_DISCARD_ENABLE);
    if (discard) {
        out->pViewportState = nullptr;
        out->pMultisampleState = nullptr;
        out->pDepthStencilState = nullptr;
        out->pColorBlendState = nullptr;
    }
    if (!(out->flags & VK_PIPELINE_CREATE_DERIVATIVE_BIT)) out->basePipelineHandle = VK_NULL_HANDLE;
    return scratch;
}

const std::byte* compute_pipeline(const std::byte* value, std::byte* scratch) {
    auto* out = copy_into<VkComputePipelineCreateInfo>(value, scratch);
    if (!(out->flags & VK_PIPELINE_CREATE_DERIVATIVE_BIT)) out->basePipelineHandle = VK_NULL_HANDLE;
    return scratch;
}

const std::byte* descriptor_write(const std::byte* value, std::byte* scratch) {
    auto* out = copy_into<VkWriteDescriptorSet>(value, scratch);
    const VkDescriptorType type = out->descriptorType;
    const bool image = type == VK_DESCRIPTOR_TYPE_SAMPLER || type == VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER ||
                       type == VK_DESCRIPTOR_TYPE_SAMPLED_IMAGE || type == VK_DESCRIPTOR_TYPE_STORAGE_IMAGE ||
                       type == VK_DESCRIPTOR_TYPE_INPUT_ATTACHMENT;
    const bool buffer = type == VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER || type == VK_DESCRIPTOR_TYPE_STORAGE_BUFFER ||
                        type == VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC ||
                        type == VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC;
    const bool texel = type == VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER || type == VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER;
    if (!image) out->pImageInfo = nullptr;
    if (!buffer) out->pBufferInfo = nullptr;
    if (!texel) out->pTexelBufferView = nullptr;
    return scratch;
}

}  // namespace

void install_ignored_field_filters() {
    static std::once_flag once;
    std::call_once(once, [] {
        vv::set_struct_filter(idx::VkDescriptorSetLayoutBinding, binding);
        vv::set_struct_filter(idx::VkBufferCreateInfo, exclusive_sharing<VkBufferCreateInfo>);
        vv::set_struct_filter(idx::VkImageCreateInfo, exclusive_sharing<VkImageCreateInfo>);
        vv::set_struct_filter(idx::VkGraphicsPipelineCreateInfo, graphics_pipeline);
        vv::set_struct_filter(idx::VkComputePipelineCreateInfo, compute_pipeline);
        vv::set_struct_filter(idx::VkWriteDescriptorSet, descriptor_write);
    });
}

}  // namespace rendersock::icd
