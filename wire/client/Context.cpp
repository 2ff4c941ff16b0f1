#include "wire/client/Context.h"

#include <algorithm>
#include <stdexcept>

#include "shm/Memfd.h"
#include "wire/StreamRingEntry.h"

namespace rendersock::client {
namespace {

// Waits on the shared page in slices so a lost context or a dead server is
// noticed even while nothing signals.
constexpr auto kWaitSlice = std::chrono::milliseconds(100);

}  // namespace

Context::Context(Connection& connection, fb::CapsetType capset, uint32_t num_rings,
                 const std::string& name)
    : connection_(connection), id_(connection.allocate_id()), num_rings_(num_rings) {
    wire::MessageBuilder builder;
    auto& fbb = builder.fbb();
    Reply reply = connection_.call(
        builder, fb::CreateContextCreate(fbb, id_, capset, num_rings,
                                         name.empty() ? 0 : fbb.CreateString(name)));
    const auto* created = reply.body<fb::ContextCreated>();
    if (!created) throw ConnectionError("unexpected answer to ContextCreate");
    if (created->has_timeline_page() && reply.frame.fds.size() == 1) {
        timeline_ = std::make_unique<shm::TimelineReader>(shm::Mapping::map(
            reply.frame.fds[0].get(), shm::Timeline::page_bytes(), shm::Mapping::Access::ReadWrite));
    }
}

Context::~Context() {
    ring_producer_.reset();
    try {
        wire::MessageBuilder builder;
        connection_.post(builder, fb::CreateContextDestroy(builder.fbb(), id_));
    } catch (const std::exception&) {
        // The server is gone; so is the context.
    }
}

void Context::check_alive() {
    if (auto reason = connection_.context_lost_reason(id_))
        throw RemoteError(fb::ErrorCode::ContextLost, "context " + std::to_string(id_) +
                                                          " lost: " + *reason);
}

void Context::submit(uint32_t ring, std::span<const std::byte> stream) {
    if (ring_producer_) {
        std::lock_guard lock(ring_mutex_);
        wire::write_stream_ring_entries(*ring_producer_, ring_capacity_, ring, stream);
        return;
    }
    wire::MessageBuilder builder;
    connection_.post(builder, fb::CreateSubmit(builder.fbb(), id_, ring), stream);
}

Reply Context::submit_and_wait(uint32_t ring, std::span<const std::byte> stream, std::span<const int> fds) {
    // Over the socket even with a ring: the server runs the ring dry before
    // any socket message of this context, so the order holds.
    wire::MessageBuilder builder;
    return connection_.call(builder, fb::CreateSubmit(builder.fbb(), id_, ring, true), stream, fds);
}

uint32_t Context::submit_for_reply(uint32_t ring, std::span<const std::byte> stream) {
    wire::MessageBuilder builder;
    return connection_.send_request(builder, fb::CreateSubmit(builder.fbb(), id_, ring, true), stream);
}

void Context::create_fence(uint32_t ring, uint64_t fence_id) {
    wire::MessageBuilder builder;
    connection_.post(builder, fb::CreateFenceCreate(builder.fbb(), id_, ring, fence_id));
}

uint64_t Context::signalled(uint32_t ring) {
    if (timeline_) return timeline_->signalled(ring);
    wire::MessageBuilder builder;
    Reply reply =
        connection_.call(builder, fb::CreateFenceWait(builder.fbb(), id_, ring, ~0ull, 0));
    return reply.body<fb::FenceState>()->signalled_id();
}

bool Context::wait_fence(uint32_t ring, uint64_t fence_id, std::chrono::nanoseconds timeout) {
    if (ring >= num_rings_)
        throw std::out_of_range("ring " + std::to_string(ring) + " of a context with " +
                                std::to_string(num_rings_) + " rings");
    if (!timeline_) return wait_on_server(ring, fence_id, timeout);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        auto remaining = deadline - std::chrono::steady_clock::now();
        auto slice = std::min<std::chrono::nanoseconds>(
            std::max<std::chrono::nanoseconds>(remaining, std::chrono::nanoseconds(0)), kWaitSlice);
        if (timeline_->wait(ring, fence_id, slice)) return true;
        check_alive();
        if (connection_.is_dead())
            throw ConnectionError("server gone while waiting for a fence");
        if (std::chrono::steady_clock::now() >= deadline) return false;
        connection_.poll_events();
    }
}

bool Context::wait_on_server(uint32_t ring, uint64_t fence_id, std::chrono::nanoseconds timeout) {
    wire::MessageBuilder builder;
    Reply reply = connection_.call(
        builder, fb::CreateFenceWait(builder.fbb(), id_, ring, fence_id,
                                     static_cast<uint64_t>(timeout.count())));
    const auto* state = reply.body<fb::FenceState>();
    if (!state) throw ConnectionError("unexpected answer to FenceWait");
    return state->signalled();
}

bool Context::enable_stream_ring(size_t capacity) {
    if (!connection_.has_feature(fb::Feature::StreamRing) || !shm::Ring::valid_capacity(capacity))
        return false;
    shm::UniqueFd memfd = shm::create_sealed_memfd("rendersock-stream-ring",
                                                   shm::Ring::bytes_for(capacity));
    shm::Doorbell consumer_bell = shm::Doorbell::create();
    const int fds[] = {memfd.get(), consumer_bell.fd()};
    wire::MessageBuilder builder;
    Reply reply = connection_.call(
        builder, fb::CreateStreamRingCreate(builder.fbb(), id_, capacity), {}, fds);
    if (!reply.body<fb::StreamRingCreated>() || reply.frame.fds.size() != 1)
        throw ConnectionError("unexpected answer to StreamRingCreate");
    auto mapping = shm::Mapping::map(memfd.get(), shm::Ring::bytes_for(capacity),
                                     shm::Mapping::Access::ReadWrite);
    auto space_bell = shm::Doorbell::adopt(std::move(reply.frame.fds[0]));
    std::lock_guard lock(ring_mutex_);
    ring_capacity_ = capacity;
    ring_producer_ = std::make_unique<shm::RingProducer>(std::move(mapping), capacity,
                                                         std::move(consumer_bell),
                                                         std::move(space_bell));
    return true;
}

}  // namespace rendersock::client
