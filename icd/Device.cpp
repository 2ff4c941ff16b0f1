// Logical devices and their queues: the dispatchable objects are ours, the
// host objects the server's.
#include "icd/Dispatch.h"
#include "icd/Invoke.h"
#include "icd/Objects.h"
#include "wire/venus/generated/VkIndices.h"

namespace rendersock::icd {

namespace vv = wire::venus;

namespace {

uint64_t slot(const void* pointer) { return reinterpret_cast<uint64_t>(pointer); }

}  // namespace

VKAPI_ATTR VkResult VKAPI_CALL CreateDevice(VkPhysicalDevice physical, const VkDeviceCreateInfo* info,
                                            const VkAllocationCallbacks*, VkDevice* out) {
    auto* parent = object_of<PhysicalDevice>(reinterpret_cast<uint64_t>(physical));
    Instance& instance = *parent->instance;
    auto* device = new Device(instance.allocate_id(), &instance, parent);
    *out = reinterpret_cast<VkDevice>(device);
    uint64_t slots[4] = {reinterpret_cast<uint64_t>(physical), slot(info), 0, slot(out)};
    const auto result = static_cast<VkResult>(
        invoke_prepared(instance, vv::index::vkCreateDevice, slots, true));
    if (result != VK_SUCCESS) {
        delete device;
        *out = VK_NULL_HANDLE;
    }
    return result;
}

VKAPI_ATTR void VKAPI_CALL DestroyDevice(VkDevice handle, const VkAllocationCallbacks*) {
    if (!handle) return;
    auto* device = object_of<Device>(reinterpret_cast<uint64_t>(handle));
    uint64_t slots[2] = {reinterpret_cast<uint64_t>(handle), 0};
    invoke(vv::index::vkDestroyDevice, slots, false);
    device->instance->stream().flush();
    for (auto& [key, queue] : device->queues) delete queue;
    for (auto& [pool, buffers] : device->command_buffers)
        for (CommandBuffer* buffer : buffers) delete buffer;
    delete device;
}

// The same queue is returned for the same family and index, as the spec asks.
static Queue* queue_for(Device& device, uint32_t family, uint32_t index, uint32_t command,
                        uint64_t* slots, uint16_t out_param) {
    std::lock_guard lock(device.mutex);
    auto& queue = device.queues[{family, index}];
    if (queue) return queue;
    queue = new Queue(device.instance->allocate_id(), device.instance, family);
    auto* out = reinterpret_cast<VkQueue*>(slots[out_param]);
    *out = reinterpret_cast<VkQueue>(queue);
    invoke_prepared(*device.instance, command, slots, false);
    return queue;
}

VKAPI_ATTR void VKAPI_CALL GetDeviceQueue(VkDevice handle, uint32_t family, uint32_t index, VkQueue* out) {
    auto& device = *object_of<Device>(reinterpret_cast<uint64_t>(handle));
    uint64_t slots[4] = {reinterpret_cast<uint64_t>(handle), family, index, slot(out)};
    *out = reinterpret_cast<VkQueue>(queue_for(device, family, index, vv::index::vkGetDeviceQueue, slots, 3));
}

VKAPI_ATTR void VKAPI_CALL GetDeviceQueue2(VkDevice handle, const VkDeviceQueueInfo2* info, VkQueue* out) {
    auto& device = *object_of<Device>(reinterpret_cast<uint64_t>(handle));
    uint64_t slots[3] = {reinterpret_cast<uint64_t>(handle), slot(info), slot(out)};
    *out = reinterpret_cast<VkQueue>(
        queue_for(device, info->queueFamilyIndex, info->queueIndex, vv::index::vkGetDeviceQueue2, slots, 2));
}

}  // namespace rendersock::icd
