#pragma once
// The bindings of each descriptor set, from its layout, so that an update
// or copy naming a binding the layout lacks, a different descriptor type,
// or array elements past the binding (and the consecutive bindings an
// update may run on into) is refused: the host writes into the set's
// storage at the place those numbers give. Keyed by host handles, as
// ResourceBounds.

#include <vulkan/vulkan.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "server/venus/ShaderResources.h"

namespace rendersock::server::venus {

class DescriptorLayouts {
public:
    void layout_created(uint64_t device, uint64_t layout, const VkDescriptorSetLayoutCreateInfo& info);
    void layout_destroyed(uint64_t layout);
    // `sets`: the host handles vkAllocateDescriptorSets returned.
    void sets_allocated(uint64_t device, const VkDescriptorSetAllocateInfo& info, const uint64_t* sets);
    void sets_freed(uint32_t count, const uint64_t* sets);
    void device_destroyed(uint64_t device);

    void pipeline_layout_created(uint64_t device, uint64_t layout, const VkPipelineLayoutCreateInfo& info);
    void pipeline_layout_destroyed(uint64_t layout);

    // Empty when allowed, else the reason.
    std::string check_write(const VkWriteDescriptorSet& write) const;
    // Every slot a shader uses is in the pipeline layout (unknown layouts
    // and modules are not judged: the host's own checks see those).
    std::string check_slots(uint64_t pipeline_layout, const std::vector<DescriptorSlot>& slots) const;
    std::string check_copy(const VkCopyDescriptorSet& copy) const;

private:
    struct Binding {
        uint32_t binding;
        VkDescriptorType type;
        uint32_t count;  // descriptors; bytes for inline uniform blocks
    };
    using Bindings = std::vector<Binding>;  // by binding number
    struct Layout {
        uint64_t device;
        std::shared_ptr<const Bindings> bindings;
    };
    struct Set {
        uint64_t device;
        std::shared_ptr<const Bindings> bindings;  // a set outlives its layout object
    };
    // Elements [element, element + count) from `binding` on, running into
    // the following bindings as updates may; `type` must match each.
    static std::string check_elements(const Bindings& bindings, uint32_t binding, uint32_t element, uint32_t count,
                                      const VkDescriptorType* type);
    const Set* find_set(uint64_t set) const;

    struct PipelineLayout {
        uint64_t device;
        std::vector<uint64_t> set_layouts;
    };
    std::unordered_map<uint64_t, Layout> layouts_;
    std::unordered_map<uint64_t, PipelineLayout> pipeline_layouts_;
    std::unordered_map<uint64_t, Set> sets_;
};

}  // namespace rendersock::server::venus
