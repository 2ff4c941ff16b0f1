// Waits on a timeline semaphore value nobody will signal (or, with
// `fence`, in vkWaitForFences on a fence nothing will signal), with an
// infinite timeout, and reports what the wait returned and after how long.
// The test kills the server meanwhile: the wait must end with
// VK_ERROR_DEVICE_LOST within 2 seconds of the server's death, never hang.
// usage: wait_forever [fence]
#include <chrono>
#include <string>

#include "VulkanApp.h"

namespace {

VkResult wait_on_fence(VkDevice device) {
    VkFenceCreateInfo info{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    VkFence fence;
    VK_CHECK(vkCreateFence(device, &info, nullptr, &fence));
    std::printf("waiting\n");
    std::fflush(stdout);
    return vkWaitForFences(device, 1, &fence, VK_TRUE, UINT64_MAX);
}

}  // namespace

int main(int argc, char** argv) {
    VulkanApp app("wait_forever", VK_QUEUE_COMPUTE_BIT);
    if (argc > 1 && std::string(argv[1]) == "fence") {
        const auto start = std::chrono::steady_clock::now();
        const VkResult result = wait_on_fence(app.device);
        const auto waited =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
        std::printf("vkWaitForFences: result %d after %lld ms\n", static_cast<int>(result),
                    static_cast<long long>(waited.count()));
        std::fflush(stdout);
        std::_Exit(result == VK_ERROR_DEVICE_LOST ? 0 : 1);
    }
    VkSemaphoreTypeCreateInfo type{VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO};
    type.semaphoreType = VK_SEMAPHORE_TYPE_TIMELINE;
    VkSemaphoreCreateInfo info{VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
    info.pNext = &type;
    VkSemaphore semaphore;
    VK_CHECK(vkCreateSemaphore(app.device, &info, nullptr, &semaphore));
    const uint64_t value = 1;
    VkSemaphoreWaitInfo wait{VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO};
    wait.semaphoreCount = 1;
    wait.pSemaphores = &semaphore;
    wait.pValues = &value;
    std::printf("waiting\n");
    std::fflush(stdout);
    const auto start = std::chrono::steady_clock::now();
    const VkResult result = vkWaitSemaphores(app.device, &wait, UINT64_MAX);
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    std::printf("result %d after %lld ms\n", static_cast<int>(result), static_cast<long long>(waited.count()));
    std::fflush(stdout);
    // The device is gone; leave without touching it again.
    std::_Exit(result == VK_ERROR_DEVICE_LOST ? 0 : 1);
}
