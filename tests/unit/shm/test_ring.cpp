#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

#include "shm/Doorbell.h"
#include "shm/Mapping.h"
#include "shm/Memfd.h"
#include "shm/Ring.h"

using namespace rendersock::shm;
using namespace std::chrono_literals;
using ReadStatus = RingConsumer::ReadStatus;

namespace {

// A ring as two processes would see it: one memfd, one mapping per side, plus
// a third mapping the tests use to play a hostile producer.
struct TestRing {
    explicit TestRing(size_t capacity_, bool space_bell = true)
        : capacity(capacity_),
          fd(create_sealed_memfd("ring", Ring::bytes_for(capacity))),
          consumer_bell(Doorbell::create()),
          space(Doorbell::create()),
          producer(map(), capacity, consumer_bell.duplicate(),
                   space_bell ? std::optional<Doorbell>(space.duplicate()) : std::nullopt),
          consumer(map(), capacity,
                   space_bell ? std::optional<Doorbell>(space.duplicate()) : std::nullopt),
          hostile(map()) {}

    Mapping map() const {
        return Mapping::map(fd.get(), Ring::bytes_for(capacity), Mapping::Access::ReadWrite);
    }
    Ring::Header& header() const { return *reinterpret_cast<Ring::Header*>(hostile.data()); }
    std::byte* data() const { return hostile.data() + Ring::kHeaderBytes; }
    void poke_entry_header(uint64_t position, uint32_t size, uint32_t tag) const {
        const uint32_t words[2] = {size, tag};
        std::memcpy(data() + (position & (capacity - 1)), words, sizeof(words));
    }

    size_t capacity;
    UniqueFd fd;
    Doorbell consumer_bell;
    Doorbell space;
    RingProducer producer;
    RingConsumer consumer;
    Mapping hostile;
};

// Deterministic payload content so the consumer can check every byte without
// the producer having to share anything with it.
void fill(std::vector<std::byte>& out, uint64_t seed, size_t size) {
    out.resize(size);
    uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
    size_t i = 0;
    for (; i + 8 <= size; i += 8) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        std::memcpy(out.data() + i, &x, 8);
    }
    for (; i < size; ++i) {
        out[i] = static_cast<std::byte>(x >> (8 * (i % 8)));
    }
}

uint64_t fnv(uint64_t hash, std::span<const std::byte> bytes) {
    for (std::byte b : bytes) {
        hash = (hash ^ static_cast<uint64_t>(b)) * 0x100000001b3ull;
    }
    return hash;
}

std::span<const std::byte> bytes_of(const char* s) {
    return std::as_bytes(std::span(s, std::strlen(s)));
}

}  // namespace

TEST_CASE("ring: layout constants") {
    CHECK(Ring::bytes_for(4096) == 8192);
    CHECK(Ring::valid_capacity(1 << 20));
    CHECK_FALSE(Ring::valid_capacity(2048));
    CHECK_FALSE(Ring::valid_capacity(4096 + 8));
    CHECK_THROWS_AS((void)Ring::bytes_for(1000), std::invalid_argument);
    CHECK(RingProducer::max_payload(4096) == 4088);
    CHECK(Ring::entry_bytes(0) == 8);
    CHECK(Ring::entry_bytes(1) == 16);
    CHECK(Ring::entry_bytes(8) == 16);
}

TEST_CASE("ring: constructors refuse a bad capacity or a short mapping") {
    UniqueFd fd = create_sealed_memfd("short", 8192);
    auto map = [&] { return Mapping::map(fd.get(), 8192, Mapping::Access::ReadWrite); };
    CHECK_THROWS_AS(RingConsumer(map(), 8192), std::invalid_argument);
    CHECK_THROWS_AS(RingConsumer(map(), 3000), std::invalid_argument);
    CHECK_THROWS_AS(RingProducer(map(), 8192, Doorbell::create()), std::invalid_argument);
    CHECK_NOTHROW(RingConsumer(map(), 4096));
}

TEST_CASE("ring: odd-sized entries wrap around for many laps") {
    TestRing ring(4096);
    std::mt19937 rng(42);
    std::uniform_int_distribution<size_t> size_dist(0, 1500);
    uint64_t written_hash = 0xcbf29ce484222325ull;
    uint64_t read_hash = written_hash;
    uint64_t next_write = 0;
    uint64_t next_read = 0;
    std::vector<std::byte> payload;
    std::vector<std::byte> expected;
    std::vector<std::byte> got;
    size_t pending_size = size_dist(rng) | 1;
    while (next_read < 20000) {
        // Fill until full, then drain a random number of entries.
        for (;;) {
            fill(payload, next_write, pending_size);
            if (!ring.producer.try_write(static_cast<uint32_t>(next_write), payload)) {
                break;
            }
            written_hash = fnv(written_hash, payload);
            ++next_write;
            pending_size = size_dist(rng) | 1;  // odd sizes exercise the padding
        }
        const uint64_t to_read = 1 + rng() % (next_write - next_read);
        for (uint64_t i = 0; i < to_read; ++i) {
            uint32_t tag = 0;
            REQUIRE(ring.consumer.read(tag, got, 4096) == ReadStatus::Entry);
            REQUIRE(tag == static_cast<uint32_t>(next_read));
            fill(expected, next_read, got.size());
            REQUIRE(got == expected);
            read_hash = fnv(read_hash, got);
            ++next_read;
        }
    }
    while (next_read < next_write) {
        uint32_t tag = 0;
        REQUIRE(ring.consumer.read(tag, got, 4096) == ReadStatus::Entry);
        read_hash = fnv(read_hash, got);
        ++next_read;
    }
    uint32_t tag = 0;
    CHECK(ring.consumer.read(tag, got, 4096) == ReadStatus::Empty);
    CHECK(read_hash == written_hash);
    CHECK(ring.header().head.load() > 100 * ring.capacity);  // many laps
}

TEST_CASE("ring: empty payloads and an entry exactly the size of the ring") {
    TestRing ring(4096);
    std::vector<std::byte> got(5);
    uint32_t tag = 0;
    CHECK(ring.producer.try_write(7, {}));
    CHECK(ring.consumer.read(tag, got, 0) == ReadStatus::Entry);
    CHECK(tag == 7);
    CHECK(got.empty());

    std::vector<std::byte> biggest;
    fill(biggest, 1, RingProducer::max_payload(4096));
    CHECK(ring.producer.try_write(8, biggest));  // wraps: head is at 8 now
    CHECK_FALSE(ring.producer.try_write(9, {}));
    CHECK(ring.consumer.read(tag, got, 4096) == ReadStatus::Entry);
    CHECK(got == biggest);
}

TEST_CASE("ring: full ring, timeouts, and back-pressure release") {
    TestRing ring(4096);
    const std::vector<std::byte> entry(1000, std::byte{1});
    int written = 0;
    while (ring.producer.try_write(static_cast<uint32_t>(written), entry)) {
        ++written;
    }
    CHECK(written == 4);  // 4 * 1008 fits in 4096, a fifth does not
    CHECK_FALSE(ring.producer.try_write(99, entry));

    const auto start = std::chrono::steady_clock::now();
    CHECK_FALSE(ring.producer.write(99, entry, 30ms));
    const auto waited = std::chrono::steady_clock::now() - start;
    CHECK(waited >= 25ms);
    CHECK(waited < 2s);
    CHECK(ring.header().producer_waiting.load() == 0);

    std::atomic<bool> done{false};
    std::chrono::steady_clock::duration blocked{};
    std::thread writer([&] {
        const auto t0 = std::chrono::steady_clock::now();
        done = ring.producer.write(99, entry, 10s);
        blocked = std::chrono::steady_clock::now() - t0;
    });
    std::this_thread::sleep_for(30ms);
    CHECK_FALSE(done.load());
    std::vector<std::byte> got;
    uint32_t tag = 0;
    REQUIRE(ring.consumer.read(tag, got, 4096) == ReadStatus::Entry);
    writer.join();
    CHECK(done.load());
    CHECK(blocked < 5s);  // woken by the space doorbell, not by the timeout
    for (int expected : {1, 2, 3, 99}) {
        REQUIRE(ring.consumer.read(tag, got, 4096) == ReadStatus::Entry);
        CHECK(tag == static_cast<uint32_t>(expected));
    }
    CHECK(ring.consumer.read(tag, got, 4096) == ReadStatus::Empty);
}

TEST_CASE("ring: back-pressure without a space doorbell falls back to polling") {
    TestRing ring(4096, false);
    const std::vector<std::byte> entry(2000);
    REQUIRE(ring.producer.try_write(1, entry));
    REQUIRE(ring.producer.try_write(2, entry));
    std::thread reader([&] {
        std::this_thread::sleep_for(20ms);
        std::vector<std::byte> got;
        uint32_t tag = 0;
        (void)ring.consumer.read(tag, got, 4096);
    });
    CHECK(ring.producer.write(3, entry, 10s));
    reader.join();
}

TEST_CASE("ring: an entry too large for the ring is refused up front") {
    TestRing ring(4096);
    const std::vector<std::byte> huge(RingProducer::max_payload(4096) + 1);
    CHECK_FALSE(ring.producer.try_write(1, huge));
    const auto start = std::chrono::steady_clock::now();
    CHECK_FALSE(ring.producer.write(1, huge, 10s));
    CHECK(std::chrono::steady_clock::now() - start < 1s);
    CHECK(ring.header().head.load() == 0);
}

TEST_CASE("ring: producer and consumer threads move 200 MB through doorbells") {
    constexpr size_t kTotal = 200u << 20;
    TestRing ring(1 << 20);
    std::atomic<bool> producer_failed{false};
    std::atomic<uint32_t> consumed{0};
    size_t producer_blocked = 0;
    // Every 256 entries the producer lets the consumer drain everything and
    // then pauses, so the consumer is sure to go to sleep however slow it is
    // (sanitizers); the consumer's own pauses make the producer block.
    auto pause_until_drained = [&](uint32_t seq) {
        const auto deadline = std::chrono::steady_clock::now() + 30s;
        while (consumed.load() < seq) {
            if (std::chrono::steady_clock::now() > deadline) {
                return false;
            }
            std::this_thread::sleep_for(100us);
        }
        std::this_thread::sleep_for(2ms);
        return true;
    };
    std::thread producer([&] {
        std::mt19937 rng(7);
        std::vector<std::byte> payload;
        size_t sent = 0;
        for (uint32_t seq = 0; sent < kTotal; ++seq) {
            if (seq % 256 == 255 && !pause_until_drained(seq)) {
                producer_failed = true;
                return;
            }
            fill(payload, seq, std::min<size_t>(kTotal - sent, 1 + rng() % 65536));
            if (!ring.producer.try_write(seq, payload)) {
                ++producer_blocked;
                if (!ring.producer.write(seq, payload, 30s)) {
                    producer_failed = true;  // no REQUIRE off the main thread
                    return;
                }
            }
            sent += payload.size();
        }
    });
    std::mt19937 rng(8);
    std::vector<std::byte> got;
    std::vector<std::byte> expected;
    size_t received = 0;
    size_t sleeps = 0;
    bool ok = true;
    for (uint32_t seq = 0; received < kTotal && ok;) {
        uint32_t tag = 0;
        const ReadStatus status = ring.consumer.read(tag, got, 1 << 20);
        if (status == ReadStatus::Empty) {
            if (ring.consumer.prepare_to_sleep()) {
                ++sleeps;
                ok = ring.consumer_bell.wait(30s);
                ring.consumer.woke();
            }
            continue;
        }
        fill(expected, seq, got.size());
        ok = status == ReadStatus::Entry && tag == seq && got == expected;
        received += got.size();
        consumed.store(++seq);
        if (rng() % 128 == 0) {
            std::this_thread::sleep_for(2ms);  // let the producer fill the ring and block
        }
    }
    producer.join();
    CHECK_FALSE(producer_failed.load());
    CHECK(ok);
    CHECK(received == kTotal);
    CHECK(sleeps > 0);
    CHECK(producer_blocked > 0);
    MESSAGE("consumer slept " << sleeps << " times, producer blocked " << producer_blocked
                              << " times");
}

TEST_CASE("ring: throughput at 4 KiB entries") {
    constexpr size_t kEntry = 4096;
    constexpr size_t kCount = 256 * 1024;  // 1 GiB
    TestRing ring(4 << 20);
    const std::vector<std::byte> payload(kEntry, std::byte{3});
    const auto start = std::chrono::steady_clock::now();
    std::thread producer([&] {
        for (size_t i = 0; i < kCount; ++i) {
            while (!ring.producer.try_write(static_cast<uint32_t>(i), payload)) {
                std::this_thread::yield();
            }
        }
    });
    std::vector<std::byte> got;
    size_t count = 0;
    while (count < kCount) {
        uint32_t tag = 0;
        if (ring.consumer.read(tag, got, kEntry) == ReadStatus::Entry) {
            ++count;
        }
    }
    producer.join();
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    const double gbps = static_cast<double>(kEntry * kCount) / elapsed.count() / 1e9;
    MESSAGE("ring throughput at 4 KiB entries: " << gbps << " GB/s");
    CHECK(got.size() == kEntry);
}

TEST_CASE("ring: hostile producer") {
    TestRing ring(4096);
    std::vector<std::byte> got;
    uint32_t tag = 0;
    auto& consumer = ring.consumer;
    auto read = [&](size_t max_payload = 4096) { return consumer.read(tag, got, max_payload); };
    auto expect_sticky = [&] {
        CHECK(read() == ReadStatus::Corrupt);
        CHECK(consumer.corrupt());
        CHECK_FALSE(consumer.prepare_to_sleep());
        ring.header().head.store(ring.header().tail.load());  // "repair" it: too late
        CHECK(read() == ReadStatus::Corrupt);
    };

    SUBCASE("head behind tail") {
        REQUIRE(ring.producer.try_write(1, bytes_of("hello")));
        REQUIRE(ring.producer.try_write(2, bytes_of("world")));
        REQUIRE(read() == ReadStatus::Entry);
        REQUIRE(read() == ReadStatus::Entry);
        ring.header().head.store(16);  // tail is 32
        expect_sticky();
    }
    SUBCASE("head more than a capacity ahead of tail") {
        ring.header().head.store(4096 + 8);
        expect_sticky();
    }
    SUBCASE("head at a huge value") {
        ring.header().head.store(~uint64_t{0} - 7);
        expect_sticky();
    }
    SUBCASE("head not on an entry boundary") {
        ring.poke_entry_header(0, 0, 1);
        ring.header().head.store(12);
        expect_sticky();
    }
    SUBCASE("entry size larger than max_payload") {
        REQUIRE(ring.producer.try_write(1, std::vector<std::byte>(100)));
        CHECK(read(99) == ReadStatus::Corrupt);
        expect_sticky();
    }
    SUBCASE("entry size near UINT32_MAX") {
        ring.poke_entry_header(0, 0xFFFFFFFFu, 1);
        ring.header().head.store(4096);
        CHECK(read(~size_t{0}) == ReadStatus::Corrupt);
        expect_sticky();
    }
    SUBCASE("entry claims more than was published") {
        ring.poke_entry_header(0, 100, 1);
        ring.header().head.store(16);
        expect_sticky();
    }
    SUBCASE("second entry lies after a valid first one") {
        REQUIRE(ring.producer.try_write(1, bytes_of("fine")));
        ring.poke_entry_header(16, 4000, 2);
        ring.header().head.store(16 + 8 + 64);
        CHECK(read() == ReadStatus::Entry);
        CHECK(tag == 1);
        expect_sticky();
    }
    SUBCASE("producer scribbles the consumer's tail: ignored") {
        REQUIRE(ring.producer.try_write(1, bytes_of("a")));
        ring.header().tail.store(12345);
        CHECK(read() == ReadStatus::Entry);
        CHECK(read() == ReadStatus::Empty);
        CHECK_FALSE(consumer.corrupt());
    }
}

TEST_CASE("ring: random scribbles never crash the consumer") {
    std::mt19937_64 rng(1234);
    for (int round = 0; round < 200; ++round) {
        TestRing ring(4096);
        for (int step = 0; step < 50; ++step) {
            switch (rng() % 4) {
                case 0:
                    ring.header().head.store(rng() % 3 == 0 ? rng() : (rng() % 8192) & ~7ull);
                    break;
                case 1:
                    ring.poke_entry_header(rng() & ~7ull, static_cast<uint32_t>(rng() % 5000),
                                           static_cast<uint32_t>(rng()));
                    break;
                case 2:
                    ring.data()[rng() % 4096] = static_cast<std::byte>(rng());
                    break;
                default:
                    ring.header().consumer_sleeping.store(static_cast<uint32_t>(rng()));
                    break;
            }
            std::vector<std::byte> got;
            uint32_t tag = 0;
            for (int i = 0; i < 4; ++i) {
                const ReadStatus status = ring.consumer.read(tag, got, 2048);
                if (status == ReadStatus::Entry) {
                    CHECK(got.size() <= 2048);
                }
            }
        }
    }
}
