// Device memory. Host-visible memory is a blob: on a Unix socket the
// client's mapping and the server's imported host memory are the same pages
// (zero copy, truly coherent); over TCP the mapping is a mirror kept in step
// at the API's synchronisation points.
#include <cstring>

#include "icd/Dispatch.h"
#include "icd/Invoke.h"
#include "icd/Objects.h"
#include "wire/Log.h"
#include "wire/venus/PrivateCommands.h"
#include "wire/venus/generated/VkIndices.h"

namespace rendersock::icd {

namespace vv = wire::venus;

namespace {

constexpr uint64_t kBlobGranularity = 4096;

uint64_t slot(const void* pointer) { return reinterpret_cast<uint64_t>(pointer); }

const VkPhysicalDeviceMemoryProperties& memory_properties(PhysicalDevice& device) {
    std::lock_guard lock(device.mutex);
    if (!device.have_memory_properties) {
        uint64_t slots[2] = {slot(&device), slot(&device.memory_properties)};
        invoke(vv::index::vkGetPhysicalDeviceMemoryProperties, slots, true);
        device.have_memory_properties = true;
    }
    return device.memory_properties;
}

Memory* find_memory(Instance& instance, VkDeviceMemory handle) {
    std::lock_guard lock(instance.memory_mutex);
    auto it = instance.memories.find(reinterpret_cast<uint64_t>(handle));
    return it == instance.memories.end() ? nullptr : it->second.get();
}

}  // namespace

VKAPI_ATTR VkResult VKAPI_CALL AllocateMemory(VkDevice handle, const VkMemoryAllocateInfo* info,
                                              const VkAllocationCallbacks*, VkDeviceMemory* out) {
    auto& device = *object_of<Device>(reinterpret_cast<uint64_t>(handle));
    Instance& instance = *device.instance;
    const auto& properties = memory_properties(*device.physical_device);
    if (info->memoryTypeIndex >= properties.memoryTypeCount) return VK_ERROR_OUT_OF_DEVICE_MEMORY;
    const bool host_visible = properties.memoryTypes[info->memoryTypeIndex].propertyFlags &
                              VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT;
    auto memory = std::make_unique<Memory>();
    memory->size = info->allocationSize;
    const uint64_t id = instance.allocate_id();
    *out = reinterpret_cast<VkDeviceMemory>(id);
    uint64_t slots[4] = {slot(handle), slot(info), 0, slot(out)};
    std::vector<std::byte> reply;
    try {
        if (!host_visible) {
            reply = instance.stream().submit(vv::index::vkAllocateMemory, slots, true);
        } else {
            const uint64_t size =
                std::max<uint64_t>((info->allocationSize + kBlobGranularity - 1) & ~(kBlobGranularity - 1),
                                   kBlobGranularity);
            memory->blob = std::make_unique<client::Blob>(
                instance.context(), size, static_cast<uint32_t>(client::fb::BlobFlags::Mappable));
            const vv::ImportBlob import{memory->blob->id(), 0};
            reply = instance.stream().submit_after(vv::kPrivateImportBlob,
                                                   std::as_bytes(std::span(&import, 1)),
                                                   vv::index::vkAllocateMemory, slots, true);
        }
    } catch (const client::RemoteError& e) {
        RS_WARN("vkAllocateMemory of %llu bytes: %s",
                static_cast<unsigned long long>(info->allocationSize), e.what());
        *out = VK_NULL_HANDLE;
        return e.code() == client::fb::ErrorCode::LimitExceeded ? VK_ERROR_OUT_OF_DEVICE_MEMORY
                                                                : VK_ERROR_DEVICE_LOST;
    } catch (const std::exception& e) {
        RS_ERROR("vkAllocateMemory: %s", e.what());
        *out = VK_NULL_HANDLE;
        return VK_ERROR_DEVICE_LOST;
    }
    const auto result = static_cast<VkResult>(finish_call(vv::index::vkAllocateMemory, slots, reply));
    if (result != VK_SUCCESS) {
        *out = VK_NULL_HANDLE;
        return result;
    }
    std::lock_guard lock(instance.memory_mutex);
    instance.memories[id] = std::move(memory);
    return VK_SUCCESS;
}

VKAPI_ATTR void VKAPI_CALL FreeMemory(VkDevice handle, VkDeviceMemory memory_handle,
                                      const VkAllocationCallbacks*) {
    if (!memory_handle) return;
    auto& device = *object_of<Device>(reinterpret_cast<uint64_t>(handle));
    Instance& instance = *device.instance;
    uint64_t slots[3] = {slot(handle), reinterpret_cast<uint64_t>(memory_handle), 0};
    invoke(vv::index::vkFreeMemory, slots, false);
    // The server frees the memory before it sees the blob go.
    instance.stream().flush();
    std::lock_guard lock(instance.memory_mutex);
    instance.memories.erase(reinterpret_cast<uint64_t>(memory_handle));
}

VKAPI_ATTR VkResult VKAPI_CALL MapMemory(VkDevice handle, VkDeviceMemory memory_handle,
                                         VkDeviceSize offset, VkDeviceSize, VkMemoryMapFlags,
                                         void** data) {
    auto& device = *object_of<Device>(reinterpret_cast<uint64_t>(handle));
    Memory* memory = find_memory(*device.instance, memory_handle);
    if (!memory || !memory->blob) return VK_ERROR_MEMORY_MAP_FAILED;
    if (!memory->blob->is_shared()) memory->blob->invalidate(0, memory->blob->size());
    memory->mapped = true;
    *data = memory->blob->data() + offset;
    return VK_SUCCESS;
}

VKAPI_ATTR void VKAPI_CALL UnmapMemory(VkDevice handle, VkDeviceMemory memory_handle) {
    auto& device = *object_of<Device>(reinterpret_cast<uint64_t>(handle));
    Memory* memory = find_memory(*device.instance, memory_handle);
    if (!memory || !memory->blob) return;
    if (!memory->blob->is_shared()) memory->blob->flush(0, memory->blob->size());
    memory->mapped = false;
}

static VkResult sync_ranges(VkDevice handle, uint32_t count, const VkMappedMemoryRange* ranges,
                            bool to_host) {
    auto& device = *object_of<Device>(reinterpret_cast<uint64_t>(handle));
    try {
        for (uint32_t i = 0; i < count; ++i) {
            Memory* memory = find_memory(*device.instance, ranges[i].memory);
            if (!memory || !memory->blob || memory->blob->is_shared()) continue;
            const uint64_t size = ranges[i].size == VK_WHOLE_SIZE ? memory->blob->size() - ranges[i].offset
                                                                  : ranges[i].size;
            if (to_host)
                memory->blob->flush(ranges[i].offset, size);
            else
                memory->blob->invalidate(ranges[i].offset, size);
        }
    } catch (const std::exception& e) {
        RS_ERROR("mapped memory range: %s", e.what());
        return VK_ERROR_DEVICE_LOST;
    }
    return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL FlushMappedMemoryRanges(VkDevice device, uint32_t count,
                                                       const VkMappedMemoryRange* ranges) {
    return sync_ranges(device, count, ranges, true);
}

VKAPI_ATTR VkResult VKAPI_CALL InvalidateMappedMemoryRanges(VkDevice device, uint32_t count,
                                                            const VkMappedMemoryRange* ranges) {
    return sync_ranges(device, count, ranges, false);
}

void Instance::flush_mirrors() {
    std::lock_guard lock(memory_mutex);
    for (auto& [memory_id, memory] : memories)
        if (memory->mapped && memory->blob && !memory->blob->is_shared())
            memory->blob->flush(0, memory->blob->size());
}

void Instance::invalidate_mirrors() {
    std::lock_guard lock(memory_mutex);
    for (auto& [memory_id, memory] : memories)
        if (memory->mapped && memory->blob && !memory->blob->is_shared())
            memory->blob->invalidate(0, memory->blob->size());
}

}  // namespace rendersock::icd
