#pragma once
// Raw Venus command streams for tests and fuzz seeds that must say exactly
// what goes on the wire: one command per stream, handles that are their own
// ids (the client names created objects), replies asked for as the ICD does.

#include <vulkan/vulkan.h>

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "tests/vulkan/ImageInfo.h"
#include "wire/venus/Codec.h"
#include "wire/venus/Encoder.h"

namespace rendersock::testing {

inline uint64_t ptr(const void* pointer) { return reinterpret_cast<uint64_t>(pointer); }

template <typename Handle>
Handle handle(uint64_t id) {
    if constexpr (std::is_pointer_v<Handle>)
        return reinterpret_cast<Handle>(id);
    else
        return static_cast<Handle>(id);
}

struct IdentityHandleIds final : wire::venus::HandleIds {
    uint64_t id_of(uint16_t, uint64_t native) override { return native; }
};

inline constexpr uint32_t kWantsReply = wire::venus::kCommandWantsReply;

// Encodes one command per call into `commands`.
class VenusScript {
public:
    template <typename... Args>
    void operator()(const char* name, uint32_t flags, Args... args) {
        const int index = wire::venus::command_index(name);
        if (index < 0) return;  // not in this registry's tables
        uint64_t slots[] = {uint64_t(args)..., 0};
        std::vector<std::byte> out;
        wire::venus::Encoder encoder(out, ids_);
        encoder.command(static_cast<uint32_t>(index), flags, slots);
        commands.push_back(std::move(out));
    }
    std::vector<std::vector<std::byte>> commands;

private:
    IdentityHandleIds ids_;
};

// vkCreateInstance (Vulkan 1.3) naming the instance `instance_id`.
inline std::vector<std::byte> create_instance_stream(uint64_t instance_id = 1) {
    VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
    app.pApplicationName = "rendersock-test";
    app.pEngineName = "rendersock";
    app.apiVersion = VK_API_VERSION_1_3;
    VkInstanceCreateInfo info{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
    info.pApplicationInfo = &app;
    VkInstance instance = handle<VkInstance>(instance_id);
    VenusScript script;
    script("vkCreateInstance", kWantsReply, ptr(&info), 0, ptr(&instance));
    return script.commands.front();
}

// After create_instance_stream(instance): the first physical device as
// `physical`, a device with one queue as `device`.
inline void create_device(VenusScript& s, uint64_t instance, uint64_t physical, uint64_t device) {
    uint32_t count = 1;
    VkPhysicalDevice physical_out = handle<VkPhysicalDevice>(physical);
    s("vkEnumeratePhysicalDevices", kWantsReply, instance, ptr(&count), ptr(&physical_out));
    float priority = 1.0f;
    VkDeviceQueueCreateInfo queue_info{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
    queue_info.queueCount = 1;
    queue_info.pQueuePriorities = &priority;
    VkDeviceCreateInfo device_info{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
    device_info.queueCreateInfoCount = 1;
    device_info.pQueueCreateInfos = &queue_info;
    VkDevice device_out = handle<VkDevice>(device);
    s("vkCreateDevice", kWantsReply, physical, ptr(&device_info), 0, ptr(&device_out));
}

}  // namespace rendersock::testing
