#include "server/ClientStats.h"

#include <algorithm>
#include <optional>

namespace rendersock::server {
namespace {

constexpr std::array<CounterInfo, kCounterCount> kCounters = {{
    {"venus_contexts", CounterKind::Live},
    {"virgl_contexts", CounterKind::Live},
    {"drm_contexts", CounterKind::Live},
    {"venus_contexts_created", CounterKind::Cumulative},
    {"virgl_contexts_created", CounterKind::Cumulative},
    {"drm_contexts_created", CounterKind::Cumulative},
    {"blobs", CounterKind::Live},
    {"blob_bytes", CounterKind::Live},
    {"blobs_created", CounterKind::Cumulative},
    {"blob_bytes_created", CounterKind::Cumulative},
    {"messages_received", CounterKind::Cumulative},
    {"bytes_received", CounterKind::Cumulative},
    {"ring_streams", CounterKind::Cumulative},
    {"ring_bytes", CounterKind::Cumulative},
    {"round_trips", CounterKind::Cumulative},
    {"fence_waits", CounterKind::Cumulative},
    {"fence_wait_us", CounterKind::Cumulative},
    {"fence_wait_us_max", CounterKind::Maximum},
}};

// Live and created counters of one context type, or nothing for a type the
// table does not know.
struct ContextCounters {
    Counter live;
    Counter created;
};
std::optional<ContextCounters> context_counters(wire::fb::CapsetType type) {
    switch (type) {
        case wire::fb::CapsetType::Venus:
            return ContextCounters{Counter::VenusContexts, Counter::VenusContextsCreated};
        case wire::fb::CapsetType::Virgl:
            return ContextCounters{Counter::VirglContexts, Counter::VirglContextsCreated};
        case wire::fb::CapsetType::Drm:
            return ContextCounters{Counter::DrmContexts, Counter::DrmContextsCreated};
        default:
            return std::nullopt;
    }
}

// Names end up in log lines and JSON: keep printable ASCII only, so a client
// cannot forge log lines or break the JSON.
char printable(char c) { return c >= 0x20 && c < 0x7f ? c : '?'; }

}  // namespace

const CounterInfo& counter_info(Counter counter) { return kCounters[static_cast<size_t>(counter)]; }

void ClientStats::open(uint32_t client_id, bool tcp) {
    client_id_ = client_id;
    tcp_ = tcp;
    pid_ = 0;
    name_length_.store(0, std::memory_order_relaxed);
    for (auto& counter : counters_) counter.store(0, std::memory_order_relaxed);
    state_.store(State::Connected, std::memory_order_release);
}

std::string ClientStats::name() const {
    const uint32_t length = name_length_.load(std::memory_order_acquire);
    return std::string(name_, std::min<size_t>(length, kMaxNameBytes));
}

CounterValues ClientStats::values() const {
    CounterValues values{};
    for (size_t i = 0; i < kCounterCount; ++i)
        values[i] = counters_[i].load(std::memory_order_relaxed);
    return values;
}

void ClientStats::set_name(std::string_view name) {
    const size_t length = std::min(name.size(), kMaxNameBytes);
    std::transform(name.begin(), name.begin() + static_cast<std::ptrdiff_t>(length), name_,
                   printable);
    name_length_.store(static_cast<uint32_t>(length), std::memory_order_release);
}

void ClientStats::context_created(wire::fb::CapsetType type) {
    if (auto counters = context_counters(type)) {
        add(counters->live, 1);
        add(counters->created, 1);
    }
}

void ClientStats::context_destroyed(wire::fb::CapsetType type) {
    if (auto counters = context_counters(type)) subtract(counters->live, 1);
}

void ClientStats::blob_created(uint64_t bytes) {
    add(Counter::Blobs, 1);
    add(Counter::BlobBytes, bytes);
    add(Counter::BlobsCreated, 1);
    add(Counter::BlobBytesCreated, bytes);
}

void ClientStats::blob_destroyed(uint64_t bytes) {
    subtract(Counter::Blobs, 1);
    subtract(Counter::BlobBytes, bytes);
}

void ClientStats::message_received(uint64_t bytes) {
    add(Counter::MessagesReceived, 1);
    add(Counter::BytesReceived, bytes);
}

void ClientStats::ring_stream_received(uint64_t bytes) {
    add(Counter::RingStreams, 1);
    add(Counter::RingBytes, bytes);
}

void ClientStats::fence_wait_answered(std::chrono::steady_clock::duration latency) {
    const auto micros = static_cast<uint64_t>(std::max<int64_t>(
        0, std::chrono::duration_cast<std::chrono::microseconds>(latency).count()));
    add(Counter::FenceWaits, 1);
    add(Counter::FenceWaitMicros, micros);
    // Only the serving process writes its slot, so load-then-store is no race.
    auto& max = at(Counter::FenceWaitMicrosMax);
    if (micros > max.load(std::memory_order_relaxed)) max.store(micros, std::memory_order_relaxed);
}

void ClientStats::add(Counter counter, uint64_t amount) {
    at(counter).fetch_add(amount, std::memory_order_relaxed);
}

void ClientStats::subtract(Counter counter, uint64_t amount) {
    at(counter).fetch_sub(amount, std::memory_order_relaxed);
}

}  // namespace rendersock::server
