#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "shm/Doorbell.h"
#include "shm/Memfd.h"

using namespace rendersock::shm;
using namespace std::chrono_literals;

TEST_CASE("doorbell: timeout, ring, coalescing, drain") {
    Doorbell bell = Doorbell::create();
    const auto start = std::chrono::steady_clock::now();
    CHECK_FALSE(bell.wait(20ms));
    CHECK(std::chrono::steady_clock::now() - start >= 15ms);

    bell.ring();
    bell.ring();
    bell.ring();
    CHECK(bell.wait(1s));
    CHECK_FALSE(bell.wait(0ns));  // three rings, one wake-up

    bell.ring();
    bell.drain();
    CHECK_FALSE(bell.wait(0ns));
    bell.drain();  // draining an idle bell does not block
}

TEST_CASE("doorbell: another thread wakes a waiter through a duplicate") {
    Doorbell bell = Doorbell::create();
    Doorbell other = bell.duplicate();
    CHECK(other.fd() != bell.fd());
    std::thread ringer([&] {
        std::this_thread::sleep_for(20ms);
        other.ring();
    });
    const auto start = std::chrono::steady_clock::now();
    CHECK(bell.wait(10s));
    CHECK(std::chrono::steady_clock::now() - start < 5s);
    ringer.join();
}

TEST_CASE("doorbell: adopt_from_peer accepts only eventfds") {
    Doorbell bell = Doorbell::create();
    CHECK(Doorbell::adopt_from_peer(UniqueFd(::dup(bell.fd()))).has_value());
    CHECK_FALSE(Doorbell::adopt_from_peer(create_sealed_memfd("not-a-bell", 4096)).has_value());
    int raw[2];
    REQUIRE(::pipe(raw) == 0);
    UniqueFd r(raw[0]);
    CHECK_FALSE(Doorbell::adopt_from_peer(UniqueFd(raw[1])).has_value());
    CHECK_FALSE(Doorbell::adopt_from_peer(UniqueFd()).has_value());
}
