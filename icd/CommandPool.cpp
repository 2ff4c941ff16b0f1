// Command buffers are dispatchable: the ICD owns their objects and frees
// them with vkFreeCommandBuffers or with their pool.
#include "icd/Dispatch.h"
#include "icd/Invoke.h"
#include "icd/Objects.h"
#include "wire/venus/generated/VkIndices.h"

namespace rendersock::icd {

namespace vv = wire::venus;

namespace {

uint64_t slot(const void* pointer) { return reinterpret_cast<uint64_t>(pointer); }

}  // namespace

VKAPI_ATTR VkResult VKAPI_CALL AllocateCommandBuffers(VkDevice handle,
                                                      const VkCommandBufferAllocateInfo* info,
                                                      VkCommandBuffer* out) {
    auto& device = *object_of<Device>(reinterpret_cast<uint64_t>(handle));
    Instance& instance = *device.instance;
    std::vector<CommandBuffer*> created;
    for (uint32_t i = 0; i < info->commandBufferCount; ++i) {
        created.push_back(new CommandBuffer(instance.allocate_id(), &instance, info->level));
        out[i] = reinterpret_cast<VkCommandBuffer>(created.back());
    }
    uint64_t slots[3] = {slot(handle), slot(info), slot(out)};
    invoke_prepared(instance, vv::index::vkAllocateCommandBuffers, slots, false);
    std::lock_guard lock(device.mutex);
    auto& owned = device.command_buffers[reinterpret_cast<uint64_t>(info->commandPool)];
    owned.insert(owned.end(), created.begin(), created.end());
    return VK_SUCCESS;
}

VKAPI_ATTR void VKAPI_CALL FreeCommandBuffers(VkDevice handle, VkCommandPool pool, uint32_t count,
                                              const VkCommandBuffer* buffers) {
    auto& device = *object_of<Device>(reinterpret_cast<uint64_t>(handle));
    uint64_t slots[4] = {slot(handle), reinterpret_cast<uint64_t>(pool), count, slot(buffers)};
    invoke(vv::index::vkFreeCommandBuffers, slots, false);
    std::lock_guard lock(device.mutex);
    auto& owned = device.command_buffers[reinterpret_cast<uint64_t>(pool)];
    for (uint32_t i = 0; i < count; ++i) {
        if (!buffers[i]) continue;
        auto* buffer = reinterpret_cast<CommandBuffer*>(buffers[i]);
        std::erase(owned, buffer);
        delete buffer;
    }
}

VKAPI_ATTR void VKAPI_CALL DestroyCommandPool(VkDevice handle, VkCommandPool pool,
                                              const VkAllocationCallbacks*) {
    if (!pool) return;
    auto& device = *object_of<Device>(reinterpret_cast<uint64_t>(handle));
    uint64_t slots[3] = {slot(handle), reinterpret_cast<uint64_t>(pool), 0};
    invoke(vv::index::vkDestroyCommandPool, slots, false);
    std::lock_guard lock(device.mutex);
    auto it = device.command_buffers.find(reinterpret_cast<uint64_t>(pool));
    if (it == device.command_buffers.end()) return;
    for (CommandBuffer* buffer : it->second) delete buffer;
    device.command_buffers.erase(it);
}

VKAPI_ATTR VkResult VKAPI_CALL BeginCommandBuffer(VkCommandBuffer handle, const VkCommandBufferBeginInfo* info) {
    // A primary command buffer ignores its inheritance info, which may hold
    // anything; it is not sent.
    auto* buffer = object_of<CommandBuffer>(reinterpret_cast<uint64_t>(handle));
    VkCommandBufferBeginInfo clean = *info;
    if (buffer->level == VK_COMMAND_BUFFER_LEVEL_PRIMARY) clean.pInheritanceInfo = nullptr;
    uint64_t slots[2] = {slot(handle), slot(&clean)};
    return static_cast<VkResult>(invoke(vv::index::vkBeginCommandBuffer, slots, false));
}

}  // namespace rendersock::icd
