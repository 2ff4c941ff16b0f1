// The Venus commands with semantics the generic path cannot give: the
// instance and device the server creates for the client, the physical device
// it offers, and objects owned by pools.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "server/venus/CommandCall.h"
#include "server/venus/VenusContext.h"
#include "wire/venus/PrivateCommands.h"
#include "wire/venus/generated/VkIndices.h"

namespace rendersock::server::venus {

namespace vv = wire::venus;
namespace idx = wire::venus::index;

namespace {

std::vector<std::string> host_instance_extensions() {
    uint32_t count = 0;
    vkEnumerateInstanceExtensionProperties(nullptr, &count, nullptr);
    std::vector<VkExtensionProperties> properties(count);
    vkEnumerateInstanceExtensionProperties(nullptr, &count, properties.data());
    std::vector<std::string> names;
    for (const auto& p : properties) names.emplace_back(p.extensionName);
    return names;
}

}  // namespace

const std::unordered_map<uint32_t, VenusContext::Handler>& VenusContext::handlers() {
    static const std::unordered_map<uint32_t, Handler> table = {
        {idx::vkCreateInstance, &VenusContext::create_instance},
        {idx::vkEnumeratePhysicalDevices, &VenusContext::enumerate_physical_devices},
        {idx::vkCreateDevice, &VenusContext::create_device},
        {idx::vkAllocateCommandBuffers, &VenusContext::allocate_from_pool},
        {idx::vkAllocateDescriptorSets, &VenusContext::allocate_from_pool},
        {idx::vkResetDescriptorPool, &VenusContext::reset_descriptor_pool},
        {idx::vkAllocateMemory, &VenusContext::allocate_memory},
        {idx::vkFreeMemory, &VenusContext::free_memory},
        {idx::vkCreateShaderModule, &VenusContext::create_shader_module},
        {idx::vkCreateComputePipelines, &VenusContext::create_compute_pipelines},
        {idx::vkCreateGraphicsPipelines, &VenusContext::create_graphics_pipelines},
    };
    return table;
}

Status VenusContext::create_instance(Call& call) {
    if (instance_)
        return Status::error(fb::ErrorCode::Malformed, "a Venus context holds one VkInstance");
    const auto* requested = reinterpret_cast<const VkInstanceCreateInfo*>(call.slots[0]);
    if (!requested) return Status::error(fb::ErrorCode::Malformed, "vkCreateInstance without create info");
    // Layers run in the application's process, before the ICD; only the
    // extensions the host has are enabled here.
    const auto available = host_instance_extensions();
    std::vector<const char*> extensions;
    for (uint32_t i = 0; i < requested->enabledExtensionCount; ++i)
        for (const auto& name : available)
            if (name == requested->ppEnabledExtensionNames[i]) extensions.push_back(name.c_str());
    VkInstanceCreateInfo info = *requested;
    // The ICD routes extension aliases (vkGetBufferMemoryRequirements2KHR)
    // to their core commands, so the host instance asks for the newest core
    // version; the application still sees the version it asked for.
    VkApplicationInfo application{VK_STRUCTURE_TYPE_APPLICATION_INFO};
    if (requested->pApplicationInfo) application = *requested->pApplicationInfo;
    application.apiVersion = std::max(application.apiVersion, VK_API_VERSION_1_3);
    info.pApplicationInfo = &application;
    info.enabledLayerCount = 0;
    info.ppEnabledLayerNames = nullptr;
    info.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
    info.ppEnabledExtensionNames = extensions.data();
    VkInstance instance = VK_NULL_HANDLE;
    const VkResult result = vkCreateInstance(&info, nullptr, &instance);
    call.result = static_cast<uint32_t>(result);
    if (result != VK_SUCCESS) return Status::ok();
    *call.created.at(0).host_slot = reinterpret_cast<uint64_t>(instance);
    instance_ = instance;
    std::fill(functions_.begin(), functions_.end(), nullptr);
    return register_created(call, 0);
}

Status VenusContext::enumerate_physical_devices(Call& call) {
    // The client sees the one host device this server was told to use.
    auto enumerate = reinterpret_cast<PFN_vkEnumeratePhysicalDevices>(
        host_function(idx::vkEnumeratePhysicalDevices));
    uint32_t count = 0;
    enumerate(instance_, &count, nullptr);
    std::vector<VkPhysicalDevice> devices(count);
    enumerate(instance_, &count, devices.data());
    const uint32_t chosen = host_->device_index();
    auto* out_count = reinterpret_cast<uint32_t*>(call.slots[1]);
    auto* out_devices = reinterpret_cast<uint64_t*>(call.slots[2]);
    if (!out_count) return Status::error(fb::ErrorCode::Malformed, "null device count");
    if (chosen >= count) {
        *out_count = 0;
        call.result = static_cast<uint32_t>(VK_SUCCESS);
        return Status::ok();
    }
    if (!out_devices) {
        *out_count = 1;
        call.result = static_cast<uint32_t>(VK_SUCCESS);
        return Status::ok();
    }
    if (*out_count == 0) {
        call.result = static_cast<uint32_t>(VK_INCOMPLETE);
        return Status::ok();
    }
    out_devices[0] = reinterpret_cast<uint64_t>(devices[chosen]);
    *out_count = 1;
    call.result = static_cast<uint32_t>(VK_SUCCESS);
    return register_created(call, call.id(0));
}

Status VenusContext::create_device(Call& call) {
    const auto physical_device = reinterpret_cast<VkPhysicalDevice>(call.slots[0]);
    const auto* requested = reinterpret_cast<const VkDeviceCreateInfo*>(call.slots[1]);
    if (!requested) return Status::error(fb::ErrorCode::Malformed, "vkCreateDevice without create info");
    std::vector<const char*> extensions(requested->ppEnabledExtensionNames,
                                        requested->ppEnabledExtensionNames +
                                            requested->enabledExtensionCount);
    // Host-visible memory is imported from shared blobs.
    constexpr const char* kHostMemory = VK_EXT_EXTERNAL_MEMORY_HOST_EXTENSION_NAME;
    bool has_host_memory = false;
    for (const char* name : extensions) has_host_memory |= std::strcmp(name, kHostMemory) == 0;
    if (!has_host_memory && device_has_extension(instance_, physical_device, kHostMemory))
        extensions.push_back(kHostMemory);
    VkDeviceCreateInfo info = *requested;
    info.enabledLayerCount = 0;
    info.ppEnabledLayerNames = nullptr;
    info.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
    info.ppEnabledExtensionNames = extensions.data();
    VkPhysicalDeviceFeatures features{};
    enable_robust_buffer_access(physical_device, info, features);
    call.slots[1] = reinterpret_cast<uint64_t>(&info);
    RS_TRY(call_host(call));
    if (static_cast<VkResult>(call.result) == VK_SUCCESS && !call.created.empty())
        note_device_functions(reinterpret_cast<VkDevice>(*call.created[0].host_slot));
    return Status::ok();
}

// A shader indexing past its descriptor's range reads and writes beyond the
// buffer unless the device bounds such accesses: the host device always
// does where it can, whatever the client asked (the client still sees the
// features it asked for).
void VenusContext::enable_robust_buffer_access(VkPhysicalDevice physical_device, VkDeviceCreateInfo& info,
                                               VkPhysicalDeviceFeatures& features) {
    auto get_features = reinterpret_cast<PFN_vkGetPhysicalDeviceFeatures>(
        vkGetInstanceProcAddr(instance_, "vkGetPhysicalDeviceFeatures"));
    VkPhysicalDeviceFeatures supported{};
    if (get_features) get_features(physical_device, &supported);
    if (!supported.robustBufferAccess) return;
    // The decoded chain lives in this context's arena: ours to amend.
    for (auto* node = static_cast<VkBaseOutStructure*>(const_cast<void*>(info.pNext)); node; node = node->pNext)
        if (node->sType == VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2) {
            reinterpret_cast<VkPhysicalDeviceFeatures2*>(node)->features.robustBufferAccess = VK_TRUE;
            return;
        }
    if (info.pEnabledFeatures) features = *info.pEnabledFeatures;
    features.robustBufferAccess = VK_TRUE;
    info.pEnabledFeatures = &features;
}

Status VenusContext::allocate_from_pool(Call& call) {
    // Command buffers and descriptor sets belong to their pool: destroying
    // or resetting the pool forgets them too.
    const uint16_t pool_type = call.index == idx::vkAllocateCommandBuffers
                                   ? idx::VkCommandPool_handle
                                   : idx::VkDescriptorPool_handle;
    PFN_vkVoidFunction function = host_function(call.index);
    if (!function) return Status::error(fb::ErrorCode::Unsupported, "no host function");
    kCommandCalls[call.index](function, call.slots, &call.result);
    if (static_cast<int32_t>(call.result) < 0) return Status::ok();
    return register_created(call, call.id_of_type(pool_type));
}

Status VenusContext::reset_descriptor_pool(Call& call) {
    RS_TRY(call_host(call));
    if (uint64_t pool = call.id(1)) objects_.erase_children(pool);
    return Status::ok();
}

}  // namespace rendersock::server::venus
