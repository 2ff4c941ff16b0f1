#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "shm/Mapping.h"
#include "shm/Memfd.h"
#include "shm/Timeline.h"

using namespace rendersock::shm;
using namespace std::chrono_literals;

namespace {

struct TestTimeline {
    TestTimeline()
        : fd(create_sealed_memfd("timeline", Timeline::page_bytes())),
          writer(map()),
          reader(map()) {}

    Mapping map() const {
        return Mapping::map(fd.get(), Timeline::page_bytes(), Mapping::Access::ReadWrite);
    }

    UniqueFd fd;
    TimelineWriter writer;
    TimelineReader reader;
};

using Clock = std::chrono::steady_clock;

}  // namespace

TEST_CASE("timeline: fresh page reads zero, signals are visible") {
    TestTimeline t;
    CHECK(t.reader.signalled(0) == 0);
    CHECK(t.reader.wait(3, 0, 0ns));
    CHECK(t.writer.signal(3, 42));
    CHECK(t.reader.signalled(3) == 42);
    CHECK(t.reader.signalled(4) == 0);
    CHECK(t.writer.last_signalled(3) == 42);
    CHECK(t.reader.wait(3, 42, 0ns));
    CHECK(t.reader.wait(3, 41, 0ns));
    CHECK_FALSE(t.reader.wait(3, 43, 0ns));
}

TEST_CASE("timeline: wait times out on time") {
    TestTimeline t;
    t.writer.signal(0, 5);
    const auto start = Clock::now();
    CHECK_FALSE(t.reader.wait(0, 6, 50ms));
    const auto elapsed = Clock::now() - start;
    CHECK(elapsed >= 45ms);
    CHECK(elapsed < 2s);
}

TEST_CASE("timeline: a signal from another thread wakes the waiter early") {
    TestTimeline t;
    std::thread signaller([&] {
        std::this_thread::sleep_for(30ms);
        t.writer.signal(7, 1);
    });
    const auto start = Clock::now();
    CHECK(t.reader.wait(7, 1, 20s));
    CHECK(Clock::now() - start < 5s);
    signaller.join();
}

TEST_CASE("timeline: several waiters on one slot all wake") {
    TestTimeline t;
    constexpr int kWaiters = 6;
    std::atomic<int> woken{0};
    std::vector<std::thread> waiters;
    for (int i = 0; i < kWaiters; ++i) {
        waiters.emplace_back([&] {
            if (t.reader.wait(2, 10, 20s)) {
                ++woken;
            }
        });
    }
    std::this_thread::sleep_for(50ms);
    CHECK(woken.load() == 0);
    const auto start = Clock::now();
    t.writer.signal(2, 10);
    for (auto& w : waiters) {
        w.join();
    }
    CHECK(woken.load() == kWaiters);
    CHECK(Clock::now() - start < 5s);
}

TEST_CASE("timeline: values signalled in order are observed monotonic") {
    TestTimeline t;
    constexpr uint64_t kLast = 200000;
    std::atomic<bool> regressed{false};
    std::thread observer([&] {
        uint64_t previous = 0;
        while (previous < kLast) {
            const uint64_t now = t.reader.signalled(1);
            if (now < previous) {
                regressed = true;
                return;
            }
            previous = now;
        }
    });
    std::thread waiter([&] {
        for (uint64_t v = 1000; v <= kLast; v += 1000) {
            if (!t.reader.wait(1, v, 20s)) {
                regressed = true;
                return;
            }
        }
    });
    for (uint64_t v = 1; v <= kLast; ++v) {
        t.writer.signal(1, v);
    }
    observer.join();
    waiter.join();
    CHECK_FALSE(regressed.load());
}

TEST_CASE("timeline: ring index out of range is refused") {
    TestTimeline t;
    CHECK_FALSE(t.writer.signal(Timeline::kMaxRings, 1));
    CHECK_FALSE(t.writer.signal(~0u, 1));
    CHECK(t.writer.last_signalled(64) == 0);
    CHECK(t.reader.signalled(64) == 0);
    CHECK_FALSE(t.reader.wait(64, 0, 10ms));
    CHECK_FALSE(t.reader.wait(~0u, 1, 10ms));
}

TEST_CASE("timeline: a client scribbling on the page does not confuse the writer") {
    TestTimeline t;
    Mapping scribbler = t.map();
    auto* slots = reinterpret_cast<Timeline::Slot*>(scribbler.data());
    t.writer.signal(5, 100);
    slots[5].signalled.store(1);
    slots[5].waiters.store(~0u);  // a lying hint only costs wake-up syscalls
    CHECK(t.writer.last_signalled(5) == 100);
    CHECK(t.writer.signal(5, 101));
    CHECK(t.reader.signalled(5) == 101);
}

TEST_CASE("timeline: cross-process signal after fork") {
    UniqueFd fd = create_sealed_memfd("timeline-xproc", Timeline::page_bytes());
    TimelineReader reader(
        Mapping::map(fd.get(), Timeline::page_bytes(), Mapping::Access::ReadWrite));
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        // Only async-signal-safe-ish work here: map, sleep, signal, _exit.
        int status = 1;
        try {
            TimelineWriter writer(
                Mapping::map(fd.get(), Timeline::page_bytes(), Mapping::Access::ReadWrite));
            ::usleep(50000);
            status = writer.signal(9, 77) ? 0 : 2;
        } catch (...) {
            status = 3;
        }
        ::_exit(status);
    }
    const auto start = Clock::now();
    const bool signalled = reader.wait(9, 77, 20s);
    const auto elapsed = Clock::now() - start;
    int status = -1;
    REQUIRE(::waitpid(child, &status, 0) == child);
    CHECK(signalled);
    CHECK(elapsed >= 30ms);
    CHECK(elapsed < 10s);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(reader.signalled(9) == 77);
}
