#include "icd/wsi/Swapchain.h"

#include <chrono>
#include <cstring>

#include "icd/EntryPoints.h"
#include "icd/wsi/WsiDispatch.h"
#include "wire/Log.h"

namespace rendersock::icd::wsi {

namespace {

// The ICD's own entry points, used like an application would.
template <typename Function>
Function own(const char* name) {
    const EntryPoint* entry = find_entry_point(name);
    return entry ? reinterpret_cast<Function>(entry->function) : nullptr;
}

#define RS_OWN(name) static const auto name = own<PFN_##name>(#name)

uint32_t memory_type(PhysicalDevice& physical, uint32_t bits, VkMemoryPropertyFlags wanted) {
    RS_OWN(vkGetPhysicalDeviceMemoryProperties);
    VkPhysicalDeviceMemoryProperties properties;
    vkGetPhysicalDeviceMemoryProperties(reinterpret_cast<VkPhysicalDevice>(&physical), &properties);
    for (uint32_t i = 0; i < properties.memoryTypeCount; ++i)
        if ((bits & (1u << i)) && (properties.memoryTypes[i].propertyFlags & wanted) == wanted) return i;
    for (uint32_t i = 0; i < properties.memoryTypeCount; ++i)
        if (bits & (1u << i)) return i;
    return 0;
}

}  // namespace

Swapchain::Swapchain(Device& device, const VkSwapchainCreateInfoKHR& info)
    : device_(device),
      handle_(reinterpret_cast<VkDevice>(&device)),
      surface_(*surface_of(info.surface)),
      info_(info) {
    info_.pNext = nullptr;
    info_.pQueueFamilyIndices = nullptr;
}

VkResult Swapchain::create() {
    VkExtent2D window{};
    if (window_extent(surface_, window) &&
        (window.width != info_.imageExtent.width || window.height != info_.imageExtent.height))
        RS_DEBUG("swapchain %ux%u for a %ux%u window", info_.imageExtent.width, info_.imageExtent.height,
                 window.width, window.height);
    images_.resize(std::max<uint32_t>(info_.minImageCount, 2));
    std::vector<int> fds;
    for (Image& image : images_) {
        if (VkResult result = create_image(image); result != VK_SUCCESS) return result;
        auto& memories = device_.instance->memories;
        std::lock_guard lock(device_.instance->memory_mutex);
        const auto& memory = memories.at(reinterpret_cast<uint64_t>(image.staging_memory));
        fds.push_back(memory->blob && memory->blob->is_shared() ? memory->blob->fd() : -1);
    }
    const bool fifo = info_.presentMode == VK_PRESENT_MODE_FIFO_KHR || info_.presentMode == VK_PRESENT_MODE_FIFO_RELAXED_KHR;
    output_ = WindowOutput::create(surface_, std::move(fds), fifo);
    presenter_ = std::thread([this] { presenter_loop(); });
    return VK_SUCCESS;
}

VkResult Swapchain::create_image(Image& image) {
    RS_OWN(vkCreateImage);
    RS_OWN(vkGetImageMemoryRequirements);
    RS_OWN(vkAllocateMemory);
    RS_OWN(vkBindImageMemory);
    RS_OWN(vkCreateBuffer);
    RS_OWN(vkGetBufferMemoryRequirements);
    RS_OWN(vkBindBufferMemory);
    RS_OWN(vkMapMemory);
    RS_OWN(vkCreateFence);
    VkImageCreateInfo image_info{VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO};
    image_info.imageType = VK_IMAGE_TYPE_2D;
    image_info.format = info_.imageFormat;
    image_info.extent = {info_.imageExtent.width, info_.imageExtent.height, 1};
    image_info.mipLevels = 1;
    image_info.arrayLayers = info_.imageArrayLayers;
    image_info.samples = VK_SAMPLE_COUNT_1_BIT;
    image_info.tiling = VK_IMAGE_TILING_OPTIMAL;
    image_info.usage = info_.imageUsage | VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
    image_info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
    VkResult result = vkCreateImage(handle_, &image_info, nullptr, &image.image);
    if (result != VK_SUCCESS) return result;
    VkMemoryRequirements requirements;
    vkGetImageMemoryRequirements(handle_, image.image, &requirements);
    VkMemoryAllocateInfo allocate{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
    allocate.allocationSize = requirements.size;
    allocate.memoryTypeIndex = memory_type(*device_.physical_device, requirements.memoryTypeBits,
                                           VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
    if ((result = vkAllocateMemory(handle_, &allocate, nullptr, &image.memory)) != VK_SUCCESS) return result;
    vkBindImageMemory(handle_, image.image, image.memory, 0);

    VkBufferCreateInfo buffer_info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
    buffer_info.size = VkDeviceSize{info_.imageExtent.width} * info_.imageExtent.height * 4;
    buffer_info.usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT;
    if ((result = vkCreateBuffer(handle_, &buffer_info, nullptr, &image.staging)) != VK_SUCCESS) return result;
    vkGetBufferMemoryRequirements(handle_, image.staging, &requirements);
    allocate.allocationSize = requirements.size;
    allocate.memoryTypeIndex = memory_type(*device_.physical_device, requirements.memoryTypeBits,
                                           VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);
    if ((result = vkAllocateMemory(handle_, &allocate, nullptr, &image.staging_memory)) != VK_SUCCESS)
        return result;
    vkBindBufferMemory(handle_, image.staging, image.staging_memory, 0);
    void* pixels = nullptr;
    if ((result = vkMapMemory(handle_, image.staging_memory, 0, VK_WHOLE_SIZE, 0, &pixels)) != VK_SUCCESS)
        return result;
    image.pixels = static_cast<std::byte*>(pixels);
    VkFenceCreateInfo fence_info{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    return vkCreateFence(handle_, &fence_info, nullptr, &image.copied);
}

Swapchain::~Swapchain() {
    RS_OWN(vkDeviceWaitIdle);
    RS_OWN(vkDestroyImage);
    RS_OWN(vkFreeMemory);
    RS_OWN(vkDestroyBuffer);
    RS_OWN(vkDestroyFence);
    RS_OWN(vkDestroyCommandPool);
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    if (presenter_.joinable()) presenter_.join();
    vkDeviceWaitIdle(handle_);
    output_.reset();
    for (Image& image : images_) {
        vkDestroyFence(handle_, image.copied, nullptr);
        vkDestroyBuffer(handle_, image.staging, nullptr);
        vkFreeMemory(handle_, image.staging_memory, nullptr);
        vkDestroyImage(handle_, image.image, nullptr);
        vkFreeMemory(handle_, image.memory, nullptr);
    }
    for (auto& [family, pool] : pools_) vkDestroyCommandPool(handle_, pool, nullptr);
}

VkResult Swapchain::images(uint32_t* count, VkImage* out) const {
    const auto available = static_cast<uint32_t>(images_.size());
    if (!out) {
        *count = available;
        return VK_SUCCESS;
    }
    const uint32_t n = std::min(*count, available);
    for (uint32_t i = 0; i < n; ++i) out[i] = images_[i].image;
    *count = n;
    return n < available ? VK_INCOMPLETE : VK_SUCCESS;
}

VkResult Swapchain::health() const {
    if (lost_) return VK_ERROR_SURFACE_LOST_KHR;
    if (out_of_date_) return VK_ERROR_OUT_OF_DATE_KHR;
    return VK_SUCCESS;
}

VkResult Swapchain::acquire(uint64_t timeout_ns, VkSemaphore semaphore, VkFence fence, uint32_t* index) {
    std::unique_lock lock(mutex_);
    if (VkResult status = health(); status != VK_SUCCESS) return status;
    auto available = [&] {
        for (const Image& image : images_)
            if (image.state == State::Available) return true;
        return false;
    };
    if (!available()) {
        if (timeout_ns == 0) return VK_NOT_READY;
        // Images come back once the presenter has shown them.
        const auto deadline = timeout_ns >= (1ull << 62)
                                  ? std::chrono::steady_clock::time_point::max()
                                  : std::chrono::steady_clock::now() + std::chrono::nanoseconds(timeout_ns);
        if (!changed_.wait_until(lock, deadline, [&] { return available() || stopping_ || lost_; }))
            return VK_TIMEOUT;
        if (VkResult status = health(); status != VK_SUCCESS) return status;
    }
    for (uint32_t i = 0; i < images_.size(); ++i) {
        if (images_[i].state != State::Available) continue;
        images_[i].state = State::Acquired;
        *index = i;
        break;
    }
    lock.unlock();
    return signal(semaphore, fence);
}

// The image is ready at once: the ICD keeps the signals (icd/AcquireSignals.h).
VkResult Swapchain::signal(VkSemaphore semaphore, VkFence fence) {
    device_.instance->acquire_signals.signal(reinterpret_cast<uint64_t>(semaphore), reinterpret_cast<uint64_t>(fence));
    return VK_SUCCESS;
}

VkCommandPool Swapchain::pool_for(uint32_t family) {
    auto it = pools_.find(family);
    if (it != pools_.end()) return it->second;
    RS_OWN(vkCreateCommandPool);
    VkCommandPoolCreateInfo info{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
    info.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
    info.queueFamilyIndex = family;
    VkCommandPool pool = VK_NULL_HANDLE;
    vkCreateCommandPool(handle_, &info, nullptr, &pool);
    pools_[family] = pool;
    return pool;
}

void Swapchain::record_copy(Image& image, VkCommandPool pool) {
    RS_OWN(vkAllocateCommandBuffers);
    RS_OWN(vkBeginCommandBuffer);
    RS_OWN(vkEndCommandBuffer);
    RS_OWN(vkCmdPipelineBarrier);
    RS_OWN(vkCmdCopyImageToBuffer);
    if (!image.copy) {
        VkCommandBufferAllocateInfo allocate{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
        allocate.commandPool = pool;
        allocate.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
        allocate.commandBufferCount = 1;
        vkAllocateCommandBuffers(handle_, &allocate, &image.copy);
    }
    VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    vkBeginCommandBuffer(image.copy, &begin);
    VkImageMemoryBarrier to_copy{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
    to_copy.srcAccessMask = VK_ACCESS_MEMORY_WRITE_BIT;
    to_copy.dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
    to_copy.oldLayout = VK_IMAGE_LAYOUT_PRESENT_SRC_KHR;
    to_copy.newLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
    to_copy.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    to_copy.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    to_copy.image = image.image;
    to_copy.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    vkCmdPipelineBarrier(image.copy, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0,
                         nullptr, 0, nullptr, 1, &to_copy);
    VkBufferImageCopy region{};
    region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
    region.imageExtent = {info_.imageExtent.width, info_.imageExtent.height, 1};
    vkCmdCopyImageToBuffer(image.copy, image.image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, image.staging, 1,
                           &region);
    VkImageMemoryBarrier back = to_copy;
    back.srcAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
    back.dstAccessMask = 0;
    back.oldLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
    back.newLayout = VK_IMAGE_LAYOUT_PRESENT_SRC_KHR;
    VkBufferMemoryBarrier to_host{VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER};
    to_host.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    to_host.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
    to_host.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    to_host.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    to_host.buffer = image.staging;
    to_host.size = VK_WHOLE_SIZE;
    vkCmdPipelineBarrier(image.copy, VK_PIPELINE_STAGE_TRANSFER_BIT,
                         VK_PIPELINE_STAGE_HOST_BIT | VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, 0, 0, nullptr, 1,
                         &to_host, 1, &back);
    vkEndCommandBuffer(image.copy);
}

VkResult Swapchain::present(VkQueue queue, uint32_t index, const VkSemaphore* waits, uint32_t wait_count) {
    RS_OWN(vkQueueSubmit);
    RS_OWN(vkResetFences);
    std::vector<VkPipelineStageFlags> stages(wait_count, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT);
    VkResult refusal = VK_SUCCESS;
    {
        std::lock_guard lock(mutex_);
        refusal = health();
        if (refusal == VK_SUCCESS && (index >= images_.size() || images_[index].state != State::Acquired))
            refusal = VK_ERROR_OUT_OF_DATE_KHR;
    }
    if (refusal != VK_SUCCESS) {
        // A refused present still waits on its semaphores (they are
        // unsignalled afterwards, as the spec says).
        if (wait_count) {
            VkSubmitInfo consume{VK_STRUCTURE_TYPE_SUBMIT_INFO};
            consume.waitSemaphoreCount = wait_count;
            consume.pWaitSemaphores = waits;
            consume.pWaitDstStageMask = stages.data();
            vkQueueSubmit(queue, 1, &consume, VK_NULL_HANDLE);
        }
        return refusal;
    }
    Image& image = images_[index];
    auto* owner = object_of<Queue>(reinterpret_cast<uint64_t>(queue));
    record_copy(image, pool_for(owner->family));
    vkResetFences(handle_, 1, &image.copied);
    VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
    submit.waitSemaphoreCount = wait_count;
    submit.pWaitSemaphores = waits;
    submit.pWaitDstStageMask = stages.data();
    submit.commandBufferCount = 1;
    submit.pCommandBuffers = &image.copy;
    if (VkResult result = vkQueueSubmit(queue, 1, &submit, image.copied); result != VK_SUCCESS) return result;
    {
        std::lock_guard lock(mutex_);
        image.state = State::Presenting;
        presents_.push_back(index);
    }
    changed_.notify_all();
    return VK_SUCCESS;
}

void Swapchain::presenter_loop() {
    RS_OWN(vkWaitForFences);
    const uint32_t width = info_.imageExtent.width;
    const uint32_t height = info_.imageExtent.height;
    const bool may_drop = info_.presentMode != VK_PRESENT_MODE_FIFO_KHR &&
                          info_.presentMode != VK_PRESENT_MODE_FIFO_RELAXED_KHR;
    for (;;) {
        uint32_t index;
        bool newer_waiting;
        {
            std::unique_lock lock(mutex_);
            changed_.wait(lock, [&] { return stopping_ || !presents_.empty(); });
            if (presents_.empty()) return;
            index = presents_.front();
            presents_.pop_front();
            newer_waiting = !presents_.empty();
        }
        Image& image = images_[index];
        const VkResult waited = vkWaitForFences(handle_, 1, &image.copied, VK_TRUE, UINT64_MAX);
        bool shown = true;
        // FIFO shows every frame in order; MAILBOX and IMMEDIATE may replace a
        // frame that a newer one has already overtaken.
        if (waited == VK_SUCCESS && output_ && !(may_drop && newer_waiting))
            shown = output_->put(index, image.pixels, width, height);
        const bool resized = output_ && output_->resized(width, height);
        {
            std::lock_guard lock(mutex_);
            image.state = State::Available;
            if (!shown || waited != VK_SUCCESS) lost_ = true;
            if (resized) out_of_date_ = true;
        }
        changed_.notify_all();
    }
}

VKAPI_ATTR VkResult VKAPI_CALL CreateSwapchainKHR(VkDevice handle, const VkSwapchainCreateInfoKHR* info,
                                                  const VkAllocationCallbacks*, VkSwapchainKHR* out) {
    auto& device = *object_of<Device>(reinterpret_cast<uint64_t>(handle));
    auto swapchain = std::make_unique<Swapchain>(device, *info);
    if (VkResult result = swapchain->create(); result != VK_SUCCESS) return result;
    *out = reinterpret_cast<VkSwapchainKHR>(swapchain.release());
    return VK_SUCCESS;
}

VKAPI_ATTR void VKAPI_CALL DestroySwapchainKHR(VkDevice, VkSwapchainKHR swapchain, const VkAllocationCallbacks*) {
    delete reinterpret_cast<Swapchain*>(swapchain);
}

VKAPI_ATTR VkResult VKAPI_CALL GetSwapchainImagesKHR(VkDevice, VkSwapchainKHR swapchain, uint32_t* count,
                                                     VkImage* images) {
    return reinterpret_cast<Swapchain*>(swapchain)->images(count, images);
}

VKAPI_ATTR VkResult VKAPI_CALL AcquireNextImageKHR(VkDevice, VkSwapchainKHR swapchain, uint64_t timeout,
                                                   VkSemaphore semaphore, VkFence fence, uint32_t* index) {
    return reinterpret_cast<Swapchain*>(swapchain)->acquire(timeout, semaphore, fence, index);
}

VKAPI_ATTR VkResult VKAPI_CALL AcquireNextImage2KHR(VkDevice device, const VkAcquireNextImageInfoKHR* info,
                                                    uint32_t* index) {
    return AcquireNextImageKHR(device, info->swapchain, info->timeout, info->semaphore, info->fence, index);
}

VKAPI_ATTR VkResult VKAPI_CALL QueuePresentKHR(VkQueue queue, const VkPresentInfoKHR* info) {
    VkResult overall = VK_SUCCESS;
    for (uint32_t i = 0; i < info->swapchainCount; ++i) {
        // The application's semaphores are consumed by the first swapchain's
        // copy (or by its refusal); the other copies follow on the same queue.
        const VkResult result = reinterpret_cast<Swapchain*>(info->pSwapchains[i])
                                    ->present(queue, info->pImageIndices[i], i == 0 ? info->pWaitSemaphores : nullptr,
                                              i == 0 ? info->waitSemaphoreCount : 0);
        if (info->pResults) info->pResults[i] = result;
        if (result != VK_SUCCESS && overall == VK_SUCCESS) overall = result;
    }
    return overall;
}

}  // namespace rendersock::icd::wsi
