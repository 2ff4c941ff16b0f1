#pragma once
// Dispatchable objects the loader hands back to us. Each begins with the
// loader's slot (VK_LOADER_DATA), then our id on the server and the
// instance that owns the connection. Non-dispatchable handles are the ids
// themselves: creating one needs no allocation and no round trip.

#include <vulkan/vk_icd.h>
#include <vulkan/vulkan.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "icd/AcquireSignals.h"
#include "icd/CommandStream.h"
#include "wire/client/Blob.h"
#include "wire/client/Connection.h"
#include "wire/client/Context.h"

namespace rendersock::icd {

class Instance;

struct Object {
    VK_LOADER_DATA loader_data;  // first: the loader writes its dispatch table here
    uint64_t id;
    Instance* instance;

    Object(uint64_t object_id, Instance* owner) : id(object_id), instance(owner) {
        set_loader_magic_value(this);
    }
};

class PhysicalDevice : public Object {
public:
    using Object::Object;
    std::mutex mutex;
    bool have_extensions = false;
    std::vector<VkExtensionProperties> extensions;  // host's, filtered
    bool have_memory_properties = false;
    VkPhysicalDeviceMemoryProperties memory_properties{};
};

// A VkDeviceMemory: host-visible ones are backed by a blob the client maps.
struct Memory {
    uint64_t size = 0;
    std::unique_ptr<client::Blob> blob;
    bool mapped = false;
};

class Device : public Object {
public:
    Device(uint64_t object_id, Instance* owner, PhysicalDevice* parent)
        : Object(object_id, owner), physical_device(parent) {}
    PhysicalDevice* physical_device;
    std::mutex mutex;
    std::map<std::pair<uint32_t, uint32_t>, struct Queue*> queues;
    // Descriptor update templates: their entries, by template id.
    std::map<uint64_t, std::vector<VkDescriptorUpdateTemplateEntry>> templates;
    // Command buffers we allocated, by command pool id (freed with the pool).
    std::map<uint64_t, std::vector<struct CommandBuffer*>> command_buffers;
};

struct Queue : Object {
    Queue(uint64_t object_id, Instance* owner, uint32_t queue_family)
        : Object(object_id, owner), family(queue_family) {}
    uint32_t family;
};

struct CommandBuffer : Object {
    CommandBuffer(uint64_t object_id, Instance* owner, VkCommandBufferLevel buffer_level)
        : Object(object_id, owner), level(buffer_level) {}
    VkCommandBufferLevel level;
};

class Instance : public Object {
public:
    Instance(std::unique_ptr<client::Connection> connection, std::unique_ptr<client::Context> context);
    ~Instance();

    uint64_t allocate_id() { return next_id_.fetch_add(1); }
    CommandStream& stream() { return stream_; }
    client::Connection& connection() { return *connection_; }
    client::Context& context() { return *context_; }

    std::mutex mutex;
    // Device memory by id, for mapping and for keeping TCP mirrors in step.
    std::mutex memory_mutex;
    std::map<uint64_t, std::unique_ptr<Memory>> memories;
    // Over TCP, mapped memory is a mirror: sent before submits, fetched
    // after waits, so coherent memory stays coherent at sync points.
    void flush_mirrors();
    void invalidate_mirrors();
    bool physical_devices_known = false;
    std::vector<std::unique_ptr<PhysicalDevice>> physical_devices;
    // What swapchain acquires signalled (icd/AcquireSignals.h).
    AcquireSignals acquire_signals;

private:
    std::unique_ptr<client::Connection> connection_;
    std::unique_ptr<client::Context> context_;
    CommandStream stream_;
    std::atomic<uint64_t> next_id_{1};
};

template <typename T>
T* object_of(uint64_t handle) {
    return reinterpret_cast<T*>(handle);
}

}  // namespace rendersock::icd
