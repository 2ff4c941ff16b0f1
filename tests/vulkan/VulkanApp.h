#pragma once
// A small helper shared by the Vulkan test programs: they are ordinary
// Vulkan applications (they know nothing of rendersock) that run the same
// way natively and through the ICD.

#include <vulkan/vulkan.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "ImageInfo.h"

#define VK_CHECK(call)                                                              \
    do {                                                                            \
        VkResult result_ = (call);                                                  \
        if (result_ != VK_SUCCESS) {                                                \
            std::fprintf(stderr, "%s:%d: %s failed: %d\n", __FILE__, __LINE__, #call, \
                         static_cast<int>(result_));                                \
            std::exit(1);                                                           \
        }                                                                           \
    } while (0)

// Shared by every test app here (VulkanApp, api/ApiSupport.h's Context).
namespace vk_helpers {

inline uint32_t memory_type(const VkPhysicalDeviceMemoryProperties& memory, uint32_t bits,
                            VkMemoryPropertyFlags flags) {
    for (uint32_t i = 0; i < memory.memoryTypeCount; ++i)
        if ((bits & (1u << i)) && (memory.memoryTypes[i].propertyFlags & flags) == flags) return i;
    std::fprintf(stderr, "no memory type for flags 0x%x\n", flags);
    std::exit(1);
}

inline VkDeviceMemory allocate(VkDevice device, const VkPhysicalDeviceMemoryProperties& memory,
                               VkMemoryRequirements requirements, VkMemoryPropertyFlags flags) {
    VkMemoryAllocateInfo info{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
    info.allocationSize = requirements.size;
    info.memoryTypeIndex = memory_type(memory, requirements.memoryTypeBits, flags);
    VkDeviceMemory result;
    VK_CHECK(vkAllocateMemory(device, &info, nullptr, &result));
    return result;
}

inline VkShaderModule shader(VkDevice device, const char* path) {
    std::ifstream in(path, std::ios::binary);
    std::vector<char> code((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (code.empty() || code.size() % 4) {
        std::fprintf(stderr, "cannot read SPIR-V from %s\n", path);
        std::exit(1);
    }
    VkShaderModuleCreateInfo info{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
    info.codeSize = code.size();
    info.pCode = reinterpret_cast<const uint32_t*>(code.data());
    VkShaderModule module;
    VK_CHECK(vkCreateShaderModule(device, &info, nullptr, &module));
    return module;
}

inline VkCommandPool command_pool(VkDevice device, uint32_t queue_family) {
    VkCommandPoolCreateInfo info{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
    info.queueFamilyIndex = queue_family;
    info.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
    VkCommandPool pool;
    VK_CHECK(vkCreateCommandPool(device, &info, nullptr, &pool));
    return pool;
}

}  // namespace vk_helpers

struct VulkanApp {
    VkInstance instance = VK_NULL_HANDLE;
    VkPhysicalDevice physical_device = VK_NULL_HANDLE;
    VkDevice device = VK_NULL_HANDLE;
    VkQueue queue = VK_NULL_HANDLE;
    uint32_t queue_family = 0;
    VkPhysicalDeviceMemoryProperties memory{};

    explicit VulkanApp(const char* name, VkQueueFlags needs) {
        VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
        app.pApplicationName = name;
        app.apiVersion = VK_API_VERSION_1_3;
        VkInstanceCreateInfo info{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
        info.pApplicationInfo = &app;
        VK_CHECK(vkCreateInstance(&info, nullptr, &instance));
        uint32_t count = 1;
        VkResult result = vkEnumeratePhysicalDevices(instance, &count, &physical_device);
        if ((result != VK_SUCCESS && result != VK_INCOMPLETE) || count == 0) {
            std::fprintf(stderr, "no Vulkan device\n");
            std::exit(1);
        }
        VkPhysicalDeviceProperties properties;
        vkGetPhysicalDeviceProperties(physical_device, &properties);
        std::printf("device: %s\n", properties.deviceName);
        vkGetPhysicalDeviceMemoryProperties(physical_device, &memory);
        uint32_t families = 0;
        vkGetPhysicalDeviceQueueFamilyProperties(physical_device, &families, nullptr);
        std::vector<VkQueueFamilyProperties> family_properties(families);
        vkGetPhysicalDeviceQueueFamilyProperties(physical_device, &families, family_properties.data());
        for (queue_family = 0; queue_family < families; ++queue_family)
            if ((family_properties[queue_family].queueFlags & needs) == needs) break;
        const float priority = 1.0f;
        VkDeviceQueueCreateInfo queue_info{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
        queue_info.queueFamilyIndex = queue_family;
        queue_info.queueCount = 1;
        queue_info.pQueuePriorities = &priority;
        VkPhysicalDeviceVulkan13Features features13{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES};
        features13.dynamicRendering = VK_TRUE;
        features13.synchronization2 = VK_TRUE;
        VkDeviceCreateInfo device_info{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
        device_info.pNext = &features13;
        device_info.queueCreateInfoCount = 1;
        device_info.pQueueCreateInfos = &queue_info;
        VK_CHECK(vkCreateDevice(physical_device, &device_info, nullptr, &device));
        vkGetDeviceQueue(device, queue_family, 0, &queue);
    }

    ~VulkanApp() {
        vkDestroyDevice(device, nullptr);
        vkDestroyInstance(instance, nullptr);
    }

    uint32_t memory_type(uint32_t bits, VkMemoryPropertyFlags flags) const {
        return vk_helpers::memory_type(memory, bits, flags);
    }
    VkDeviceMemory allocate(VkMemoryRequirements requirements, VkMemoryPropertyFlags flags) const {
        return vk_helpers::allocate(device, memory, requirements, flags);
    }
    VkShaderModule shader(const char* path) const { return vk_helpers::shader(device, path); }
    VkCommandPool command_pool() const { return vk_helpers::command_pool(device, queue_family); }

    VkCommandBuffer command_buffer(VkCommandPool pool) const {
        VkCommandBufferAllocateInfo info{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
        info.commandPool = pool;
        info.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
        info.commandBufferCount = 1;
        VkCommandBuffer buffer;
        VK_CHECK(vkAllocateCommandBuffers(device, &info, &buffer));
        return buffer;
    }

    void submit_and_wait(VkCommandBuffer buffer) const {
        VkFenceCreateInfo fence_info{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
        VkFence fence;
        VK_CHECK(vkCreateFence(device, &fence_info, nullptr, &fence));
        VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
        submit.commandBufferCount = 1;
        submit.pCommandBuffers = &buffer;
        VK_CHECK(vkQueueSubmit(queue, 1, &submit, fence));
        VK_CHECK(vkWaitForFences(device, 1, &fence, VK_TRUE, UINT64_MAX));
        vkDestroyFence(device, fence, nullptr);
    }
};
