// Descriptor updates and copies against the set's layout: bindings that
// exist, matching types, elements inside the binding or the consecutive
// bindings an update runs on into, variable-count sets.
#include <doctest/doctest.h>

#include <string>

#include "server/venus/DescriptorLayouts.h"

using rendersock::server::venus::DescriptorLayouts;

namespace {

constexpr uint64_t kDevice = 1, kLayout = 2, kSet = 3, kOtherSet = 4;

// Bindings 0 and 1: uniform buffers (2 and 3), binding 3: one sampler.
DescriptorLayouts with_one_set(const void* allocate_chain = nullptr) {
    DescriptorLayouts layouts;
    const VkDescriptorSetLayoutBinding bindings[3] = {
        {3, VK_DESCRIPTOR_TYPE_SAMPLER, 1, VK_SHADER_STAGE_ALL, nullptr},
        {0, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, 2, VK_SHADER_STAGE_ALL, nullptr},
        {1, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, 3, VK_SHADER_STAGE_ALL, nullptr},
    };
    VkDescriptorSetLayoutCreateInfo info{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
    info.bindingCount = 3;
    info.pBindings = bindings;
    layouts.layout_created(kDevice, kLayout, info);
    const auto layout = reinterpret_cast<VkDescriptorSetLayout>(kLayout);
    const VkDescriptorSetLayout set_layouts[2] = {layout, layout};
    VkDescriptorSetAllocateInfo allocate{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
    allocate.pNext = allocate_chain;
    allocate.descriptorSetCount = 2;
    allocate.pSetLayouts = set_layouts;
    const uint64_t sets[2] = {kSet, kOtherSet};
    layouts.sets_allocated(kDevice, allocate, sets);
    return layouts;
}

VkWriteDescriptorSet update(uint32_t binding, uint32_t element, uint32_t count,
                           VkDescriptorType type = VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, uint64_t set = kSet) {
    VkWriteDescriptorSet result{VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
    result.dstSet = reinterpret_cast<VkDescriptorSet>(set);
    result.dstBinding = binding;
    result.dstArrayElement = element;
    result.descriptorCount = count;
    result.descriptorType = type;
    return result;
}

}  // namespace

TEST_CASE("descriptor updates stay inside the set's layout") {
    const DescriptorLayouts layouts = with_one_set();
    CHECK(layouts.check_write(update(0, 0, 2)).empty());
    CHECK(layouts.check_write(update(1, 2, 1)).empty());
    CHECK(layouts.check_write(update(0, 1, 4)).empty());  // runs on into binding 1, as updates may
    CHECK(layouts.check_write(update(3, 0, 1, VK_DESCRIPTOR_TYPE_SAMPLER)).empty());
    CHECK(layouts.check_write(update(2, 0, 1)).find("binding 2 is not in the set's layout") != std::string::npos);
    CHECK(layouts.check_write(update(0, 3, 1)).find("element 3 of binding 0, which has 2") != std::string::npos);
    CHECK(layouts.check_write(update(0, 0, 6)).find("descriptor type") != std::string::npos);  // into the sampler
    CHECK(layouts.check_write(update(3, 0, 2, VK_DESCRIPTOR_TYPE_SAMPLER)).find("run past") != std::string::npos);
    CHECK(layouts.check_write(update(0, 0, 1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER)).find("descriptor type") !=
          std::string::npos);
    CHECK(layouts.check_write(update(0, 0, 1, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, 99)).find("did not see") !=
          std::string::npos);
}

TEST_CASE("descriptor copies stay inside both sets; freed sets are unknown") {
    DescriptorLayouts layouts = with_one_set();
    VkCopyDescriptorSet copy{VK_STRUCTURE_TYPE_COPY_DESCRIPTOR_SET};
    copy.srcSet = reinterpret_cast<VkDescriptorSet>(kSet);
    copy.dstSet = reinterpret_cast<VkDescriptorSet>(kOtherSet);
    copy.srcBinding = 1;
    copy.dstBinding = 1;
    copy.descriptorCount = 3;
    CHECK(layouts.check_copy(copy).empty());
    copy.dstArrayElement = 1;  // runs on into the sampler binding
    CHECK(layouts.check_copy(copy).find("descriptor type") != std::string::npos);
    copy.srcBinding = 3;
    copy.dstBinding = 3;
    copy.dstArrayElement = 0;
    copy.descriptorCount = 2;
    CHECK(layouts.check_copy(copy).find("run past") != std::string::npos);
    copy.srcBinding = 1;
    copy.dstBinding = 1;
    copy.descriptorCount = 3;
    const uint64_t freed[1] = {kOtherSet};
    layouts.sets_freed(1, freed);
    copy.dstArrayElement = 0;
    CHECK(layouts.check_copy(copy).find("did not see") != std::string::npos);
}

TEST_CASE("a variable-count set has only the descriptors it asked for in its last binding") {
    const uint32_t counts[2] = {1, 1};
    VkDescriptorSetVariableDescriptorCountAllocateInfo variable{
        VK_STRUCTURE_TYPE_DESCRIPTOR_SET_VARIABLE_DESCRIPTOR_COUNT_ALLOCATE_INFO};
    variable.descriptorSetCount = 2;
    variable.pDescriptorCounts = counts;
    const DescriptorLayouts layouts = with_one_set(&variable);
    CHECK(layouts.check_write(update(3, 0, 1, VK_DESCRIPTOR_TYPE_SAMPLER)).empty());
    const uint32_t none[2] = {0, 0};
    variable.pDescriptorCounts = none;
    const DescriptorLayouts empty_last = with_one_set(&variable);
    CHECK(empty_last.check_write(update(3, 0, 1, VK_DESCRIPTOR_TYPE_SAMPLER)).find("run past") != std::string::npos);
}
