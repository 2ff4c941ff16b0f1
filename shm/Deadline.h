#pragma once

#include <chrono>
#include <ctime>

namespace rendersock::shm {

// steady_clock is CLOCK_MONOTONIC on Linux, so deadlines survive wall-clock jumps.
using Clock = std::chrono::steady_clock;

// Timeouts like nanoseconds::max() must not overflow into the past.
inline Clock::time_point deadline_after(std::chrono::nanoseconds timeout) {
    const auto now = Clock::now();
    if (timeout <= std::chrono::nanoseconds::zero()) {
        return now;
    }
    if (timeout >= Clock::time_point::max() - now) {
        return Clock::time_point::max();
    }
    return now + std::chrono::duration_cast<Clock::duration>(timeout);
}

inline std::chrono::nanoseconds time_left(Clock::time_point deadline) {
    const auto now = Clock::now();
    if (deadline <= now) {
        return std::chrono::nanoseconds::zero();
    }
    return std::chrono::duration_cast<std::chrono::nanoseconds>(deadline - now);
}

inline timespec to_timespec(std::chrono::nanoseconds duration) {
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(duration);
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(secs.count());
    ts.tv_nsec = static_cast<long>((duration - secs).count());
    return ts;
}

}  // namespace rendersock::shm
