#include "icd/AcquireSignals.h"

namespace rendersock::icd {

void AcquireSignals::signal(uint64_t semaphore, uint64_t fence) {
    std::lock_guard lock(mutex_);
    if (semaphore) semaphores_.insert(semaphore);
    if (fence) fences_.insert(fence);
    semaphore_count_.store(semaphores_.size(), std::memory_order_release);
    fence_count_.store(fences_.size(), std::memory_order_release);
}

std::vector<uint64_t> AcquireSignals::take_semaphores(const uint64_t* semaphores, uint32_t count) {
    std::vector<uint64_t> taken;
    if (count == 0 || semaphore_count_.load(std::memory_order_acquire) == 0) return taken;
    std::lock_guard lock(mutex_);
    for (uint32_t i = 0; i < count; ++i)
        if (semaphores_.erase(semaphores[i])) taken.push_back(semaphores[i]);
    semaphore_count_.store(semaphores_.size(), std::memory_order_release);
    return taken;
}

bool AcquireSignals::fence_signalled(uint64_t fence) const {
    if (!any_fences()) return false;
    std::lock_guard lock(mutex_);
    return fences_.count(fence) != 0;
}

void AcquireSignals::reset_fence(uint64_t fence) {
    if (!any_fences()) return;
    std::lock_guard lock(mutex_);
    fences_.erase(fence);
    fence_count_.store(fences_.size(), std::memory_order_release);
}

}  // namespace rendersock::icd
