#pragma once
// The host's Vulkan: one instance per serving process, created on first
// use (never before a fork), and the physical device that contexts use.

#include <vulkan/vulkan.h>

#include <memory>
#include <optional>
#include <string>

namespace rendersock::server::venus {

// Whether `device` (of `instance`, which may be a client's host instance)
// offers the device extension `name`.
bool device_has_extension(VkInstance instance, VkPhysicalDevice device, const char* name);

class VulkanHost {
public:
    // Creates the instance and selects device `device_index`; on failure
    // returns nullptr with the reason in `error`.
    static std::unique_ptr<VulkanHost> create(uint32_t device_index, std::string& error);
    ~VulkanHost();
    VulkanHost(const VulkanHost&) = delete;
    VulkanHost& operator=(const VulkanHost&) = delete;

    VkInstance instance() const { return instance_; }
    VkPhysicalDevice physical_device() const { return physical_device_; }
    const VkPhysicalDeviceProperties& properties() const { return properties_; }
    uint32_t device_index() const { return device_index_; }
    bool has_device_extension(const char* name) const;

private:
    VulkanHost() = default;

    VkInstance instance_ = VK_NULL_HANDLE;
    VkPhysicalDevice physical_device_ = VK_NULL_HANDLE;
    VkPhysicalDeviceProperties properties_{};
    uint32_t device_index_ = 0;
};

}  // namespace rendersock::server::venus
