// Submission and waits: the synchronisation points where TCP mirrors of
// mapped memory are brought in step (a no-op on Unix sockets, where the
// memory is shared).
#include <algorithm>
#include <chrono>

#include "icd/Dispatch.h"
#include "icd/Invoke.h"
#include "icd/Objects.h"
#include "wire/Log.h"
#include "wire/venus/generated/VkIndices.h"

namespace rendersock::icd {

namespace vv = wire::venus;

namespace {

uint64_t slot(const void* pointer) { return reinterpret_cast<uint64_t>(pointer); }

Instance& instance_of(const void* dispatchable) {
    return *object_of<Object>(reinterpret_cast<uint64_t>(dispatchable))->instance;
}

VkResult before_submit(Instance& instance) {
    try {
        instance.flush_mirrors();
    } catch (const std::exception& e) {
        RS_ERROR("sending mapped memory: %s", e.what());
        return VK_ERROR_DEVICE_LOST;
    }
    return VK_SUCCESS;
}

VkResult after_wait(Instance& instance, VkResult result) {
    if (result != VK_SUCCESS) return result;
    try {
        instance.invalidate_mirrors();
    } catch (const std::exception& e) {
        RS_ERROR("fetching mapped memory: %s", e.what());
        return VK_ERROR_DEVICE_LOST;
    }
    return result;
}

// Semaphores a swapchain acquire signalled (icd/AcquireSignals.h) that
// these submissions wait on, taken.
std::vector<uint64_t> acquire_signalled_waits(Instance& instance, uint32_t count, const VkSubmitInfo* submits) {
    std::vector<uint64_t> taken;
    for (uint32_t i = 0; i < count; ++i) {
        const auto* waits = reinterpret_cast<const uint64_t*>(submits[i].pWaitSemaphores);
        const auto more = instance.acquire_signals.take_semaphores(waits, submits[i].waitSemaphoreCount);
        taken.insert(taken.end(), more.begin(), more.end());
    }
    return taken;
}

std::vector<uint64_t> acquire_signalled_waits(Instance& instance, uint32_t count, const VkSubmitInfo2* submits) {
    std::vector<uint64_t> taken;
    for (uint32_t i = 0; i < count; ++i)
        for (uint32_t k = 0; k < submits[i].waitSemaphoreInfoCount; ++k) {
            const uint64_t semaphore = reinterpret_cast<uint64_t>(submits[i].pWaitSemaphoreInfos[k].semaphore);
            const auto more = instance.acquire_signals.take_semaphores(&semaphore, 1);
            taken.insert(taken.end(), more.begin(), more.end());
        }
    return taken;
}

}  // namespace

VKAPI_ATTR VkResult VKAPI_CALL QueueSubmit(VkQueue queue, uint32_t count, const VkSubmitInfo* submits,
                                           VkFence fence) {
    Instance& instance = instance_of(queue);
    if (VkResult result = before_submit(instance); result != VK_SUCCESS) return result;
    // A batch that signals what an acquire owes goes first, on this queue.
    const std::vector<uint64_t> owed = acquire_signalled_waits(instance, count, submits);
    std::vector<VkSubmitInfo> batches;
    if (!owed.empty()) {
        VkSubmitInfo signal{VK_STRUCTURE_TYPE_SUBMIT_INFO};
        signal.signalSemaphoreCount = static_cast<uint32_t>(owed.size());
        signal.pSignalSemaphores = reinterpret_cast<const VkSemaphore*>(owed.data());
        batches.push_back(signal);
        batches.insert(batches.end(), submits, submits + count);
        submits = batches.data();
        count = static_cast<uint32_t>(batches.size());
    }
    uint64_t slots[4] = {slot(queue), count, slot(submits), reinterpret_cast<uint64_t>(fence)};
    return static_cast<VkResult>(invoke(vv::index::vkQueueSubmit, slots, false));
}

VKAPI_ATTR VkResult VKAPI_CALL QueueSubmit2(VkQueue queue, uint32_t count,
                                            const VkSubmitInfo2* submits, VkFence fence) {
    Instance& instance = instance_of(queue);
    if (VkResult result = before_submit(instance); result != VK_SUCCESS) return result;
    const std::vector<uint64_t> owed = acquire_signalled_waits(instance, count, submits);
    std::vector<VkSemaphoreSubmitInfo> signals;
    std::vector<VkSubmitInfo2> batches;
    if (!owed.empty()) {
        for (uint64_t semaphore : owed) {
            VkSemaphoreSubmitInfo info{VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO};
            info.semaphore = reinterpret_cast<VkSemaphore>(semaphore);
            info.stageMask = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT;
            signals.push_back(info);
        }
        VkSubmitInfo2 signal{VK_STRUCTURE_TYPE_SUBMIT_INFO_2};
        signal.signalSemaphoreInfoCount = static_cast<uint32_t>(signals.size());
        signal.pSignalSemaphoreInfos = signals.data();
        batches.push_back(signal);
        batches.insert(batches.end(), submits, submits + count);
        submits = batches.data();
        count = static_cast<uint32_t>(batches.size());
    }
    uint64_t slots[4] = {slot(queue), count, slot(submits), reinterpret_cast<uint64_t>(fence)};
    return static_cast<VkResult>(invoke(vv::index::vkQueueSubmit2, slots, false));
}

VKAPI_ATTR VkResult VKAPI_CALL QueueWaitIdle(VkQueue queue) {
    uint64_t slots[1] = {slot(queue)};
    const auto result = static_cast<VkResult>(invoke(vv::index::vkQueueWaitIdle, slots, true));
    return after_wait(instance_of(queue), result);
}

VKAPI_ATTR VkResult VKAPI_CALL DeviceWaitIdle(VkDevice device) {
    uint64_t slots[1] = {slot(device)};
    const auto result = static_cast<VkResult>(invoke(vv::index::vkDeviceWaitIdle, slots, true));
    return after_wait(instance_of(device), result);
}

// Long waits are cut into slices so the server, which serves this client on
// one thread, gets to the application's other threads in between: one of
// them may be about to submit the work that signals what this one waits for.
template <typename WaitSlice>
VkResult sliced_wait(uint64_t timeout_ns, WaitSlice wait) {
    constexpr uint64_t kSliceNs = 2'000'000;
    const auto start = std::chrono::steady_clock::now();
    for (;;) {
        const uint64_t elapsed = static_cast<uint64_t>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start)
                .count());
        const uint64_t remaining = timeout_ns > elapsed ? timeout_ns - elapsed : 0;
        const VkResult result = wait(std::min(remaining, kSliceNs));
        if (result != VK_TIMEOUT || remaining <= kSliceNs) return result;
    }
}

VKAPI_ATTR VkResult VKAPI_CALL WaitForFences(VkDevice device, uint32_t count, const VkFence* fences,
                                             VkBool32 wait_all, uint64_t timeout) {
    // Fences an acquire signalled are signalled here, not on the host.
    const AcquireSignals& acquired = instance_of(device).acquire_signals;
    std::vector<VkFence> host_fences;
    if (acquired.any_fences()) {
        for (uint32_t i = 0; i < count; ++i) {
            if (!acquired.fence_signalled(reinterpret_cast<uint64_t>(fences[i])))
                host_fences.push_back(fences[i]);
            else if (!wait_all)
                return after_wait(instance_of(device), VK_SUCCESS);
        }
        if (host_fences.empty()) return after_wait(instance_of(device), VK_SUCCESS);
        fences = host_fences.data();
        count = static_cast<uint32_t>(host_fences.size());
    }
    const VkResult result = sliced_wait(timeout, [&](uint64_t slice) {
        uint64_t slots[5] = {slot(device), count, slot(fences), wait_all, slice};
        return static_cast<VkResult>(invoke(vv::index::vkWaitForFences, slots, true));
    });
    return after_wait(instance_of(device), result);
}

VKAPI_ATTR VkResult VKAPI_CALL GetFenceStatus(VkDevice device, VkFence fence) {
    if (instance_of(device).acquire_signals.fence_signalled(reinterpret_cast<uint64_t>(fence)))
        return after_wait(instance_of(device), VK_SUCCESS);
    uint64_t slots[2] = {slot(device), reinterpret_cast<uint64_t>(fence)};
    const auto result = static_cast<VkResult>(invoke(vv::index::vkGetFenceStatus, slots, true));
    return after_wait(instance_of(device), result);
}

VKAPI_ATTR VkResult VKAPI_CALL ResetFences(VkDevice device, uint32_t count, const VkFence* fences) {
    AcquireSignals& acquired = instance_of(device).acquire_signals;
    for (uint32_t i = 0; i < count; ++i) acquired.reset_fence(reinterpret_cast<uint64_t>(fences[i]));
    uint64_t slots[3] = {slot(device), count, slot(fences)};
    return static_cast<VkResult>(invoke(vv::index::vkResetFences, slots, false));
}

VKAPI_ATTR VkResult VKAPI_CALL WaitSemaphores(VkDevice device, const VkSemaphoreWaitInfo* info,
                                              uint64_t timeout) {
    const VkResult result = sliced_wait(timeout, [&](uint64_t slice) {
        uint64_t slots[3] = {slot(device), slot(info), slice};
        return static_cast<VkResult>(invoke(vv::index::vkWaitSemaphores, slots, true));
    });
    return after_wait(instance_of(device), result);
}

}  // namespace rendersock::icd
