#include "shm/Ring.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <new>
#include <stdexcept>
#include <thread>

#include "shm/Deadline.h"

namespace rendersock::shm {
namespace {

// Both processes must agree on the layout and neither may fall back to a lock
// that lives in only one of them.
static_assert(std::atomic<uint64_t>::is_always_lock_free);
static_assert(std::atomic<uint32_t>::is_always_lock_free);
static_assert(std::atomic_ref<uint64_t>::is_always_lock_free);
static_assert(sizeof(std::atomic<uint64_t>) == sizeof(uint64_t));
static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t));
static_assert(sizeof(Ring::Header) <= Ring::kHeaderBytes);

struct EntryHeader {
    uint32_t size;
    uint32_t tag;
};
static_assert(sizeof(EntryHeader) == Ring::kEntryHeaderBytes);

// The entry header is moved as one 64-bit atomic so that the consumer reads it
// exactly once: the compiler can neither tear it nor re-fetch it after checks.
std::atomic_ref<uint64_t> entry_word(std::byte* data, uint64_t offset) {
    return std::atomic_ref<uint64_t>(*std::launder(reinterpret_cast<uint64_t*>(data + offset)));
}

void validate(const Mapping& mapping, size_t capacity) {
    if (!Ring::valid_capacity(capacity) || mapping.size() < Ring::bytes_for(capacity)) {
        throw std::invalid_argument("ring: bad capacity or mapping too small");
    }
}

Ring::Header& header_of(const Mapping& mapping) {
    return *std::launder(reinterpret_cast<Ring::Header*>(mapping.data()));
}

// Clears producer_waiting however write() leaves.
class WaitingFlag {
  public:
    explicit WaitingFlag(std::atomic<uint32_t>& flag) : flag_(flag) {
        flag_.store(1, std::memory_order_seq_cst);
        std::atomic_thread_fence(std::memory_order_seq_cst);
    }
    ~WaitingFlag() { flag_.store(0, std::memory_order_relaxed); }
    WaitingFlag(const WaitingFlag&) = delete;
    WaitingFlag& operator=(const WaitingFlag&) = delete;

  private:
    std::atomic<uint32_t>& flag_;
};

}  // namespace

size_t Ring::bytes_for(size_t capacity) {
    if (!valid_capacity(capacity)) {
        throw std::invalid_argument("Ring::bytes_for: capacity must be a power of two >= 4096");
    }
    return kHeaderBytes + capacity;
}

bool Ring::valid_capacity(size_t capacity) {
    return capacity >= kMinCapacity && std::has_single_bit(capacity) &&
           capacity <= std::numeric_limits<size_t>::max() / 2;
}

// ---------------------------------------------------------------- producer

RingProducer::RingProducer(Mapping mapping, size_t capacity, Doorbell consumer_bell,
                           std::optional<Doorbell> space_bell)
    : mapping_(std::move(mapping)),
      capacity_(capacity),
      consumer_bell_(std::move(consumer_bell)),
      space_bell_(std::move(space_bell)) {
    validate(mapping_, capacity_);
}

size_t RingProducer::max_payload(size_t capacity) {
    if (capacity < Ring::kEntryHeaderBytes) {
        return 0;
    }
    return std::min<size_t>(capacity - Ring::kEntryHeaderBytes,
                            std::numeric_limits<uint32_t>::max());
}

Ring::Header& RingProducer::header() const { return header_of(mapping_); }

std::byte* RingProducer::data() const { return mapping_.data() + Ring::kHeaderBytes; }

bool RingProducer::try_write(uint32_t tag, std::span<const std::byte> payload) {
    if (payload.size() > max_payload(capacity_)) {
        return false;
    }
    const uint64_t needed = Ring::entry_bytes(payload.size());
    const uint64_t used = head_ - header().tail.load(std::memory_order_acquire);
    // A tail the consumer never wrote (used > capacity) reads as "no room".
    if (used > capacity_ || capacity_ - used < needed) {
        return false;
    }
    const EntryHeader entry{static_cast<uint32_t>(payload.size()), tag};
    entry_word(data(), head_ & (capacity_ - 1))
        .store(std::bit_cast<uint64_t>(entry), std::memory_order_relaxed);
    copy_in(head_ + Ring::kEntryHeaderBytes, payload);
    publish(head_ + needed);
    return true;
}

void RingProducer::copy_in(uint64_t position, std::span<const std::byte> bytes) {
    if (bytes.empty()) {
        return;
    }
    const size_t offset = position & (capacity_ - 1);
    const size_t first = std::min(bytes.size(), capacity_ - offset);
    std::memcpy(data() + offset, bytes.data(), first);
    if (first < bytes.size()) {
        std::memcpy(data(), bytes.data() + first, bytes.size() - first);
    }
}

void RingProducer::publish(uint64_t new_head) {
    head_ = new_head;
    header().head.store(new_head, std::memory_order_release);
    // Pairs with the fence in prepare_to_sleep(): either the consumer sees the
    // new head before sleeping, or we see its flag and ring.
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (header().consumer_sleeping.load(std::memory_order_relaxed) != 0) {
        consumer_bell_.ring();
    }
}

bool RingProducer::write(uint32_t tag, std::span<const std::byte> payload,
                         std::chrono::nanoseconds timeout) {
    if (payload.size() > max_payload(capacity_)) {
        return false;
    }
    if (try_write(tag, payload)) {
        return true;
    }
    const auto deadline = deadline_after(timeout);
    // Announce first, then re-check: a read that freed space after our failed
    // attempt but before the flag was visible would otherwise never ring us.
    WaitingFlag waiting(header().producer_waiting);
    for (;;) {
        if (try_write(tag, payload)) {
            return true;
        }
        if (Clock::now() >= deadline || !wait_for_space(time_left(deadline))) {
            return try_write(tag, payload);
        }
    }
}

bool RingProducer::wait_for_space(std::chrono::nanoseconds timeout) {
    if (space_bell_) {
        return space_bell_->wait(timeout);
    }
    // No doorbell from the consumer: poll at a rate that keeps latency low
    // without spinning a core.
    std::this_thread::sleep_for(
        std::min<std::chrono::nanoseconds>(timeout, std::chrono::microseconds(100)));
    return timeout > std::chrono::nanoseconds::zero();
}

// ---------------------------------------------------------------- consumer

RingConsumer::RingConsumer(Mapping mapping, size_t capacity, std::optional<Doorbell> producer_bell)
    : mapping_(std::move(mapping)), capacity_(capacity), producer_bell_(std::move(producer_bell)) {
    validate(mapping_, capacity_);
}

Ring::Header& RingConsumer::header() const { return header_of(mapping_); }

std::byte* RingConsumer::data() const { return mapping_.data() + Ring::kHeaderBytes; }

RingConsumer::ReadStatus RingConsumer::read(uint32_t& tag, std::vector<std::byte>& payload,
                                            size_t max_payload) {
    if (corrupt_) {
        return ReadStatus::Corrupt;
    }
    // Loaded once: every check below is against this value, never a re-read.
    const uint64_t head = header().head.load(std::memory_order_acquire);
    const uint64_t available = head - tail_;  // head behind tail wraps to huge
    if (available == 0) {
        return ReadStatus::Empty;
    }
    if (available > capacity_ || available < Ring::kEntryHeaderBytes || available % 8 != 0) {
        return mark_corrupt();
    }
    const auto entry = std::bit_cast<EntryHeader>(
        entry_word(data(), tail_ & (capacity_ - 1)).load(std::memory_order_relaxed));
    if (entry.size > max_payload || Ring::entry_bytes(entry.size) > available) {
        return mark_corrupt();
    }
    payload.resize(entry.size);
    copy_out(tail_ + Ring::kEntryHeaderBytes, payload);
    tag = entry.tag;
    tail_ += Ring::entry_bytes(entry.size);
    header().tail.store(tail_, std::memory_order_release);
    wake_producer_if_waiting();
    return ReadStatus::Entry;
}

void RingConsumer::copy_out(uint64_t position, std::span<std::byte> out) const {
    if (out.empty()) {
        return;
    }
    const size_t offset = position & (capacity_ - 1);
    const size_t first = std::min(out.size(), capacity_ - offset);
    std::memcpy(out.data(), data() + offset, first);
    if (first < out.size()) {
        std::memcpy(out.data() + first, data(), out.size() - first);
    }
}

RingConsumer::ReadStatus RingConsumer::mark_corrupt() {
    corrupt_ = true;
    return ReadStatus::Corrupt;
}

void RingConsumer::wake_producer_if_waiting() {
    if (!producer_bell_) {
        return;
    }
    // Mirror of the producer's WaitingFlag: tail store, fence, flag load.
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (header().producer_waiting.load(std::memory_order_relaxed) != 0) {
        producer_bell_->ring();
    }
}

uint64_t RingConsumer::published() const {
    return header().head.load(std::memory_order_acquire);
}

bool RingConsumer::prepare_to_sleep() {
    if (corrupt_) {
        return false;
    }
    header().consumer_sleeping.store(1, std::memory_order_seq_cst);
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (header().head.load(std::memory_order_acquire) != tail_) {
        woke();
        return false;
    }
    return true;
}

void RingConsumer::woke() { header().consumer_sleeping.store(0, std::memory_order_relaxed); }

}  // namespace rendersock::shm
