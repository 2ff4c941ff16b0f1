#pragma once
// The descriptor slots (set, binding) a SPIR-V module's code uses, read once
// when the module is created, so that a pipeline whose layout lacks one is
// refused: lavapipe's compiler looks the slot up in the layout by these
// numbers (fuzz_control: a valid module decorated with set 33 554 432).

#include <cstddef>
#include <cstdint>
#include <vector>

namespace rendersock::server::venus {

struct DescriptorSlot {
    uint32_t set;
    uint32_t binding;
};

// Resource variables (uniform, storage, sampler and image ones) with both
// decorations that some instruction inside a function names. `code` is
// valid SPIR-V (validated before).
std::vector<DescriptorSlot> used_descriptor_slots(const uint32_t* code, size_t words);

}  // namespace rendersock::server::venus
