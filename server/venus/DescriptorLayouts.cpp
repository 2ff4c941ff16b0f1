#include "server/venus/DescriptorLayouts.h"

#include <algorithm>

namespace rendersock::server::venus {

namespace {

const VkDescriptorSetVariableDescriptorCountAllocateInfo* variable_counts(const void* chain) {
    for (auto* node = static_cast<const VkBaseInStructure*>(chain); node; node = node->pNext)
        if (node->sType == VK_STRUCTURE_TYPE_DESCRIPTOR_SET_VARIABLE_DESCRIPTOR_COUNT_ALLOCATE_INFO)
            return reinterpret_cast<const VkDescriptorSetVariableDescriptorCountAllocateInfo*>(node);
    return nullptr;
}

}  // namespace

void DescriptorLayouts::layout_created(uint64_t device, uint64_t layout, const VkDescriptorSetLayoutCreateInfo& info) {
    auto bindings = std::make_shared<Bindings>();
    for (uint32_t i = 0; i < info.bindingCount; ++i)
        bindings->push_back({info.pBindings[i].binding, info.pBindings[i].descriptorType,
                             info.pBindings[i].descriptorCount});
    std::sort(bindings->begin(), bindings->end(),
              [](const Binding& a, const Binding& b) { return a.binding < b.binding; });
    layouts_[layout] = Layout{device, std::move(bindings)};
}

void DescriptorLayouts::layout_destroyed(uint64_t layout) {
    layouts_.erase(layout);
}

void DescriptorLayouts::pipeline_layout_created(uint64_t device, uint64_t layout,
                                                const VkPipelineLayoutCreateInfo& info) {
    PipelineLayout entry{device, {}};
    for (uint32_t i = 0; i < info.setLayoutCount; ++i)
        entry.set_layouts.push_back(reinterpret_cast<uint64_t>(info.pSetLayouts[i]));
    pipeline_layouts_[layout] = std::move(entry);
}

void DescriptorLayouts::pipeline_layout_destroyed(uint64_t layout) {
    pipeline_layouts_.erase(layout);
}

std::string DescriptorLayouts::check_slots(uint64_t pipeline_layout, const std::vector<DescriptorSlot>& slots) const {
    auto it = pipeline_layouts_.find(pipeline_layout);
    if (it == pipeline_layouts_.end()) return {};
    const std::vector<uint64_t>& sets = it->second.set_layouts;
    for (const DescriptorSlot& slot : slots) {
        if (slot.set >= sets.size())
            return "the shader uses descriptor set " + std::to_string(slot.set) + ", the pipeline layout has " +
                   std::to_string(sets.size());
        auto layout = layouts_.find(sets[slot.set]);
        if (layout == layouts_.end()) continue;  // a null or unseen set layout: the host judges
        const Bindings& bindings = *layout->second.bindings;
        if (std::none_of(bindings.begin(), bindings.end(), [&](const Binding& b) { return b.binding == slot.binding; }))
            return "the shader uses binding " + std::to_string(slot.binding) + " of set " + std::to_string(slot.set) +
                   ", which its layout lacks";
    }
    return {};
}

void DescriptorLayouts::sets_allocated(uint64_t device, const VkDescriptorSetAllocateInfo& info,
                                       const uint64_t* sets) {
    const auto* variable = variable_counts(info.pNext);
    for (uint32_t i = 0; i < info.descriptorSetCount; ++i) {
        auto layout = layouts_.find(reinterpret_cast<uint64_t>(info.pSetLayouts[i]));
        if (layout == layouts_.end()) continue;  // checks then refuse the set as unknown
        std::shared_ptr<const Bindings> bindings = layout->second.bindings;
        if (variable && i < variable->descriptorSetCount && !bindings->empty()) {
            // The variable-sized binding is the last one; this set has only
            // as many of it as it asked for.
            auto own = std::make_shared<Bindings>(*bindings);
            own->back().count = std::min(own->back().count, variable->pDescriptorCounts[i]);
            bindings = std::move(own);
        }
        sets_[sets[i]] = Set{device, std::move(bindings)};
    }
}

void DescriptorLayouts::sets_freed(uint32_t count, const uint64_t* sets) {
    for (uint32_t i = 0; i < count; ++i) sets_.erase(sets[i]);
}

void DescriptorLayouts::device_destroyed(uint64_t device) {
    std::erase_if(layouts_, [&](const auto& entry) { return entry.second.device == device; });
    std::erase_if(sets_, [&](const auto& entry) { return entry.second.device == device; });
    std::erase_if(pipeline_layouts_, [&](const auto& entry) { return entry.second.device == device; });
}

const DescriptorLayouts::Set* DescriptorLayouts::find_set(uint64_t set) const {
    auto it = sets_.find(set);
    return it == sets_.end() ? nullptr : &it->second;
}

std::string DescriptorLayouts::check_elements(const Bindings& bindings, uint32_t binding, uint32_t element,
                                              uint32_t count, const VkDescriptorType* type) {
    auto it = std::find_if(bindings.begin(), bindings.end(), [&](const Binding& b) { return b.binding == binding; });
    if (it == bindings.end()) return "binding " + std::to_string(binding) + " is not in the set's layout";
    if (element > it->count)
        return "element " + std::to_string(element) + " of binding " + std::to_string(binding) + ", which has " +
               std::to_string(it->count);
    uint64_t left = count;
    uint64_t room = it->count - element;
    for (;;) {
        if (type && it->type != *type && it->type != VK_DESCRIPTOR_TYPE_MUTABLE_EXT)
            return "descriptor type " + std::to_string(*type) + " for binding " + std::to_string(it->binding) +
                   " of type " + std::to_string(it->type);
        if (left <= room) return {};
        left -= room;
        // Updates run on into the next binding with descriptors.
        do ++it;
        while (it != bindings.end() && it->count == 0);
        if (it == bindings.end())
            return std::to_string(count) + " descriptors from element " + std::to_string(element) + " of binding " +
                   std::to_string(binding) + " run past the set's layout";
        room = it->count;
    }
}

std::string DescriptorLayouts::check_write(const VkWriteDescriptorSet& write) const {
    const Set* set = find_set(reinterpret_cast<uint64_t>(write.dstSet));
    if (!set) return "a descriptor set the server did not see allocated";
    std::string reason = check_elements(*set->bindings, write.dstBinding, write.dstArrayElement,
                                        write.descriptorCount, &write.descriptorType);
    return reason.empty() ? reason : "update: " + reason;
}

std::string DescriptorLayouts::check_copy(const VkCopyDescriptorSet& copy) const {
    const Set* source = find_set(reinterpret_cast<uint64_t>(copy.srcSet));
    const Set* destination = find_set(reinterpret_cast<uint64_t>(copy.dstSet));
    if (!source || !destination) return "a descriptor set the server did not see allocated";
    // Both sides, and the bindings a copy runs on into, hold the type of
    // the source binding.
    const VkDescriptorType* type = nullptr;
    for (const Binding& binding : *source->bindings)
        if (binding.binding == copy.srcBinding) type = &binding.type;
    std::string reason = check_elements(*source->bindings, copy.srcBinding, copy.srcArrayElement,
                                        copy.descriptorCount, type);
    if (reason.empty())
        reason = check_elements(*destination->bindings, copy.dstBinding, copy.dstArrayElement, copy.descriptorCount,
                                type);
    return reason.empty() ? reason : "copy: " + reason;
}

}  // namespace rendersock::server::venus
