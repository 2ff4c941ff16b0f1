#include "shm/Timeline.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <new>
#include <stdexcept>

#include "shm/Deadline.h"
#include "shm/SystemError.h"

namespace rendersock::shm {
namespace {

static_assert(std::atomic<uint64_t>::is_always_lock_free);
static_assert(std::atomic<uint32_t>::is_always_lock_free);
// The futex syscall operates on the 32-bit word inside the atomic.
static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t));
static_assert(sizeof(Timeline::Slot) == 64);

constexpr size_t kPageBytes = 4096;
static_assert(sizeof(Timeline::Slot) * Timeline::kMaxRings <= kPageBytes);

uint32_t* futex_word(std::atomic<uint32_t>& atomic) { return reinterpret_cast<uint32_t*>(&atomic); }

// Not FUTEX_PRIVATE_FLAG: the waiter is in another process, so the kernel has
// to key the futex on the shared page, not on our address space.
void futex_wake_all(std::atomic<uint32_t>& word) {
    if (::syscall(SYS_futex, futex_word(word), FUTEX_WAKE, INT_MAX, nullptr, nullptr, 0) < 0) {
        throw_errno("futex(FUTEX_WAKE)");
    }
}

// Sleeps while the word still equals `expected`, at most `timeout`. Spurious
// returns are fine: the caller re-checks its condition in a loop.
void futex_wait(std::atomic<uint32_t>& word, uint32_t expected, std::chrono::nanoseconds timeout) {
    const timespec relative = to_timespec(timeout);
    if (::syscall(SYS_futex, futex_word(word), FUTEX_WAIT, expected, &relative, nullptr, 0) < 0) {
        if (errno != EAGAIN && errno != EINTR && errno != ETIMEDOUT) {
            throw_errno("futex(FUTEX_WAIT)");
        }
    }
}

Timeline::Slot* slots_of(const Mapping& mapping) {
    return std::launder(reinterpret_cast<Timeline::Slot*>(mapping.data()));
}

void validate(const Mapping& mapping) {
    if (mapping.size() < Timeline::page_bytes()) {
        throw std::invalid_argument("timeline: mapping smaller than Timeline::page_bytes()");
    }
}

// Keeps `waiters` balanced on every way out of wait().
class WaiterCount {
  public:
    explicit WaiterCount(std::atomic<uint32_t>& waiters) : waiters_(waiters) {
        waiters_.fetch_add(1, std::memory_order_seq_cst);
    }
    ~WaiterCount() { waiters_.fetch_sub(1, std::memory_order_seq_cst); }
    WaiterCount(const WaiterCount&) = delete;
    WaiterCount& operator=(const WaiterCount&) = delete;

  private:
    std::atomic<uint32_t>& waiters_;
};

}  // namespace

size_t Timeline::page_bytes() {
    const long system_page = ::sysconf(_SC_PAGESIZE);
    return std::max(kPageBytes, system_page > 0 ? static_cast<size_t>(system_page) : kPageBytes);
}

// ---------------------------------------------------------------- writer

TimelineWriter::TimelineWriter(Mapping mapping) : mapping_(std::move(mapping)) {
    validate(mapping_);
}

Timeline::Slot* TimelineWriter::slot(uint32_t ring) const {
    return ring < Timeline::kMaxRings ? slots_of(mapping_) + ring : nullptr;
}

bool TimelineWriter::signal(uint32_t ring, uint64_t value) {
    Timeline::Slot* s = slot(ring);
    if (s == nullptr) {
        return false;
    }
    last_[ring] = value;
    s->signalled.store(value, std::memory_order_release);
    // seq_cst on both sides (here and in TimelineReader::wait) is what makes
    // "bump generation, then look at waiters" race-free against "register as
    // waiter, then read generation and signalled".
    s->generation.fetch_add(1, std::memory_order_seq_cst);
    if (s->waiters.load(std::memory_order_seq_cst) > 0) {
        futex_wake_all(s->generation);
    }
    return true;
}

uint64_t TimelineWriter::last_signalled(uint32_t ring) const {
    return ring < Timeline::kMaxRings ? last_[ring] : 0;
}

// ---------------------------------------------------------------- reader

TimelineReader::TimelineReader(Mapping mapping) : mapping_(std::move(mapping)) {
    validate(mapping_);
}

Timeline::Slot* TimelineReader::slot(uint32_t ring) const {
    return ring < Timeline::kMaxRings ? slots_of(mapping_) + ring : nullptr;
}

uint64_t TimelineReader::signalled(uint32_t ring) const {
    const Timeline::Slot* s = slot(ring);
    return s != nullptr ? s->signalled.load(std::memory_order_acquire) : 0;
}

bool TimelineReader::wait(uint32_t ring, uint64_t value, std::chrono::nanoseconds timeout) const {
    Timeline::Slot* s = slot(ring);
    if (s == nullptr) {
        return false;
    }
    if (s->signalled.load(std::memory_order_acquire) >= value) {
        return true;
    }
    const auto deadline = deadline_after(timeout);
    WaiterCount registered(s->waiters);
    for (;;) {
        // Generation first: if the signal lands after this load, the futex
        // sees a different word and returns at once instead of sleeping.
        const uint32_t generation = s->generation.load(std::memory_order_seq_cst);
        if (s->signalled.load(std::memory_order_seq_cst) >= value) {
            return true;
        }
        const auto remaining = time_left(deadline);
        if (remaining <= std::chrono::nanoseconds::zero()) {
            return false;
        }
        futex_wait(s->generation, generation, remaining);
    }
}

}  // namespace rendersock::shm
