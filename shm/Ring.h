#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "shm/Doorbell.h"
#include "shm/Mapping.h"

namespace rendersock::shm {

// Layout and arithmetic shared by both ends of a single-producer /
// single-consumer ring of entries living in shared memory.
//
//   [0, 4096)                 Header (below)
//   [4096, 4096 + capacity)   data: entries, each {u32 size, u32 tag} + payload
//                             padded to 8 bytes; payloads may wrap around.
//
// head and tail count bytes ever published/consumed (they never wrap in
// practice); position = counter & (capacity - 1). The memory must start out
// zero-filled (a fresh memfd is), which is the valid empty state.
class Ring {
  public:
    struct Header {
        alignas(64) std::atomic<uint64_t> head;  // written by the producer only
        alignas(64) std::atomic<uint64_t> tail;  // written by the consumer only
        alignas(64) std::atomic<uint32_t> consumer_sleeping;
        alignas(64) std::atomic<uint32_t> producer_waiting;
    };

    static constexpr size_t kHeaderBytes = 4096;
    static constexpr size_t kEntryHeaderBytes = 8;
    static constexpr size_t kMinCapacity = 4096;

    // Bytes of shared memory a ring of `capacity` data bytes needs.
    static size_t bytes_for(size_t capacity);
    // Power of two and at least kMinCapacity.
    static bool valid_capacity(size_t capacity);
    static constexpr uint64_t padded(uint64_t size) { return (size + 7) & ~uint64_t{7}; }
    static constexpr uint64_t entry_bytes(uint64_t payload) {
        return kEntryHeaderBytes + padded(payload);
    }
};

// Writes entries. The producer may be a hostile client; nothing here protects
// the consumer from it, the consumer validates everything itself.
//
// Takes ownership of the mapping (at least Ring::bytes_for(capacity) bytes,
// read-write). `consumer_bell` is rung when the consumer announced it sleeps;
// `space_bell`, if given, is the one the consumer rings when it frees space
// while we wait in write(). Without it write() falls back to short sleeps.
class RingProducer {
  public:
    RingProducer(Mapping mapping, size_t capacity, Doorbell consumer_bell,
                 std::optional<Doorbell> space_bell = std::nullopt);

    // Largest payload that can ever fit into a ring of `capacity`.
    static size_t max_payload(size_t capacity);

    // Appends one entry if there is room right now; false otherwise.
    bool try_write(uint32_t tag, std::span<const std::byte> payload);

    // Waits up to `timeout` for room. False on timeout, and immediately for a
    // payload larger than max_payload() (the caller must use another path).
    bool write(uint32_t tag, std::span<const std::byte> payload, std::chrono::nanoseconds timeout);

  private:
    Ring::Header& header() const;
    std::byte* data() const;
    void copy_in(uint64_t position, std::span<const std::byte> bytes);
    void publish(uint64_t new_head);
    bool wait_for_space(std::chrono::nanoseconds timeout);

    Mapping mapping_;
    size_t capacity_;
    uint64_t head_ = 0;  // our authoritative copy; shared head is only ever stored
    Doorbell consumer_bell_;
    std::optional<Doorbell> space_bell_;
};

// Reads entries out of a ring whose producer is not trusted: whatever the
// producer writes, read() stays in bounds, returns in O(1), and hands out only
// private copies validated after copying.
//
// Takes ownership of the mapping; `capacity` is the one the consumer chose
// when it created the ring (the shared memory is never asked). The ring must
// be fresh: the consumer starts at tail 0. A `producer_bell` that came from
// the peer should go through Doorbell::adopt_from_peer first.
class RingConsumer {
  public:
    enum class ReadStatus { Entry, Empty, Corrupt };

    RingConsumer(Mapping mapping, size_t capacity,
                 std::optional<Doorbell> producer_bell = std::nullopt);

    // Entry: `tag` and `payload` hold the next entry. Empty: nothing published.
    // Corrupt: the producer broke the protocol; sticky from then on.
    ReadStatus read(uint32_t& tag, std::vector<std::byte>& payload, size_t max_payload);

    // Announces that we are about to sleep on our doorbell. Returns false (and
    // withdraws the announcement) if data arrived meanwhile, so do not sleep.
    bool prepare_to_sleep();
    void woke();

    bool corrupt() const { return corrupt_; }

    // Where the producer has published up to now, and where we have read up
    // to: a reader that must not be starved by a producer that never stops
    // reads up to a published position taken once, then does other work.
    uint64_t published() const;
    uint64_t position() const { return tail_; }

  private:
    Ring::Header& header() const;
    std::byte* data() const;
    void copy_out(uint64_t position, std::span<std::byte> out) const;
    ReadStatus mark_corrupt();
    void wake_producer_if_waiting();

    Mapping mapping_;
    size_t capacity_;
    uint64_t tail_ = 0;  // authoritative; the shared tail is only ever stored
    bool corrupt_ = false;
    std::optional<Doorbell> producer_bell_;
};

}  // namespace rendersock::shm
