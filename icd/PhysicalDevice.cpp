// Physical device queries with semantics: the device name says it is
// forwarded, and only the extensions we forward are listed.
#include <cstdio>
#include <cstring>

#include "icd/Dispatch.h"
#include "icd/Extensions.h"
#include "icd/Invoke.h"
#include "icd/Objects.h"
#include "wire/venus/generated/VkIndices.h"

namespace rendersock::icd {

namespace vv = wire::venus;

namespace {

uint64_t slot(const void* pointer) { return reinterpret_cast<uint64_t>(pointer); }

void mark_forwarded(char (&name)[VK_MAX_PHYSICAL_DEVICE_NAME_SIZE]) {
    char host[VK_MAX_PHYSICAL_DEVICE_NAME_SIZE];
    std::memcpy(host, name, sizeof(host));
    host[sizeof(host) - 1] = '\0';
    std::snprintf(name, VK_MAX_PHYSICAL_DEVICE_NAME_SIZE, "rendersock: %.*s",
                  static_cast<int>(VK_MAX_PHYSICAL_DEVICE_NAME_SIZE - 13), host);
}

// The host's device extensions, filtered, asked once.
void load_extensions(PhysicalDevice& device) {
    std::lock_guard lock(device.mutex);
    if (device.have_extensions) return;
    uint32_t count = 0;
    uint64_t count_slots[4] = {slot(&device), 0, slot(&count), 0};
    invoke(vv::index::vkEnumerateDeviceExtensionProperties, count_slots, true);
    std::vector<VkExtensionProperties> host(count);
    uint64_t slots[4] = {slot(&device), 0, slot(&count), slot(host.data())};
    invoke(vv::index::vkEnumerateDeviceExtensionProperties, slots, true);
    host.resize(count);
    for (const auto& extension : host) {
        const ForwardedExtension* forwarded = find_forwarded_extension(extension.extensionName);
        if (!forwarded || forwarded->instance) continue;
        VkExtensionProperties exposed = extension;
        exposed.specVersion = std::min(extension.specVersion, forwarded->spec_version);
        device.extensions.push_back(exposed);
    }
    // Swapchains are the ICD's own (icd/wsi), whatever the host has.
    VkExtensionProperties swapchain{};
    std::snprintf(swapchain.extensionName, sizeof(swapchain.extensionName), "%s",
                  VK_KHR_SWAPCHAIN_EXTENSION_NAME);
    swapchain.specVersion = 70;
    device.extensions.push_back(swapchain);
    device.have_extensions = true;
}

}  // namespace

VKAPI_ATTR VkResult VKAPI_CALL EnumerateDeviceExtensionProperties(VkPhysicalDevice handle,
                                                                  const char* layer,
                                                                  uint32_t* count,
                                                                  VkExtensionProperties* out) {
    if (layer) return VK_ERROR_LAYER_NOT_PRESENT;
    auto& device = *object_of<PhysicalDevice>(reinterpret_cast<uint64_t>(handle));
    load_extensions(device);
    if (!out) {
        *count = static_cast<uint32_t>(device.extensions.size());
        return VK_SUCCESS;
    }
    const uint32_t n = std::min<uint32_t>(*count, static_cast<uint32_t>(device.extensions.size()));
    std::memcpy(out, device.extensions.data(), n * sizeof(VkExtensionProperties));
    *count = n;
    return n < device.extensions.size() ? VK_INCOMPLETE : VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL EnumerateDeviceLayerProperties(VkPhysicalDevice, uint32_t* count,
                                                              VkLayerProperties*) {
    *count = 0;
    return VK_SUCCESS;
}

VKAPI_ATTR void VKAPI_CALL GetPhysicalDeviceProperties(VkPhysicalDevice handle,
                                                       VkPhysicalDeviceProperties* properties) {
    uint64_t slots[2] = {reinterpret_cast<uint64_t>(handle), slot(properties)};
    invoke(vv::index::vkGetPhysicalDeviceProperties, slots, true);
    mark_forwarded(properties->deviceName);
}

VKAPI_ATTR void VKAPI_CALL GetPhysicalDeviceProperties2(VkPhysicalDevice handle,
                                                        VkPhysicalDeviceProperties2* properties) {
    uint64_t slots[2] = {reinterpret_cast<uint64_t>(handle), slot(properties)};
    invoke(vv::index::vkGetPhysicalDeviceProperties2, slots, true);
    mark_forwarded(properties->properties.deviceName);
}

}  // namespace rendersock::icd
