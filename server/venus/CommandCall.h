#pragma once
// The generated call stubs (server/venus/generated/VkCommandCalls.cpp): one
// per forwarded command, indexed like the command table.

#include <vulkan/vulkan.h>

#include <cstdint>

namespace rendersock::server::venus {

using CommandCall = void (*)(PFN_vkVoidFunction function, uint64_t* args, uint64_t* result);
extern const CommandCall kCommandCalls[];

}  // namespace rendersock::server::venus
