#pragma once
// A swapchain whose images live on the host. Presenting copies an image into
// a shared blob (one copy, on the host's queue, after the application's
// semaphores) and a presenter thread puts the pixels on the window (MIT-SHM
// straight from the blob's memfd when the X server offers it, PutImage
// otherwise), so the application's next frame overlaps the copy and the put.

#include <vulkan/vulkan.h>

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "icd/Objects.h"
#include "icd/wsi/Surface.h"
#include "icd/wsi/WindowOutput.h"

namespace rendersock::icd::wsi {

class Swapchain {
public:
    Swapchain(Device& device, const VkSwapchainCreateInfoKHR& info);
    ~Swapchain();
    VkResult create();

    VkResult images(uint32_t* count, VkImage* out) const;
    VkResult acquire(uint64_t timeout_ns, VkSemaphore semaphore, VkFence fence, uint32_t* index);
    VkResult present(VkQueue queue, uint32_t index, const VkSemaphore* waits, uint32_t wait_count);

private:
    enum class State { Available, Acquired, Presenting };
    struct Image {
        VkImage image = VK_NULL_HANDLE;
        VkDeviceMemory memory = VK_NULL_HANDLE;
        VkBuffer staging = VK_NULL_HANDLE;
        VkDeviceMemory staging_memory = VK_NULL_HANDLE;
        std::byte* pixels = nullptr;
        VkCommandBuffer copy = VK_NULL_HANDLE;
        VkFence copied = VK_NULL_HANDLE;
        State state = State::Available;
    };

    VkResult create_image(Image& image);
    VkCommandPool pool_for(uint32_t family);
    void record_copy(Image& image, VkCommandPool pool);
    void presenter_loop();
    VkResult signal(VkSemaphore semaphore, VkFence fence);
    VkResult health() const;

    Device& device_;
    VkDevice handle_;
    Surface& surface_;
    VkSwapchainCreateInfoKHR info_;
    std::vector<Image> images_;
    std::map<uint32_t, VkCommandPool> pools_;
    std::unique_ptr<WindowOutput> output_;

    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<uint32_t> presents_;
    bool stopping_ = false;
    bool out_of_date_ = false;
    bool lost_ = false;
    std::thread presenter_;
};

}  // namespace rendersock::icd::wsi
