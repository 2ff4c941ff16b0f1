#pragma once
// The signals vkAcquireNextImageKHR owes the application. The image an
// acquire hands out is ready at once (the presenter gave it back after its
// copy finished), so the signals are kept here, in the ICD, and never
// become a submission on one of the device's queues, where they would wait
// behind work already queued there (even work waiting for the host) on a
// queue the application never synchronised with:
// - a fence is answered here (vkWaitForFences, vkGetFenceStatus) until the
//   application resets it;
// - a semaphore is signalled on the host only when a submission waits on it,
//   by a signal-only batch put just before that submission on the same queue.
// Fence and semaphore ids are never reused within an instance, so marks
// left on objects destroyed unwaited are harmless.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <unordered_set>
#include <vector>

namespace rendersock::icd {

class AcquireSignals {
public:
    void signal(uint64_t semaphore, uint64_t fence);

    // The acquire-signalled semaphores among `semaphores`, taken (a wait
    // consumes a signal); empty, without locking, when there are none at all.
    std::vector<uint64_t> take_semaphores(const uint64_t* semaphores, uint32_t count);
    bool fence_signalled(uint64_t fence) const;
    bool any_fences() const { return fence_count_.load(std::memory_order_acquire) != 0; }
    void reset_fence(uint64_t fence);

private:
    mutable std::mutex mutex_;
    std::unordered_set<uint64_t> semaphores_;
    std::unordered_set<uint64_t> fences_;
    std::atomic<size_t> semaphore_count_{0};
    std::atomic<size_t> fence_count_{0};
};

}  // namespace rendersock::icd
