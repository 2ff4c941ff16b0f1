#pragma once
// The one path every generated entry point takes: allocate ids (and
// dispatchable objects) for the handles the command creates, encode it,
// and for commands that return data wait for the answer and write the
// outputs into the application's memory.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace rendersock::icd {

// Returns the command's return value (a VkResult, uint32_t or uint64_t in
// the low bits); for streamed commands VK_SUCCESS.
uint64_t invoke(uint32_t command_index, uint64_t* slots, bool sync);

class Instance;
// The same for hand-written entry points that made the created objects
// themselves (instance, physical and logical devices, queues).
uint64_t invoke_prepared(Instance& instance, uint32_t command_index, uint64_t* slots, bool sync);

// Decodes a sync answer (header, result, outputs) into the application's memory.
uint64_t finish_call(uint32_t command_index, uint64_t* slots, const std::vector<std::byte>& reply);

}  // namespace rendersock::icd
