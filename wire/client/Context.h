#pragma once
// A context on the server (virgl, venus or drm) as the client sees it:
// command submission, fences on its rings, and the fence side channel.

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>

#include "shm/Doorbell.h"
#include "shm/Mapping.h"
#include "shm/Ring.h"
#include "shm/Timeline.h"
#include "wire/client/Connection.h"

namespace rendersock::client {

class Context {
public:
    Context(Connection& connection, fb::CapsetType capset, uint32_t num_rings,
            const std::string& name = {});
    ~Context();
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;

    uint32_t id() const { return id_; }
    uint32_t num_rings() const { return num_rings_; }
    Connection& connection() { return connection_; }

    // Sends a command stream to ring `ring`; streamed, no answer. Goes
    // through the shared-memory stream ring once one is set up.
    void submit(uint32_t ring, std::span<const std::byte> stream);
    // Sends a command stream whose last command asks for an answer, and
    // returns the context's answer (a ContextReply). Throws RemoteError when
    // the context is lost.
    // `fds` travel with the stream (Unix sockets; DRM contexts import them).
    Reply submit_and_wait(uint32_t ring, std::span<const std::byte> stream, std::span<const int> fds = {});
    // The same in two halves: send now (in order), collect the answer later.
    uint32_t submit_for_reply(uint32_t ring, std::span<const std::byte> stream);
    Reply reply_to(uint32_t serial) { return connection_.await(serial); }
    // Fence `fence_id` on `ring` signals once all earlier submits to that ring
    // have completed. Ids must rise on each ring.
    void create_fence(uint32_t ring, uint64_t fence_id);
    // True when signalled, false on timeout. Throws if the context is lost.
    bool wait_fence(uint32_t ring, uint64_t fence_id, std::chrono::nanoseconds timeout);
    uint64_t signalled(uint32_t ring);

    // Moves command streams to a shared-memory ring of `capacity` bytes
    // (Unix sockets only). Returns false where the server cannot.
    bool enable_stream_ring(size_t capacity);
    bool has_stream_ring() const { return ring_producer_ != nullptr; }

    // Throws RemoteError(ContextLost) when the server dropped this context.
    void check_alive();

private:
    bool wait_on_server(uint32_t ring, uint64_t fence_id, std::chrono::nanoseconds timeout);

    Connection& connection_;
    uint32_t id_;
    uint32_t num_rings_;
    std::unique_ptr<shm::TimelineReader> timeline_;
    std::unique_ptr<shm::RingProducer> ring_producer_;
    size_t ring_capacity_ = 0;
    std::mutex ring_mutex_;
};

}  // namespace rendersock::client
