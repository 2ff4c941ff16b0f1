#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>

#include "shm/Mapping.h"

namespace rendersock::shm {

// Fence side channel: one shared page with a monotonic "signalled" value per
// ring. The server writes it, the client reads it and sleeps on a futex on the
// slot's generation counter. Values are only meaningful in increasing order.
class Timeline {
  public:
    static constexpr size_t kMaxRings = 64;

    struct alignas(64) Slot {
        std::atomic<uint64_t> signalled;
        std::atomic<uint32_t> generation;  // futex word, bumped on every signal
        std::atomic<uint32_t> waiters;     // a hint so signal() skips idle wakes
    };

    // Size of the shared page (a memfd of this size, zero-filled, is a valid
    // timeline with every slot at 0).
    static size_t page_bytes();
};

// Server side. Never reads anything back from the page to make a decision,
// since the client can write anything there; only `waiters` is consulted, as
// a hint that merely costs the client its wake-ups if it lies.
class TimelineWriter {
  public:
    // Takes ownership of a read-write mapping of at least page_bytes().
    explicit TimelineWriter(Mapping mapping);

    // Publishes `value` for `ring` and wakes its waiters. False (nothing done)
    // if ring >= kMaxRings.
    bool signal(uint32_t ring, uint64_t value);

    // What we last signalled, from our own copy rather than the shared page.
    uint64_t last_signalled(uint32_t ring) const;

  private:
    Timeline::Slot* slot(uint32_t ring) const;

    Mapping mapping_;
    std::array<uint64_t, Timeline::kMaxRings> last_{};
};

// Client side. Thread-safe: any number of threads may wait on any slots.
class TimelineReader {
  public:
    // Takes ownership of a read-write mapping (waiters is written) of at least
    // page_bytes().
    explicit TimelineReader(Mapping mapping);

    // Current value; 0 for a ring index out of range.
    uint64_t signalled(uint32_t ring) const;

    // True once signalled(ring) >= value; false on timeout or bad ring index.
    bool wait(uint32_t ring, uint64_t value, std::chrono::nanoseconds timeout) const;

  private:
    Timeline::Slot* slot(uint32_t ring) const;

    Mapping mapping_;
};

}  // namespace rendersock::shm
