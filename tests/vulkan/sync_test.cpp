// Synchronisation with the semantics the spec gives it, from several
// threads: a timeline semaphore signalled from the host by one thread while
// another waits on it, fence timeouts, events.
#include <chrono>
#include <thread>

#include "VulkanApp.h"

namespace {

int failures = 0;

void expect(bool condition, const char* what) {
    if (!condition) {
        std::fprintf(stderr, "FAILED: %s\n", what);
        ++failures;
    }
}

VkSemaphore timeline_semaphore(VkDevice device) {
    VkSemaphoreTypeCreateInfo type{VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO};
    type.semaphoreType = VK_SEMAPHORE_TYPE_TIMELINE;
    VkSemaphoreCreateInfo info{VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
    info.pNext = &type;
    VkSemaphore semaphore;
    VK_CHECK(vkCreateSemaphore(device, &info, nullptr, &semaphore));
    return semaphore;
}

}  // namespace

int main() {
    VulkanApp app("sync_test", VK_QUEUE_COMPUTE_BIT);
    VkDevice device = app.device;
    using clock = std::chrono::steady_clock;

    // One thread waits for value 1; another signals it from the host later.
    VkSemaphore semaphore = timeline_semaphore(device);
    std::thread signaller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        VkSemaphoreSignalInfo signal{VK_STRUCTURE_TYPE_SEMAPHORE_SIGNAL_INFO};
        signal.semaphore = semaphore;
        signal.value = 1;
        VK_CHECK(vkSignalSemaphore(device, &signal));
    });
    const uint64_t wanted = 1;
    VkSemaphoreWaitInfo wait{VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO};
    wait.semaphoreCount = 1;
    wait.pSemaphores = &semaphore;
    wait.pValues = &wanted;
    const auto start = clock::now();
    expect(vkWaitSemaphores(device, &wait, 5'000'000'000ull) == VK_SUCCESS,
           "wait for a timeline value signalled by another thread");
    expect(clock::now() - start >= std::chrono::milliseconds(90), "the wait lasted until the signal");
    signaller.join();
    uint64_t value = 0;
    VK_CHECK(vkGetSemaphoreCounterValue(device, semaphore, &value));
    expect(value == 1, "counter value after the signal");
    vkDestroySemaphore(device, semaphore, nullptr);

    // A fence nobody signals times out after (about) its timeout.
    VkFenceCreateInfo fence_info{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    VkFence fence;
    VK_CHECK(vkCreateFence(device, &fence_info, nullptr, &fence));
    const auto fence_start = clock::now();
    expect(vkWaitForFences(device, 1, &fence, VK_TRUE, 30'000'000) == VK_TIMEOUT, "fence timeout");
    const auto waited = clock::now() - fence_start;
    expect(waited >= std::chrono::milliseconds(25) && waited < std::chrono::seconds(2),
           "fence timeout honoured");
    expect(vkGetFenceStatus(device, fence) == VK_NOT_READY, "unsignalled fence status");
    // An empty submit signals it.
    VK_CHECK(vkQueueSubmit(app.queue, 0, nullptr, fence));
    expect(vkWaitForFences(device, 1, &fence, VK_TRUE, UINT64_MAX) == VK_SUCCESS, "empty submit signals");
    expect(vkGetFenceStatus(device, fence) == VK_SUCCESS, "signalled fence status");
    VK_CHECK(vkResetFences(device, 1, &fence));
    expect(vkGetFenceStatus(device, fence) == VK_NOT_READY, "reset fence status");
    vkDestroyFence(device, fence, nullptr);

    // Events set and reset from the host.
    VkEventCreateInfo event_info{VK_STRUCTURE_TYPE_EVENT_CREATE_INFO};
    VkEvent event;
    VK_CHECK(vkCreateEvent(device, &event_info, nullptr, &event));
    expect(vkGetEventStatus(device, event) == VK_EVENT_RESET, "new event is reset");
    VK_CHECK(vkSetEvent(device, event));
    expect(vkGetEventStatus(device, event) == VK_EVENT_SET, "event set");
    VK_CHECK(vkResetEvent(device, event));
    expect(vkGetEventStatus(device, event) == VK_EVENT_RESET, "event reset");
    vkDestroyEvent(device, event, nullptr);

    if (failures) return 1;
    std::printf("sync: all checks passed\n");
    return 0;
}
