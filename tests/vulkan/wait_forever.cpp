// Waits on a timeline semaphore value nobody will signal, with an infinite
// timeout, and reports what the wait returned and after how long. The test
// kills the server meanwhile: the wait must end with VK_ERROR_DEVICE_LOST
// within 2 seconds of the server's death, never hang.
#include <chrono>

#include "VulkanApp.h"

int main() {
    VulkanApp app("wait_forever", VK_QUEUE_COMPUTE_BIT);
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
