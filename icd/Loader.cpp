// The loader's driver interface (version 5): the only symbols we export.
#include <cstring>
#include <string_view>
#include <unordered_map>

#include "icd/Dispatch.h"
#include "icd/EntryPoints.h"
#include "icd/Extensions.h"
#include "icd/wsi/WsiDispatch.h"
#include "icd/wsi/XlibDispatch.h"
#include "wire/InsideServer.h"

namespace rendersock::icd {
namespace {

#define RS_ENTRY(name, level) {"vk" #name, reinterpret_cast<PFN_vkVoidFunction>(name), Level::level}

const EntryPoint kHandWritten[] = {
    RS_ENTRY(CreateInstance, Global),
    RS_ENTRY(EnumerateInstanceExtensionProperties, Global),
    RS_ENTRY(EnumerateInstanceLayerProperties, Global),
    RS_ENTRY(EnumerateInstanceVersion, Global),
    RS_ENTRY(GetInstanceProcAddr, Global),
    RS_ENTRY(DestroyInstance, Instance),
    RS_ENTRY(EnumeratePhysicalDevices, Instance),
    RS_ENTRY(EnumeratePhysicalDeviceGroups, Instance),
    {"vkEnumeratePhysicalDeviceGroupsKHR", reinterpret_cast<PFN_vkVoidFunction>(EnumeratePhysicalDeviceGroups), Level::Instance},
    RS_ENTRY(EnumerateDeviceExtensionProperties, PhysicalDevice),
    RS_ENTRY(EnumerateDeviceLayerProperties, PhysicalDevice),
    RS_ENTRY(GetPhysicalDeviceProperties, PhysicalDevice),
    RS_ENTRY(GetPhysicalDeviceProperties2, PhysicalDevice),
    {"vkGetPhysicalDeviceProperties2KHR", reinterpret_cast<PFN_vkVoidFunction>(GetPhysicalDeviceProperties2), Level::PhysicalDevice},
    RS_ENTRY(CreateDevice, PhysicalDevice),
    RS_ENTRY(GetDeviceProcAddr, Device),
    RS_ENTRY(DestroyDevice, Device),
    RS_ENTRY(GetDeviceQueue, Device),
    RS_ENTRY(GetDeviceQueue2, Device),
    RS_ENTRY(AllocateMemory, Device),
    RS_ENTRY(FreeMemory, Device),
    RS_ENTRY(MapMemory, Device),
    RS_ENTRY(UnmapMemory, Device),
    RS_ENTRY(FlushMappedMemoryRanges, Device),
    RS_ENTRY(InvalidateMappedMemoryRanges, Device),
    RS_ENTRY(QueueSubmit, Device),
    RS_ENTRY(QueueSubmit2, Device),
    {"vkQueueSubmit2KHR", reinterpret_cast<PFN_vkVoidFunction>(QueueSubmit2), Level::Device},
    RS_ENTRY(QueueWaitIdle, Device),
    RS_ENTRY(DeviceWaitIdle, Device),
    RS_ENTRY(WaitForFences, Device),
    RS_ENTRY(GetFenceStatus, Device),
    RS_ENTRY(ResetFences, Device),
    RS_ENTRY(WaitSemaphores, Device),
    {"vkWaitSemaphoresKHR", reinterpret_cast<PFN_vkVoidFunction>(WaitSemaphores), Level::Device},
    RS_ENTRY(CreateDescriptorUpdateTemplate, Device),
    {"vkCreateDescriptorUpdateTemplateKHR", reinterpret_cast<PFN_vkVoidFunction>(CreateDescriptorUpdateTemplate), Level::Device},
    RS_ENTRY(DestroyDescriptorUpdateTemplate, Device),
    {"vkDestroyDescriptorUpdateTemplateKHR", reinterpret_cast<PFN_vkVoidFunction>(DestroyDescriptorUpdateTemplate), Level::Device},
    RS_ENTRY(UpdateDescriptorSetWithTemplate, Device),
    {"vkUpdateDescriptorSetWithTemplateKHR", reinterpret_cast<PFN_vkVoidFunction>(UpdateDescriptorSetWithTemplate), Level::Device},
    {"vkCreateXcbSurfaceKHR", reinterpret_cast<PFN_vkVoidFunction>(wsi::CreateXcbSurfaceKHR), Level::Instance},
    {"vkCreateXlibSurfaceKHR", reinterpret_cast<PFN_vkVoidFunction>(wsi::CreateXlibSurfaceKHR), Level::Instance},
    {"vkCreateWaylandSurfaceKHR", reinterpret_cast<PFN_vkVoidFunction>(wsi::CreateWaylandSurfaceKHR), Level::Instance},
    {"vkGetPhysicalDeviceWaylandPresentationSupportKHR", reinterpret_cast<PFN_vkVoidFunction>(wsi::GetPhysicalDeviceWaylandPresentationSupportKHR), Level::PhysicalDevice},
    {"vkCreateHeadlessSurfaceEXT", reinterpret_cast<PFN_vkVoidFunction>(wsi::CreateHeadlessSurfaceEXT), Level::Instance},
    {"vkDestroySurfaceKHR", reinterpret_cast<PFN_vkVoidFunction>(wsi::DestroySurfaceKHR), Level::Instance},
    {"vkGetPhysicalDeviceSurfaceSupportKHR", reinterpret_cast<PFN_vkVoidFunction>(wsi::GetPhysicalDeviceSurfaceSupportKHR), Level::PhysicalDevice},
    {"vkGetPhysicalDeviceXcbPresentationSupportKHR", reinterpret_cast<PFN_vkVoidFunction>(wsi::GetPhysicalDeviceXcbPresentationSupportKHR), Level::PhysicalDevice},
    {"vkGetPhysicalDeviceXlibPresentationSupportKHR", reinterpret_cast<PFN_vkVoidFunction>(wsi::GetPhysicalDeviceXlibPresentationSupportKHR), Level::PhysicalDevice},
    {"vkGetPhysicalDeviceSurfaceCapabilitiesKHR", reinterpret_cast<PFN_vkVoidFunction>(wsi::GetPhysicalDeviceSurfaceCapabilitiesKHR), Level::PhysicalDevice},
    {"vkGetPhysicalDeviceSurfaceFormatsKHR", reinterpret_cast<PFN_vkVoidFunction>(wsi::GetPhysicalDeviceSurfaceFormatsKHR), Level::PhysicalDevice},
    {"vkGetPhysicalDeviceSurfacePresentModesKHR", reinterpret_cast<PFN_vkVoidFunction>(wsi::GetPhysicalDeviceSurfacePresentModesKHR), Level::PhysicalDevice},
    {"vkGetDeviceGroupPresentCapabilitiesKHR", reinterpret_cast<PFN_vkVoidFunction>(wsi::GetDeviceGroupPresentCapabilitiesKHR), Level::Device},
    {"vkGetDeviceGroupSurfacePresentModesKHR", reinterpret_cast<PFN_vkVoidFunction>(wsi::GetDeviceGroupSurfacePresentModesKHR), Level::Device},
    {"vkGetPhysicalDevicePresentRectanglesKHR", reinterpret_cast<PFN_vkVoidFunction>(wsi::GetPhysicalDevicePresentRectanglesKHR), Level::PhysicalDevice},
    {"vkCreateSwapchainKHR", reinterpret_cast<PFN_vkVoidFunction>(wsi::CreateSwapchainKHR), Level::Device},
    {"vkDestroySwapchainKHR", reinterpret_cast<PFN_vkVoidFunction>(wsi::DestroySwapchainKHR), Level::Device},
    {"vkGetSwapchainImagesKHR", reinterpret_cast<PFN_vkVoidFunction>(wsi::GetSwapchainImagesKHR), Level::Device},
    {"vkAcquireNextImageKHR", reinterpret_cast<PFN_vkVoidFunction>(wsi::AcquireNextImageKHR), Level::Device},
    {"vkAcquireNextImage2KHR", reinterpret_cast<PFN_vkVoidFunction>(wsi::AcquireNextImage2KHR), Level::Device},
    {"vkQueuePresentKHR", reinterpret_cast<PFN_vkVoidFunction>(wsi::QueuePresentKHR), Level::Device},
    RS_ENTRY(AllocateCommandBuffers, Device),
    RS_ENTRY(FreeCommandBuffers, Device),
    RS_ENTRY(DestroyCommandPool, Device),
    RS_ENTRY(BeginCommandBuffer, Device),
    RS_ENTRY(UpdateDescriptorSets, Device),
};

const std::unordered_map<std::string_view, const EntryPoint*>& entry_index() {
    static const auto index = [] {
        std::unordered_map<std::string_view, const EntryPoint*> map;
        for (const auto& entry : kHandWritten) map.emplace(entry.name, &entry);
        for (size_t i = 0; i < kGeneratedEntryPointCount; ++i)
            map.emplace(kGeneratedEntryPoints[i].name, &kGeneratedEntryPoints[i]);
        return map;
    }();
    return index;
}

}  // namespace

const EntryPoint* find_entry_point(const char* name) {
    if (!name) return nullptr;
    auto it = entry_index().find(name);
    return it == entry_index().end() ? nullptr : it->second;
}

const ForwardedExtension* find_forwarded_extension(const char* name) {
    for (size_t i = 0; i < kForwardedExtensionCount; ++i)
        if (std::strcmp(kForwardedExtensions[i].name, name) == 0) return &kForwardedExtensions[i];
    return nullptr;
}

VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL GetInstanceProcAddr(VkInstance instance, const char* name) {
    const EntryPoint* entry = find_entry_point(name);
    if (!entry) return nullptr;
    if (!instance && entry->level != Level::Global) return nullptr;
    return entry->function;
}

VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL GetDeviceProcAddr(VkDevice, const char* name) {
    const EntryPoint* entry = find_entry_point(name);
    return entry && entry->level == Level::Device ? entry->function : nullptr;
}

}  // namespace rendersock::icd

extern "C" {

__attribute__((visibility("default"))) VKAPI_ATTR VkResult VKAPI_CALL
vk_icdNegotiateLoaderICDInterfaceVersion(uint32_t* version) {
    // Never the server's own host driver (wire/InsideServer.h).
    if (rendersock::wire::inside_server()) return VK_ERROR_INCOMPATIBLE_DRIVER;
    // Version 5: the loader leaves apiVersion checks to us.
    if (*version > 5) *version = 5;
    return *version < 5 ? VK_ERROR_INCOMPATIBLE_DRIVER : VK_SUCCESS;
}

__attribute__((visibility("default"))) VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL
vk_icdGetInstanceProcAddr(VkInstance instance, const char* name) {
    return rendersock::icd::GetInstanceProcAddr(instance, name);
}

__attribute__((visibility("default"))) VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL
vk_icdGetPhysicalDeviceProcAddr(VkInstance, const char* name) {
    const auto* entry = rendersock::icd::find_entry_point(name);
    return entry && entry->level == rendersock::icd::Level::PhysicalDevice ? entry->function : nullptr;
}

}  // extern "C"
