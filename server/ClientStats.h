#pragma once
// One client's counters, updated by the process that serves the client.
// They live in a slot of the StatsTable, memory shared with the parent
// process, so the parent can report every client and the totals even when
// each client is served in its own forked process. Lock-free atomics are
// address-free, so the parent may read while the serving process writes.

#include <sys/types.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "wire/control_generated.h"

namespace rendersock::server {

enum class Counter : uint32_t {
    VenusContexts,
    VirglContexts,
    DrmContexts,
    VenusContextsCreated,
    VirglContextsCreated,
    DrmContextsCreated,
    Blobs,
    BlobBytes,
    BlobsCreated,
    BlobBytesCreated,
    MessagesReceived,
    BytesReceived,
    RingStreams,
    RingBytes,
    RoundTrips,
    FenceWaits,
    FenceWaitMicros,
    FenceWaitMicrosMax,
    Count
};
inline constexpr size_t kCounterCount = static_cast<size_t>(Counter::Count);

// How a counter adds up over clients.
enum class CounterKind {
    Live,        // what a client holds now: totals sum the connected clients
    Cumulative,  // totals sum every client served so far
    Maximum,     // totals take the largest of every client served so far
};

struct CounterInfo {
    const char* json_name;
    CounterKind kind;
};
const CounterInfo& counter_info(Counter counter);
inline const CounterInfo& counter_info(size_t index) {
    return counter_info(static_cast<Counter>(index));
}

using CounterValues = std::array<uint64_t, kCounterCount>;

class ClientStats {
  public:
    enum class State : uint32_t { Free, Connected, Disconnected };
    static constexpr size_t kMaxNameBytes = 64;

    // Set by the parent when it hands the slot to a new client.
    void open(uint32_t client_id, bool tcp);
    void set_pid(pid_t pid) { pid_ = pid; }
    // The connection ended; the serving process may still be exiting.
    void mark_disconnected() { state_.store(State::Disconnected, std::memory_order_release); }
    void mark_free() { state_.store(State::Free, std::memory_order_release); }

    State state() const { return state_.load(std::memory_order_acquire); }
    uint32_t client_id() const { return client_id_; }
    bool tcp() const { return tcp_; }
    pid_t pid() const { return pid_; }
    std::string name() const;
    CounterValues values() const;

    // Events, called by the serving process.
    void set_name(std::string_view name);
    void context_created(wire::fb::CapsetType type);
    void context_destroyed(wire::fb::CapsetType type);
    void blob_created(uint64_t bytes);
    void blob_destroyed(uint64_t bytes);
    void message_received(uint64_t bytes);
    void ring_stream_received(uint64_t bytes);
    void round_trip_served() { add(Counter::RoundTrips, 1); }
    void fence_wait_answered(std::chrono::steady_clock::duration latency);

  private:
    void add(Counter counter, uint64_t amount);
    void subtract(Counter counter, uint64_t amount);
    std::atomic<uint64_t>& at(Counter counter) { return counters_[static_cast<size_t>(counter)]; }

    static_assert(std::atomic<uint64_t>::is_always_lock_free);
    static_assert(std::atomic<uint32_t>::is_always_lock_free);

    std::atomic<State> state_{State::Free};
    uint32_t client_id_ = 0;
    pid_t pid_ = 0;
    bool tcp_ = false;
    // Written once, after the handshake; the length is published last.
    std::atomic<uint32_t> name_length_{0};
    char name_[kMaxNameBytes] = {};
    std::array<std::atomic<uint64_t>, kCounterCount> counters_{};
};

}  // namespace rendersock::server
