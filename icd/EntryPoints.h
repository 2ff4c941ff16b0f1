#pragma once
// The ICD's entry points by name: the generated ones (one per forwarded
// command and alias) and the hand-written ones, which take precedence.

#include <vulkan/vulkan.h>

#include <cstddef>

namespace rendersock::icd {

enum class Level { Global, Instance, PhysicalDevice, Device };

struct EntryPoint {
    const char* name;
    PFN_vkVoidFunction function;
    Level level;
};

extern const EntryPoint kGeneratedEntryPoints[];
extern const size_t kGeneratedEntryPointCount;

// Looks a name up, hand-written entries first; nullptr if we have none.
const EntryPoint* find_entry_point(const char* name);

}  // namespace rendersock::icd
