// Instance creation (connecting to the server), instance-level queries
// answered locally, and the physical device the server offers.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "icd/Dispatch.h"
#include "icd/Extensions.h"
#include "icd/IgnoredFields.h"
#include "icd/Invoke.h"
#include "icd/Objects.h"
#include "wire/Log.h"
#include "wire/venus/OutputDecoder.h"
#include "wire/venus/VenusStream.h"
#include "wire/venus/generated/VkIndices.h"

namespace rendersock::icd {

namespace vv = wire::venus;

namespace {

constexpr uint64_t kInstanceId = 1;

// The two-call idiom over a list we hold.
template <typename T>
VkResult fill(const std::vector<T>& items, uint32_t* count, T* out) {
    if (!out) {
        *count = static_cast<uint32_t>(items.size());
        return VK_SUCCESS;
    }
    const uint32_t n = std::min<uint32_t>(*count, static_cast<uint32_t>(items.size()));
    for (uint32_t i = 0; i < n; ++i) out[i] = items[i];
    *count = n;
    return n < items.size() ? VK_INCOMPLETE : VK_SUCCESS;
}

uint64_t slot(const void* pointer) { return reinterpret_cast<uint64_t>(pointer); }

}  // namespace

Instance::Instance(std::unique_ptr<client::Connection> connection,
                   std::unique_ptr<client::Context> context)
    : Object(kInstanceId, this),
      connection_(std::move(connection)),
      context_(std::move(context)),
      stream_(*context_) {
    next_id_ = kInstanceId + 1;
}

Instance::~Instance() {
    // Memory the application did not free still holds blobs that talk to the
    // server: they go before the connection does.
    {
        std::lock_guard lock(memory_mutex);
        memories.clear();
    }
    physical_devices.clear();
    context_.reset();
}

// Room for 32 flushes of recorded commands (CommandStream flushes every
// 32 KiB into the ring) while the server works through the previous ones.
// Not more: an answered call waits for everything published before it, so
// a thread that streams without pause delays another thread's calls by up
// to a ring's worth of commands (thread_order_test, 150 rounds here: 4 MiB
// 2.6-9.9 s, 1 MiB 2.6-2.8 s, 256 KiB 0.5-0.7 s, where recording alone
// then slowed down, the ring filling before the server caught up).
constexpr size_t kStreamRingBytes = 1 << 20;

VKAPI_ATTR VkResult VKAPI_CALL CreateInstance(const VkInstanceCreateInfo* info,
                                              const VkAllocationCallbacks*, VkInstance* out) {
    log::set_tag("rendersock-icd");
    install_ignored_field_filters();
    std::unique_ptr<client::Connection> connection;
    std::unique_ptr<client::Context> context;
    try {
        client::ConnectOptions options;
        connection = client::Connection::connect(options);
        if (!connection->offers(client::fb::CapsetType::Venus)) {
            std::fprintf(stderr, "rendersock: the server at %s offers no Vulkan (Venus) contexts\n",
                         connection->address().describe().c_str());
            return VK_ERROR_INITIALIZATION_FAILED;
        }
        context = std::make_unique<client::Context>(*connection, client::fb::CapsetType::Venus, 1,
                                                    "vulkan");
        // Over a Unix socket, streamed commands go through the shared-memory
        // command ring (as GL's do): recording costs no system calls.
        // RENDERSOCK_VK_RING=0 keeps everything on the socket.
        const char* ring = std::getenv("RENDERSOCK_VK_RING");
        if (connection->address().kind == wire::Address::Kind::Unix && !(ring && std::string_view(ring) == "0"))
            context->enable_stream_ring(kStreamRingBytes);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "rendersock: %s\n", e.what());
        return VK_ERROR_INITIALIZATION_FAILED;
    }
    auto* instance = new Instance(std::move(connection), std::move(context));
    *out = reinterpret_cast<VkInstance>(instance);
    uint64_t slots[3] = {slot(info), 0, slot(out)};
    const uint64_t result = invoke_prepared(*instance, vv::index::vkCreateInstance, slots, true);
    if (static_cast<VkResult>(result) != VK_SUCCESS) {
        delete instance;
        *out = VK_NULL_HANDLE;
        return static_cast<VkResult>(result);
    }
    return VK_SUCCESS;
}

VKAPI_ATTR void VKAPI_CALL DestroyInstance(VkInstance handle, const VkAllocationCallbacks*) {
    if (!handle) return;
    auto* instance = object_of<Instance>(reinterpret_cast<uint64_t>(handle));
    uint64_t slots[2] = {reinterpret_cast<uint64_t>(handle), 0};
    invoke(vv::index::vkDestroyInstance, slots, true);
    delete instance;
}

VKAPI_ATTR VkResult VKAPI_CALL EnumerateInstanceExtensionProperties(const char* layer,
                                                                    uint32_t* count,
                                                                    VkExtensionProperties* out) {
    if (layer) return VK_ERROR_LAYER_NOT_PRESENT;
    // Instance extensions are ours to implement; these are the ones whose
    // commands are aliases of core commands we forward.
    std::vector<VkExtensionProperties> list;
    for (size_t i = 0; i < kForwardedExtensionCount; ++i) {
        if (!kForwardedExtensions[i].instance) continue;
        VkExtensionProperties properties{};
        std::snprintf(properties.extensionName, sizeof(properties.extensionName), "%s",
                      kForwardedExtensions[i].name);
        properties.specVersion = kForwardedExtensions[i].spec_version;
        list.push_back(properties);
    }
    // Window-system integration is the ICD's own (icd/wsi).
    const std::pair<const char*, uint32_t> window_systems[] = {
        {VK_KHR_SURFACE_EXTENSION_NAME, VK_KHR_SURFACE_SPEC_VERSION},
        {"VK_KHR_xcb_surface", 6},
        {"VK_KHR_xlib_surface", 6},
        {"VK_KHR_wayland_surface", 6},
        {VK_EXT_HEADLESS_SURFACE_EXTENSION_NAME, VK_EXT_HEADLESS_SURFACE_SPEC_VERSION},
    };
    for (const auto& [name, version] : window_systems) {
        VkExtensionProperties properties{};
        std::snprintf(properties.extensionName, sizeof(properties.extensionName), "%s", name);
        properties.specVersion = version;
        list.push_back(properties);
    }
    return fill(list, count, out);
}

VKAPI_ATTR VkResult VKAPI_CALL EnumerateInstanceLayerProperties(uint32_t* count, VkLayerProperties*) {
    *count = 0;
    return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL EnumerateInstanceVersion(uint32_t* version) {
    *version = VK_API_VERSION_1_3;
    return VK_SUCCESS;
}

// Asks the server once; the answer never changes for an instance.
static VkResult discover_physical_devices(Instance& instance) {
    std::lock_guard lock(instance.mutex);
    if (instance.physical_devices_known) return VK_SUCCESS;
    auto device = std::make_unique<PhysicalDevice>(instance.allocate_id(), &instance);
    uint32_t count = 1;
    VkPhysicalDevice handle = reinterpret_cast<VkPhysicalDevice>(device.get());
    uint64_t slots[3] = {reinterpret_cast<uint64_t>(&instance), slot(&count), slot(&handle)};
    const auto result = static_cast<VkResult>(
        invoke_prepared(instance, vv::index::vkEnumeratePhysicalDevices, slots, true));
    if (result != VK_SUCCESS && result != VK_INCOMPLETE) return result;
    if (count >= 1) instance.physical_devices.push_back(std::move(device));
    instance.physical_devices_known = true;
    return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL EnumeratePhysicalDevices(VkInstance handle, uint32_t* count,
                                                        VkPhysicalDevice* out) {
    auto& instance = *object_of<Instance>(reinterpret_cast<uint64_t>(handle));
    if (VkResult result = discover_physical_devices(instance); result != VK_SUCCESS) return result;
    std::vector<VkPhysicalDevice> devices;
    for (auto& device : instance.physical_devices)
        devices.push_back(reinterpret_cast<VkPhysicalDevice>(device.get()));
    return fill(devices, count, out);
}

VKAPI_ATTR VkResult VKAPI_CALL EnumeratePhysicalDeviceGroups(VkInstance handle, uint32_t* count,
                                                             VkPhysicalDeviceGroupProperties* out) {
    auto& instance = *object_of<Instance>(reinterpret_cast<uint64_t>(handle));
    if (VkResult result = discover_physical_devices(instance); result != VK_SUCCESS) return result;
    const uint32_t groups = static_cast<uint32_t>(instance.physical_devices.size());
    if (!out) {
        *count = groups;
        return VK_SUCCESS;
    }
    const uint32_t n = std::min(*count, groups);
    for (uint32_t i = 0; i < n; ++i) {
        out[i].physicalDeviceCount = 1;
        out[i].physicalDevices[0] = reinterpret_cast<VkPhysicalDevice>(instance.physical_devices[i].get());
        out[i].subsetAllocation = VK_FALSE;
    }
    *count = n;
    return n < groups ? VK_INCOMPLETE : VK_SUCCESS;
}

}  // namespace rendersock::icd
