#include "server/venus/VulkanHost.h"

#include <cstring>
#include <vector>

namespace rendersock::server::venus {

std::unique_ptr<VulkanHost> VulkanHost::create(uint32_t device_index, std::string& error) {
    std::unique_ptr<VulkanHost> host(new VulkanHost());
    VkApplicationInfo app{};
    app.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO;
    app.pApplicationName = "rendersock virgl_test_server";
    app.pEngineName = "rendersock";
    app.apiVersion = VK_API_VERSION_1_3;
    VkInstanceCreateInfo info{};
    info.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO;
    info.pApplicationInfo = &app;
    if (VkResult result = vkCreateInstance(&info, nullptr, &host->instance_); result != VK_SUCCESS) {
        error = "vkCreateInstance failed (" + std::to_string(result) +
                "): no Vulkan driver on the host?";
        return nullptr;
    }
    uint32_t count = 0;
    vkEnumeratePhysicalDevices(host->instance_, &count, nullptr);
    std::vector<VkPhysicalDevice> devices(count);
    vkEnumeratePhysicalDevices(host->instance_, &count, devices.data());
    if (device_index >= count) {
        error = "host Vulkan device " + std::to_string(device_index) + " does not exist (" +
                std::to_string(count) + " found)";
        return nullptr;
    }
    host->physical_device_ = devices[device_index];
    host->device_index_ = device_index;
    vkGetPhysicalDeviceProperties(host->physical_device_, &host->properties_);
    return host;
}

VulkanHost::~VulkanHost() {
    if (instance_) vkDestroyInstance(instance_, nullptr);
}

bool device_has_extension(VkInstance instance, VkPhysicalDevice device, const char* name) {
    auto enumerate = reinterpret_cast<PFN_vkEnumerateDeviceExtensionProperties>(
        vkGetInstanceProcAddr(instance, "vkEnumerateDeviceExtensionProperties"));
    uint32_t count = 0;
    enumerate(device, nullptr, &count, nullptr);
    std::vector<VkExtensionProperties> properties(count);
    enumerate(device, nullptr, &count, properties.data());
    for (const auto& p : properties)
        if (std::strcmp(p.extensionName, name) == 0) return true;
    return false;
}

bool VulkanHost::has_device_extension(const char* name) const {
    return device_has_extension(instance_, physical_device_, name);
}

}  // namespace rendersock::server::venus
