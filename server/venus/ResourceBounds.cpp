#include "server/venus/ResourceBounds.h"

#include <vulkan/vulkan_core.h>

namespace rendersock::server::venus {

void ResourceBounds::memory_allocated(uint64_t device, uint64_t memory, uint64_t size) {
    memories_[memory] = Memory{device, size, next_generation_++};
}

void ResourceBounds::memory_freed(uint64_t memory) {
    memories_.erase(memory);
}

void ResourceBounds::buffer_created(uint64_t device, uint64_t buffer, uint64_t size) {
    buffers_[buffer] = Buffer{device, size};
}

void ResourceBounds::buffer_destroyed(uint64_t buffer) {
    buffers_.erase(buffer);
}

void ResourceBounds::device_destroyed(uint64_t device) {
    std::erase_if(memories_, [&](const auto& entry) { return entry.second.device == device; });
    std::erase_if(buffers_, [&](const auto& entry) { return entry.second.device == device; });
}

std::string ResourceBounds::check_binding(uint64_t memory, uint64_t offset, uint64_t required) const {
    auto it = memories_.find(memory);
    if (it == memories_.end()) return "memory the server did not see allocated";
    const uint64_t size = it->second.size;
    if (offset > size || required > size - offset)
        return std::to_string(required) + " bytes at offset " + std::to_string(offset) +
               " of an allocation of " + std::to_string(size);
    return {};
}

void ResourceBounds::buffer_bound(uint64_t buffer, uint64_t memory) {
    auto buffer_it = buffers_.find(buffer);
    auto memory_it = memories_.find(memory);
    if (buffer_it == buffers_.end() || memory_it == memories_.end()) return;
    buffer_it->second.memory = memory;
    buffer_it->second.memory_generation = memory_it->second.generation;
}

std::string ResourceBounds::check_range(uint64_t buffer, uint64_t offset, uint64_t size,
                                        std::string_view what) const {
    auto it = buffers_.find(buffer);
    if (it == buffers_.end()) return std::string(what) + ": a buffer the server did not see created";
    const Buffer& entry = it->second;
    auto memory = memories_.find(entry.memory);
    if (entry.memory == 0 || memory == memories_.end() || memory->second.generation != entry.memory_generation)
        return std::string(what) + ": the buffer has no live memory bound";
    if (offset >= entry.size)
        return std::string(what) + ": offset " + std::to_string(offset) + " is outside a buffer of " +
               std::to_string(entry.size) + " bytes";
    if (size != VK_WHOLE_SIZE && size > entry.size - offset)
        return std::string(what) + ": " + std::to_string(size) + " bytes at offset " + std::to_string(offset) +
               " overrun a buffer of " + std::to_string(entry.size) + " bytes";
    return {};
}

}  // namespace rendersock::server::venus
