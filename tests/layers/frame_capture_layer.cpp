// VK_LAYER_RENDERSOCK_frame_capture: writes the N-th presented frame of a
// process to a binary PPM file.
//
//   RENDERSOCK_CAPTURE_FRAME=N       0-based index of the vkQueuePresentKHR call
//                                    (counted over the whole process) to capture
//   RENDERSOCK_CAPTURE_FILE=out.ppm  where to write it (P6, RGB, 8 bits)
//
// Without both variables the layer passes everything through unchanged.
//
// How a capture works: the present's wait semaphores are consumed by a submit
// of ours on the presenting queue that copies the swapchain image
// (PRESENT_SRC -> TRANSFER_SRC -> copy to a host-visible buffer -> PRESENT_SRC)
// and signals a semaphore of ours; the real present then waits on that
// semaphore instead, so the application's ordering is kept. We wait for our
// submit on a fence, read the buffer and write the file before presenting.
//
// Only the first swapchain of a multi-swapchain present is captured. Swapchain
// formats B8G8R8A8 and R8G8B8A8 (UNORM or SRGB) are supported; bytes are
// written as stored, without any colour-space conversion.

#define VK_NO_PROTOTYPES
#include <vulkan/vk_layer.h>
#include <vulkan/vulkan.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <vector>

namespace {

constexpr const char* kTag = "VK_LAYER_RENDERSOCK_frame_capture";

// ---------------------------------------------------------------------------
// Configuration

struct Config {
  bool enabled = false;
  bool exit_after = false;  // RENDERSOCK_CAPTURE_EXIT=1: end the program once written
  uint64_t frame = 0;
  std::string file;
};

const Config& config() {
  static const Config cfg = [] {
    Config c;
    const char* frame = std::getenv("RENDERSOCK_CAPTURE_FRAME");
    const char* file = std::getenv("RENDERSOCK_CAPTURE_FILE");
    if (frame == nullptr && file == nullptr) return c;
    if (frame == nullptr || *frame == '\0' || file == nullptr || *file == '\0') {
      std::fprintf(stderr, "%s: set both RENDERSOCK_CAPTURE_FRAME and RENDERSOCK_CAPTURE_FILE; capture disabled\n",
                   kTag);
      return c;
    }
    char* end = nullptr;
    errno = 0;
    const unsigned long long n = std::strtoull(frame, &end, 10);
    if (errno != 0 || end == frame || *end != '\0' || frame[0] == '-') {
      std::fprintf(stderr, "%s: bad RENDERSOCK_CAPTURE_FRAME '%s'; capture disabled\n", kTag, frame);
      return c;
    }
    c.enabled = true;
    const char* exit_after = std::getenv("RENDERSOCK_CAPTURE_EXIT");
    c.exit_after = exit_after != nullptr && std::strcmp(exit_after, "1") == 0;
    c.frame = n;
    c.file = file;
    return c;
  }();
  return cfg;
}

// ---------------------------------------------------------------------------
// Per-instance and per-device state

// Dispatchable handles start with the loader's dispatch table pointer; layers
// key their per-instance and per-device data on it.
void* dispatch_key(const void* handle) {
  void* key = nullptr;
  std::memcpy(&key, handle, sizeof key);
  return key;
}

template <class Pfn>
Pfn as_pfn(PFN_vkVoidFunction f) {
  return reinterpret_cast<Pfn>(f);
}

template <class Pfn>
PFN_vkVoidFunction as_void_pfn(Pfn f) {
  return reinterpret_cast<PFN_vkVoidFunction>(f);
}

struct InstanceData {
  VkInstance instance = VK_NULL_HANDLE;
  PFN_vkGetInstanceProcAddr next_gipa = nullptr;
  PFN_vkDestroyInstance DestroyInstance = nullptr;
  PFN_vkGetPhysicalDeviceMemoryProperties GetPhysicalDeviceMemoryProperties = nullptr;
  PFN_vkGetPhysicalDeviceSurfaceCapabilitiesKHR GetPhysicalDeviceSurfaceCapabilitiesKHR = nullptr;
};

struct SwapchainData {
  VkFormat format = VK_FORMAT_UNDEFINED;
  VkExtent2D extent{};
  VkImageUsageFlags usage = 0;
  std::vector<VkImage> images;
};

struct DeviceData {
  VkDevice device = VK_NULL_HANDLE;
  VkPhysicalDevice physical_device = VK_NULL_HANDLE;
  PFN_vkGetDeviceProcAddr next_gdpa = nullptr;
  PFN_vkSetDeviceLoaderData set_device_loader_data = nullptr;
  VkPhysicalDeviceMemoryProperties memory_properties{};

  PFN_vkDestroyDevice DestroyDevice = nullptr;
  PFN_vkGetDeviceQueue GetDeviceQueue = nullptr;
  PFN_vkGetDeviceQueue2 GetDeviceQueue2 = nullptr;
  PFN_vkCreateSwapchainKHR CreateSwapchainKHR = nullptr;
  PFN_vkDestroySwapchainKHR DestroySwapchainKHR = nullptr;
  PFN_vkGetSwapchainImagesKHR GetSwapchainImagesKHR = nullptr;
  PFN_vkQueuePresentKHR QueuePresentKHR = nullptr;

  PFN_vkCreateCommandPool CreateCommandPool = nullptr;
  PFN_vkDestroyCommandPool DestroyCommandPool = nullptr;
  PFN_vkAllocateCommandBuffers AllocateCommandBuffers = nullptr;
  PFN_vkBeginCommandBuffer BeginCommandBuffer = nullptr;
  PFN_vkEndCommandBuffer EndCommandBuffer = nullptr;
  PFN_vkCmdPipelineBarrier CmdPipelineBarrier = nullptr;
  PFN_vkCmdCopyImageToBuffer CmdCopyImageToBuffer = nullptr;
  PFN_vkQueueSubmit QueueSubmit = nullptr;
  PFN_vkCreateFence CreateFence = nullptr;
  PFN_vkWaitForFences WaitForFences = nullptr;
  PFN_vkDestroyFence DestroyFence = nullptr;
  PFN_vkCreateSemaphore CreateSemaphore = nullptr;
  PFN_vkDestroySemaphore DestroySemaphore = nullptr;
  PFN_vkCreateBuffer CreateBuffer = nullptr;
  PFN_vkDestroyBuffer DestroyBuffer = nullptr;
  PFN_vkGetBufferMemoryRequirements GetBufferMemoryRequirements = nullptr;
  PFN_vkAllocateMemory AllocateMemory = nullptr;
  PFN_vkFreeMemory FreeMemory = nullptr;
  PFN_vkBindBufferMemory BindBufferMemory = nullptr;
  PFN_vkMapMemory MapMemory = nullptr;
  PFN_vkUnmapMemory UnmapMemory = nullptr;
  PFN_vkInvalidateMappedMemoryRanges InvalidateMappedMemoryRanges = nullptr;

  // Guarded by g_mutex.
  std::unordered_map<VkSwapchainKHR, SwapchainData> swapchains;
  // Semaphores a present waited on: no way to know when the presentation
  // engine is done with them, so they live until the device is destroyed.
  std::vector<VkSemaphore> present_semaphores;
};

struct QueueData {
  DeviceData* device = nullptr;
  uint32_t family = 0;
};

std::mutex g_mutex;
std::unordered_map<void*, std::unique_ptr<InstanceData>> g_instances;
std::unordered_map<void*, std::unique_ptr<DeviceData>> g_devices;
// Keyed by handle: the loader sets a queue's dispatch pointer only after our
// vkGetDeviceQueue returns.
std::unordered_map<VkQueue, QueueData> g_queues;
std::atomic<uint64_t> g_present_count{0};

InstanceData* find_instance(const void* dispatchable) {
  std::lock_guard lock(g_mutex);
  auto it = g_instances.find(dispatch_key(dispatchable));
  return it == g_instances.end() ? nullptr : it->second.get();
}

DeviceData* find_device(const void* dispatchable) {
  std::lock_guard lock(g_mutex);
  auto it = g_devices.find(dispatch_key(dispatchable));
  return it == g_devices.end() ? nullptr : it->second.get();
}

// ---------------------------------------------------------------------------
// Capture

bool supported_format(VkFormat format) {
  switch (format) {
    case VK_FORMAT_B8G8R8A8_UNORM:
    case VK_FORMAT_B8G8R8A8_SRGB:
    case VK_FORMAT_R8G8B8A8_UNORM:
    case VK_FORMAT_R8G8B8A8_SRGB:
      return true;
    default:
      return false;
  }
}

bool write_ppm(const std::string& path, const uint8_t* pixels, VkFormat format, VkExtent2D extent) {
  const bool bgra = format == VK_FORMAT_B8G8R8A8_UNORM || format == VK_FORMAT_B8G8R8A8_SRGB;
  const size_t count = size_t{extent.width} * extent.height;
  std::vector<uint8_t> rgb(count * 3);
  for (size_t i = 0; i < count; ++i) {
    const uint8_t* p = pixels + i * 4;
    rgb[i * 3 + 0] = bgra ? p[2] : p[0];
    rgb[i * 3 + 1] = p[1];
    rgb[i * 3 + 2] = bgra ? p[0] : p[2];
  }
  // Write next to the target and rename, so a reader never sees half a file.
  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) {
    std::fprintf(stderr, "%s: cannot open %s: %s\n", kTag, tmp.c_str(), std::strerror(errno));
    return false;
  }
  bool ok = std::fprintf(f, "P6\n%u %u\n255\n", extent.width, extent.height) > 0;
  ok = ok && std::fwrite(rgb.data(), 1, rgb.size(), f) == rgb.size();
  ok = (std::fclose(f) == 0) && ok;
  ok = ok && std::rename(tmp.c_str(), path.c_str()) == 0;
  if (!ok) {
    std::fprintf(stderr, "%s: cannot write %s: %s\n", kTag, path.c_str(), std::strerror(errno));
    std::remove(tmp.c_str());
  }
  return ok;
}

int32_t find_memory_type(const VkPhysicalDeviceMemoryProperties& props, uint32_t type_bits) {
  // Prefer cached coherent memory (fast to read back), then coherent, then any
  // host-visible type.
  const VkMemoryPropertyFlags wanted[] = {
      VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT | VK_MEMORY_PROPERTY_HOST_CACHED_BIT,
      VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
      VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT,
  };
  for (VkMemoryPropertyFlags flags : wanted) {
    for (uint32_t i = 0; i < props.memoryTypeCount; ++i) {
      if ((type_bits & (1u << i)) != 0 && (props.memoryTypes[i].propertyFlags & flags) == flags) {
        return static_cast<int32_t>(i);
      }
    }
  }
  return -1;
}

// Everything a capture creates, destroyed in one place.
struct CaptureObjects {
  DeviceData& d;
  VkBuffer buffer = VK_NULL_HANDLE;
  VkDeviceMemory memory = VK_NULL_HANDLE;
  VkCommandPool pool = VK_NULL_HANDLE;
  VkFence fence = VK_NULL_HANDLE;
  VkSemaphore semaphore = VK_NULL_HANDLE;  // handed to the present when used
  void* mapped = nullptr;

  explicit CaptureObjects(DeviceData& device) : d(device) {}
  CaptureObjects(const CaptureObjects&) = delete;
  CaptureObjects& operator=(const CaptureObjects&) = delete;
  ~CaptureObjects() {
    if (mapped != nullptr) d.UnmapMemory(d.device, memory);
    if (pool != VK_NULL_HANDLE) d.DestroyCommandPool(d.device, pool, nullptr);
    if (fence != VK_NULL_HANDLE) d.DestroyFence(d.device, fence, nullptr);
    if (semaphore != VK_NULL_HANDLE) d.DestroySemaphore(d.device, semaphore, nullptr);
    if (buffer != VK_NULL_HANDLE) d.DestroyBuffer(d.device, buffer, nullptr);
    if (memory != VK_NULL_HANDLE) d.FreeMemory(d.device, memory, nullptr);
  }
};

#define CAPTURE_CHECK(call)                                                                        \
  do {                                                                                             \
    const VkResult capture_check_result = (call);                                                  \
    if (capture_check_result != VK_SUCCESS) {                                                      \
      std::fprintf(stderr, "%s: %s failed (VkResult %d)\n", kTag, #call,                           \
                   static_cast<int>(capture_check_result));                                        \
      return result;                                                                               \
    }                                                                                              \
  } while (false)

struct CaptureResult {
  // Set when our submit consumed the present's wait semaphores: the present
  // must wait on this one instead (VK_NULL_HANDLE if it had none to wait on).
  bool consumed_waits = false;
  VkSemaphore present_wait = VK_NULL_HANDLE;
};

CaptureResult capture(DeviceData& d, VkQueue queue, uint32_t family, const VkPresentInfoKHR& present) {
  CaptureResult result;
  if (present.swapchainCount == 0) return result;
  const VkSwapchainKHR swapchain = present.pSwapchains[0];
  const uint32_t image_index = present.pImageIndices[0];

  SwapchainData sc;
  {
    std::lock_guard lock(g_mutex);
    auto it = d.swapchains.find(swapchain);
    if (it == d.swapchains.end()) {
      std::fprintf(stderr, "%s: present of an unknown swapchain; not captured\n", kTag);
      return result;
    }
    sc = it->second;
  }
  if (sc.images.size() <= image_index) {
    uint32_t count = 0;
    d.GetSwapchainImagesKHR(d.device, swapchain, &count, nullptr);
    sc.images.resize(count);
    if (d.GetSwapchainImagesKHR(d.device, swapchain, &count, sc.images.data()) != VK_SUCCESS ||
        count <= image_index) {
      std::fprintf(stderr, "%s: cannot get the swapchain's images; not captured\n", kTag);
      return result;
    }
  }
  if (!supported_format(sc.format)) {
    std::fprintf(stderr, "%s: swapchain format %d is not supported; not captured\n", kTag,
                 static_cast<int>(sc.format));
    return result;
  }
  if ((sc.usage & VK_IMAGE_USAGE_TRANSFER_SRC_BIT) == 0) {
    std::fprintf(stderr, "%s: swapchain images cannot be transfer sources; not captured\n", kTag);
    return result;
  }
  const VkImage image = sc.images[image_index];
  const VkDeviceSize size = VkDeviceSize{sc.extent.width} * sc.extent.height * 4;

  CaptureObjects o(d);

  VkBufferCreateInfo buffer_info{};
  buffer_info.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO;
  buffer_info.size = size;
  buffer_info.usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT;
  buffer_info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  CAPTURE_CHECK(d.CreateBuffer(d.device, &buffer_info, nullptr, &o.buffer));

  VkMemoryRequirements requirements{};
  d.GetBufferMemoryRequirements(d.device, o.buffer, &requirements);
  const int32_t type = find_memory_type(d.memory_properties, requirements.memoryTypeBits);
  if (type < 0) {
    std::fprintf(stderr, "%s: no host-visible memory type for the readback buffer\n", kTag);
    return result;
  }
  VkMemoryAllocateInfo alloc_info{};
  alloc_info.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO;
  alloc_info.allocationSize = requirements.size;
  alloc_info.memoryTypeIndex = static_cast<uint32_t>(type);
  CAPTURE_CHECK(d.AllocateMemory(d.device, &alloc_info, nullptr, &o.memory));
  CAPTURE_CHECK(d.BindBufferMemory(d.device, o.buffer, o.memory, 0));

  VkCommandPoolCreateInfo pool_info{};
  pool_info.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO;
  pool_info.flags = VK_COMMAND_POOL_CREATE_TRANSIENT_BIT;
  pool_info.queueFamilyIndex = family;
  CAPTURE_CHECK(d.CreateCommandPool(d.device, &pool_info, nullptr, &o.pool));

  VkCommandBufferAllocateInfo cb_info{};
  cb_info.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO;
  cb_info.commandPool = o.pool;
  cb_info.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  cb_info.commandBufferCount = 1;
  VkCommandBuffer cb = VK_NULL_HANDLE;
  CAPTURE_CHECK(d.AllocateCommandBuffers(d.device, &cb_info, &cb));
  // A command buffer we create is a dispatchable object the loader has not
  // seen: give it the device's dispatch pointer for the layers below us.
  if (d.set_device_loader_data != nullptr) {
    CAPTURE_CHECK(d.set_device_loader_data(d.device, cb));
  } else {
    std::memcpy(static_cast<void*>(cb), static_cast<const void*>(d.device), sizeof(void*));
  }

  VkCommandBufferBeginInfo begin{};
  begin.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO;
  begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  CAPTURE_CHECK(d.BeginCommandBuffer(cb, &begin));

  VkImageMemoryBarrier to_transfer{};
  to_transfer.sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER;
  to_transfer.srcAccessMask = 0;  // the semaphore wait made the writes visible
  to_transfer.dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
  to_transfer.oldLayout = VK_IMAGE_LAYOUT_PRESENT_SRC_KHR;
  to_transfer.newLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
  to_transfer.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
  to_transfer.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
  to_transfer.image = image;
  to_transfer.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
  // Source stage = the semaphore wait's stage, so the two form one chain.
  d.CmdPipelineBarrier(cb, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0, nullptr, 0,
                       nullptr, 1, &to_transfer);

  VkBufferImageCopy region{};
  region.bufferOffset = 0;
  region.bufferRowLength = 0;  // tightly packed
  region.bufferImageHeight = 0;
  region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
  region.imageOffset = {0, 0, 0};
  region.imageExtent = {sc.extent.width, sc.extent.height, 1};
  d.CmdCopyImageToBuffer(cb, image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, o.buffer, 1, &region);

  VkImageMemoryBarrier to_present = to_transfer;
  to_present.srcAccessMask = 0;  // only read: an execution dependency is enough
  to_present.dstAccessMask = 0;  // the present's semaphore wait covers the rest
  to_present.oldLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
  to_present.newLayout = VK_IMAGE_LAYOUT_PRESENT_SRC_KHR;
  VkBufferMemoryBarrier to_host{};
  to_host.sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER;
  to_host.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
  to_host.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
  to_host.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
  to_host.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
  to_host.buffer = o.buffer;
  to_host.offset = 0;
  to_host.size = VK_WHOLE_SIZE;
  d.CmdPipelineBarrier(cb, VK_PIPELINE_STAGE_TRANSFER_BIT,
                       VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT | VK_PIPELINE_STAGE_HOST_BIT, 0, 0, nullptr, 1, &to_host,
                       1, &to_present);
  CAPTURE_CHECK(d.EndCommandBuffer(cb));

  VkFenceCreateInfo fence_info{};
  fence_info.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO;
  CAPTURE_CHECK(d.CreateFence(d.device, &fence_info, nullptr, &o.fence));
  if (present.waitSemaphoreCount > 0) {
    VkSemaphoreCreateInfo semaphore_info{};
    semaphore_info.sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO;
    CAPTURE_CHECK(d.CreateSemaphore(d.device, &semaphore_info, nullptr, &o.semaphore));
  }

  const std::vector<VkPipelineStageFlags> wait_stages(present.waitSemaphoreCount,
                                                      VK_PIPELINE_STAGE_ALL_COMMANDS_BIT);
  VkSubmitInfo submit{};
  submit.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO;
  submit.waitSemaphoreCount = present.waitSemaphoreCount;
  submit.pWaitSemaphores = present.pWaitSemaphores;
  submit.pWaitDstStageMask = wait_stages.data();
  submit.commandBufferCount = 1;
  submit.pCommandBuffers = &cb;
  submit.signalSemaphoreCount = o.semaphore != VK_NULL_HANDLE ? 1 : 0;
  submit.pSignalSemaphores = &o.semaphore;
  CAPTURE_CHECK(d.QueueSubmit(queue, 1, &submit, o.fence));

  // From here on the present waits on our semaphore, whatever happens.
  result.consumed_waits = true;
  result.present_wait = o.semaphore;
  o.semaphore = VK_NULL_HANDLE;

  CAPTURE_CHECK(d.WaitForFences(d.device, 1, &o.fence, VK_TRUE, UINT64_MAX));
  CAPTURE_CHECK(d.MapMemory(d.device, o.memory, 0, VK_WHOLE_SIZE, 0, &o.mapped));
  const uint32_t type_index = static_cast<uint32_t>(type);
  if ((d.memory_properties.memoryTypes[type_index].propertyFlags & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT) == 0) {
    VkMappedMemoryRange range{};
    range.sType = VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE;
    range.memory = o.memory;
    range.offset = 0;
    range.size = VK_WHOLE_SIZE;
    CAPTURE_CHECK(d.InvalidateMappedMemoryRanges(d.device, 1, &range));
  }
  if (write_ppm(config().file, static_cast<const uint8_t*>(o.mapped), sc.format, sc.extent)) {
    std::fprintf(stderr, "%s: wrote frame %llu (%ux%u) to %s\n", kTag,
                 static_cast<unsigned long long>(config().frame), sc.extent.width, sc.extent.height,
                 config().file.c_str());
    // Programs that run until their window closes (vkd3d's demos) end here.
    if (config().exit_after) {
      std::fflush(nullptr);
      std::_Exit(0);
    }
  }
  return result;
}

#undef CAPTURE_CHECK

// ---------------------------------------------------------------------------
// Intercepted commands

VKAPI_ATTR VkResult VKAPI_CALL layer_QueuePresentKHR(VkQueue queue, const VkPresentInfoKHR* pPresentInfo) {
  QueueData q;
  {
    std::lock_guard lock(g_mutex);
    auto it = g_queues.find(queue);
    if (it != g_queues.end()) q = it->second;
  }
  if (q.device == nullptr) {
    q.device = find_device(queue);
    if (q.device == nullptr) return VK_ERROR_DEVICE_LOST;  // not a queue we know: cannot dispatch
  }
  DeviceData& d = *q.device;

  const uint64_t index = g_present_count.fetch_add(1, std::memory_order_relaxed);
  if (!config().enabled || index != config().frame || pPresentInfo == nullptr) {
    return d.QueuePresentKHR(queue, pPresentInfo);
  }

  const CaptureResult captured = capture(d, queue, q.family, *pPresentInfo);
  if (!captured.consumed_waits) return d.QueuePresentKHR(queue, pPresentInfo);

  VkPresentInfoKHR present = *pPresentInfo;
  present.waitSemaphoreCount = captured.present_wait != VK_NULL_HANDLE ? 1 : 0;
  present.pWaitSemaphores = captured.present_wait != VK_NULL_HANDLE ? &captured.present_wait : nullptr;
  const VkResult result = d.QueuePresentKHR(queue, &present);
  if (captured.present_wait != VK_NULL_HANDLE) {
    std::lock_guard lock(g_mutex);
    d.present_semaphores.push_back(captured.present_wait);
  }
  return result;
}

VKAPI_ATTR VkResult VKAPI_CALL layer_CreateSwapchainKHR(VkDevice device, const VkSwapchainCreateInfoKHR* pCreateInfo,
                                                        const VkAllocationCallbacks* pAllocator,
                                                        VkSwapchainKHR* pSwapchain) {
  DeviceData* d = find_device(device);
  if (d == nullptr) return VK_ERROR_INITIALIZATION_FAILED;
  VkSwapchainCreateInfoKHR info = *pCreateInfo;
  if (config().enabled && (info.imageUsage & VK_IMAGE_USAGE_TRANSFER_SRC_BIT) == 0) {
    bool supported = true;
    InstanceData* inst = find_instance(d->physical_device);
    if (inst != nullptr && inst->GetPhysicalDeviceSurfaceCapabilitiesKHR != nullptr) {
      VkSurfaceCapabilitiesKHR caps{};
      if (inst->GetPhysicalDeviceSurfaceCapabilitiesKHR(d->physical_device, info.surface, &caps) == VK_SUCCESS) {
        supported = (caps.supportedUsageFlags & VK_IMAGE_USAGE_TRANSFER_SRC_BIT) != 0;
      }
    }
    if (supported) info.imageUsage |= VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
  }
  const VkResult result = d->CreateSwapchainKHR(device, &info, pAllocator, pSwapchain);
  if (result == VK_SUCCESS) {
    SwapchainData sc;
    sc.format = info.imageFormat;
    sc.extent = info.imageExtent;
    sc.usage = info.imageUsage;
    std::lock_guard lock(g_mutex);
    d->swapchains[*pSwapchain] = std::move(sc);
  }
  return result;
}

VKAPI_ATTR void VKAPI_CALL layer_DestroySwapchainKHR(VkDevice device, VkSwapchainKHR swapchain,
                                                     const VkAllocationCallbacks* pAllocator) {
  DeviceData* d = find_device(device);
  if (d == nullptr) return;
  {
    std::lock_guard lock(g_mutex);
    d->swapchains.erase(swapchain);
  }
  d->DestroySwapchainKHR(device, swapchain, pAllocator);
}

VKAPI_ATTR VkResult VKAPI_CALL layer_GetSwapchainImagesKHR(VkDevice device, VkSwapchainKHR swapchain,
                                                           uint32_t* pSwapchainImageCount,
                                                           VkImage* pSwapchainImages) {
  DeviceData* d = find_device(device);
  if (d == nullptr) return VK_ERROR_INITIALIZATION_FAILED;
  const VkResult result = d->GetSwapchainImagesKHR(device, swapchain, pSwapchainImageCount, pSwapchainImages);
  if (pSwapchainImages != nullptr && (result == VK_SUCCESS || result == VK_INCOMPLETE)) {
    std::lock_guard lock(g_mutex);
    auto it = d->swapchains.find(swapchain);
    if (it != d->swapchains.end() && it->second.images.size() < *pSwapchainImageCount) {
      it->second.images.assign(pSwapchainImages, pSwapchainImages + *pSwapchainImageCount);
    }
  }
  return result;
}

void remember_queue(DeviceData* d, VkQueue queue, uint32_t family) {
  if (queue == VK_NULL_HANDLE) return;
  std::lock_guard lock(g_mutex);
  g_queues[queue] = QueueData{d, family};
}

VKAPI_ATTR void VKAPI_CALL layer_GetDeviceQueue(VkDevice device, uint32_t queueFamilyIndex, uint32_t queueIndex,
                                                VkQueue* pQueue) {
  DeviceData* d = find_device(device);
  if (d == nullptr) return;
  d->GetDeviceQueue(device, queueFamilyIndex, queueIndex, pQueue);
  remember_queue(d, *pQueue, queueFamilyIndex);
}

VKAPI_ATTR void VKAPI_CALL layer_GetDeviceQueue2(VkDevice device, const VkDeviceQueueInfo2* pQueueInfo,
                                                 VkQueue* pQueue) {
  DeviceData* d = find_device(device);
  if (d == nullptr) return;
  d->GetDeviceQueue2(device, pQueueInfo, pQueue);
  remember_queue(d, *pQueue, pQueueInfo->queueFamilyIndex);
}

VKAPI_ATTR VkResult VKAPI_CALL layer_CreateDevice(VkPhysicalDevice physicalDevice,
                                                  const VkDeviceCreateInfo* pCreateInfo,
                                                  const VkAllocationCallbacks* pAllocator, VkDevice* pDevice) {
  InstanceData* inst = find_instance(physicalDevice);
  if (inst == nullptr) return VK_ERROR_INITIALIZATION_FAILED;

  // The loader's chain info: our link (next layer's entry points) and the
  // callback that initialises dispatchable objects we create.
  VkLayerDeviceCreateInfo* link_info = nullptr;
  PFN_vkSetDeviceLoaderData set_loader_data = nullptr;
  for (auto* s = static_cast<const VkBaseInStructure*>(pCreateInfo->pNext); s != nullptr; s = s->pNext) {
    if (s->sType != VK_STRUCTURE_TYPE_LOADER_DEVICE_CREATE_INFO) continue;
    // The loader owns these structures and expects layers to advance the link.
    auto* info = const_cast<VkLayerDeviceCreateInfo*>(reinterpret_cast<const VkLayerDeviceCreateInfo*>(s));
    if (info->function == VK_LAYER_LINK_INFO && link_info == nullptr) link_info = info;
    if (info->function == VK_LOADER_DATA_CALLBACK && set_loader_data == nullptr) {
      set_loader_data = info->u.pfnSetDeviceLoaderData;
    }
  }
  if (link_info == nullptr || link_info->u.pLayerInfo == nullptr) return VK_ERROR_INITIALIZATION_FAILED;
  const PFN_vkGetInstanceProcAddr next_gipa = link_info->u.pLayerInfo->pfnNextGetInstanceProcAddr;
  const PFN_vkGetDeviceProcAddr next_gdpa = link_info->u.pLayerInfo->pfnNextGetDeviceProcAddr;
  auto next_create = as_pfn<PFN_vkCreateDevice>(next_gipa(inst->instance, "vkCreateDevice"));
  if (next_create == nullptr) return VK_ERROR_INITIALIZATION_FAILED;
  link_info->u.pLayerInfo = link_info->u.pLayerInfo->pNext;

  const VkResult result = next_create(physicalDevice, pCreateInfo, pAllocator, pDevice);
  if (result != VK_SUCCESS) return result;

  auto d = std::make_unique<DeviceData>();
  d->device = *pDevice;
  d->physical_device = physicalDevice;
  d->next_gdpa = next_gdpa;
  d->set_device_loader_data = set_loader_data;
  inst->GetPhysicalDeviceMemoryProperties(physicalDevice, &d->memory_properties);
  const VkDevice dev = *pDevice;
  auto load = [&](auto& pfn, const char* name) {
    pfn = as_pfn<std::remove_reference_t<decltype(pfn)>>(next_gdpa(dev, name));
  };
  load(d->DestroyDevice, "vkDestroyDevice");
  load(d->GetDeviceQueue, "vkGetDeviceQueue");
  load(d->GetDeviceQueue2, "vkGetDeviceQueue2");
  load(d->CreateSwapchainKHR, "vkCreateSwapchainKHR");
  load(d->DestroySwapchainKHR, "vkDestroySwapchainKHR");
  load(d->GetSwapchainImagesKHR, "vkGetSwapchainImagesKHR");
  load(d->QueuePresentKHR, "vkQueuePresentKHR");
  load(d->CreateCommandPool, "vkCreateCommandPool");
  load(d->DestroyCommandPool, "vkDestroyCommandPool");
  load(d->AllocateCommandBuffers, "vkAllocateCommandBuffers");
  load(d->BeginCommandBuffer, "vkBeginCommandBuffer");
  load(d->EndCommandBuffer, "vkEndCommandBuffer");
  load(d->CmdPipelineBarrier, "vkCmdPipelineBarrier");
  load(d->CmdCopyImageToBuffer, "vkCmdCopyImageToBuffer");
  load(d->QueueSubmit, "vkQueueSubmit");
  load(d->CreateFence, "vkCreateFence");
  load(d->WaitForFences, "vkWaitForFences");
  load(d->DestroyFence, "vkDestroyFence");
  load(d->CreateSemaphore, "vkCreateSemaphore");
  load(d->DestroySemaphore, "vkDestroySemaphore");
  load(d->CreateBuffer, "vkCreateBuffer");
  load(d->DestroyBuffer, "vkDestroyBuffer");
  load(d->GetBufferMemoryRequirements, "vkGetBufferMemoryRequirements");
  load(d->AllocateMemory, "vkAllocateMemory");
  load(d->FreeMemory, "vkFreeMemory");
  load(d->BindBufferMemory, "vkBindBufferMemory");
  load(d->MapMemory, "vkMapMemory");
  load(d->UnmapMemory, "vkUnmapMemory");
  load(d->InvalidateMappedMemoryRanges, "vkInvalidateMappedMemoryRanges");

  std::lock_guard lock(g_mutex);
  g_devices[dispatch_key(dev)] = std::move(d);
  return VK_SUCCESS;
}

VKAPI_ATTR void VKAPI_CALL layer_DestroyDevice(VkDevice device, const VkAllocationCallbacks* pAllocator) {
  if (device == VK_NULL_HANDLE) return;
  std::unique_ptr<DeviceData> d;
  {
    std::lock_guard lock(g_mutex);
    auto it = g_devices.find(dispatch_key(device));
    if (it == g_devices.end()) return;
    d = std::move(it->second);
    g_devices.erase(it);
    std::erase_if(g_queues, [&](const auto& entry) { return entry.second.device == d.get(); });
  }
  // The application has waited for all work on the device before destroying
  // it, presents included.
  for (VkSemaphore s : d->present_semaphores) d->DestroySemaphore(device, s, nullptr);
  d->DestroyDevice(device, pAllocator);
}

VKAPI_ATTR VkResult VKAPI_CALL layer_CreateInstance(const VkInstanceCreateInfo* pCreateInfo,
                                                    const VkAllocationCallbacks* pAllocator, VkInstance* pInstance) {
  VkLayerInstanceCreateInfo* link_info = nullptr;
  for (auto* s = static_cast<const VkBaseInStructure*>(pCreateInfo->pNext); s != nullptr; s = s->pNext) {
    if (s->sType != VK_STRUCTURE_TYPE_LOADER_INSTANCE_CREATE_INFO) continue;
    auto* info = const_cast<VkLayerInstanceCreateInfo*>(reinterpret_cast<const VkLayerInstanceCreateInfo*>(s));
    if (info->function == VK_LAYER_LINK_INFO) {
      link_info = info;
      break;
    }
  }
  if (link_info == nullptr || link_info->u.pLayerInfo == nullptr) return VK_ERROR_INITIALIZATION_FAILED;
  const PFN_vkGetInstanceProcAddr next_gipa = link_info->u.pLayerInfo->pfnNextGetInstanceProcAddr;
  auto next_create = as_pfn<PFN_vkCreateInstance>(next_gipa(VK_NULL_HANDLE, "vkCreateInstance"));
  if (next_create == nullptr) return VK_ERROR_INITIALIZATION_FAILED;
  link_info->u.pLayerInfo = link_info->u.pLayerInfo->pNext;

  const VkResult result = next_create(pCreateInfo, pAllocator, pInstance);
  if (result != VK_SUCCESS) return result;

  auto inst = std::make_unique<InstanceData>();
  const VkInstance instance = *pInstance;
  inst->instance = instance;
  inst->next_gipa = next_gipa;
  inst->DestroyInstance = as_pfn<PFN_vkDestroyInstance>(next_gipa(instance, "vkDestroyInstance"));
  inst->GetPhysicalDeviceMemoryProperties =
      as_pfn<PFN_vkGetPhysicalDeviceMemoryProperties>(next_gipa(instance, "vkGetPhysicalDeviceMemoryProperties"));
  inst->GetPhysicalDeviceSurfaceCapabilitiesKHR = as_pfn<PFN_vkGetPhysicalDeviceSurfaceCapabilitiesKHR>(
      next_gipa(instance, "vkGetPhysicalDeviceSurfaceCapabilitiesKHR"));

  std::lock_guard lock(g_mutex);
  g_instances[dispatch_key(instance)] = std::move(inst);
  return VK_SUCCESS;
}

VKAPI_ATTR void VKAPI_CALL layer_DestroyInstance(VkInstance instance, const VkAllocationCallbacks* pAllocator) {
  if (instance == VK_NULL_HANDLE) return;
  std::unique_ptr<InstanceData> inst;
  {
    std::lock_guard lock(g_mutex);
    auto it = g_instances.find(dispatch_key(instance));
    if (it == g_instances.end()) return;
    inst = std::move(it->second);
    g_instances.erase(it);
  }
  inst->DestroyInstance(instance, pAllocator);
}

// ---------------------------------------------------------------------------
// Proc address lookup

VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL layer_GetInstanceProcAddr(VkInstance instance, const char* pName);
VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL layer_GetDeviceProcAddr(VkDevice device, const char* pName);

struct Entry {
  const char* name;
  PFN_vkVoidFunction pfn;
};

// Device-level commands we intercept; reported only where the next layer or
// driver has them (the swapchain ones need VK_KHR_swapchain).
const Entry kDeviceEntries[] = {
    {"vkGetDeviceProcAddr", as_void_pfn(&layer_GetDeviceProcAddr)},
    {"vkDestroyDevice", as_void_pfn(&layer_DestroyDevice)},
    {"vkGetDeviceQueue", as_void_pfn(&layer_GetDeviceQueue)},
    {"vkGetDeviceQueue2", as_void_pfn(&layer_GetDeviceQueue2)},
    {"vkCreateSwapchainKHR", as_void_pfn(&layer_CreateSwapchainKHR)},
    {"vkDestroySwapchainKHR", as_void_pfn(&layer_DestroySwapchainKHR)},
    {"vkGetSwapchainImagesKHR", as_void_pfn(&layer_GetSwapchainImagesKHR)},
    {"vkQueuePresentKHR", as_void_pfn(&layer_QueuePresentKHR)},
};

const Entry kInstanceEntries[] = {
    {"vkGetInstanceProcAddr", as_void_pfn(&layer_GetInstanceProcAddr)},
    {"vkCreateInstance", as_void_pfn(&layer_CreateInstance)},
    {"vkDestroyInstance", as_void_pfn(&layer_DestroyInstance)},
    {"vkCreateDevice", as_void_pfn(&layer_CreateDevice)},
};

PFN_vkVoidFunction find_entry(const Entry* begin, const Entry* end, const char* name) {
  for (const Entry* e = begin; e != end; ++e) {
    if (std::strcmp(e->name, name) == 0) return e->pfn;
  }
  return nullptr;
}

VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL layer_GetDeviceProcAddr(VkDevice device, const char* pName) {
  if (device == VK_NULL_HANDLE || pName == nullptr) return nullptr;
  DeviceData* d = find_device(device);
  if (d == nullptr) return nullptr;
  PFN_vkVoidFunction next = d->next_gdpa(device, pName);
  PFN_vkVoidFunction own = find_entry(std::begin(kDeviceEntries), std::end(kDeviceEntries), pName);
  if (own != nullptr && (next != nullptr || std::strcmp(pName, "vkGetDeviceProcAddr") == 0)) return own;
  return next;
}

VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL layer_GetInstanceProcAddr(VkInstance instance, const char* pName) {
  if (pName == nullptr) return nullptr;
  if (PFN_vkVoidFunction own = find_entry(std::begin(kInstanceEntries), std::end(kInstanceEntries), pName)) {
    return own;
  }
  if (instance == VK_NULL_HANDLE) return nullptr;
  InstanceData* inst = find_instance(instance);
  if (inst == nullptr) return nullptr;
  PFN_vkVoidFunction next = inst->next_gipa(instance, pName);
  PFN_vkVoidFunction own = find_entry(std::begin(kDeviceEntries), std::end(kDeviceEntries), pName);
  return own != nullptr && next != nullptr ? own : next;
}

}  // namespace

// ---------------------------------------------------------------------------
// Exported loader-layer interface

extern "C" {

__attribute__((visibility("default"))) VKAPI_ATTR VkResult VKAPI_CALL
vkNegotiateLoaderLayerInterfaceVersion(VkNegotiateLayerInterface* pVersionStruct) {
  if (pVersionStruct == nullptr || pVersionStruct->sType != LAYER_NEGOTIATE_INTERFACE_STRUCT) {
    return VK_ERROR_INITIALIZATION_FAILED;
  }
  // Versions 0 and 1 find our entry points by their exported names.
  if (pVersionStruct->loaderLayerInterfaceVersion >= 2) {
    pVersionStruct->loaderLayerInterfaceVersion = 2;
    pVersionStruct->pfnGetInstanceProcAddr = &layer_GetInstanceProcAddr;
    pVersionStruct->pfnGetDeviceProcAddr = &layer_GetDeviceProcAddr;
    pVersionStruct->pfnGetPhysicalDeviceProcAddr = nullptr;  // no physical-device commands of ours
  }
  return VK_SUCCESS;
}

__attribute__((visibility("default"))) VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL
vkGetInstanceProcAddr(VkInstance instance, const char* pName) {
  return layer_GetInstanceProcAddr(instance, pName);
}

__attribute__((visibility("default"))) VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL
vkGetDeviceProcAddr(VkDevice device, const char* pName) {
  return layer_GetDeviceProcAddr(device, pName);
}

}  // extern "C"
