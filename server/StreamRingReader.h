#pragma once
// The server end of a context's shared-memory command ring: sleeps on the
// client's doorbell, copies entries out of the shared pages (the client may
// scribble on them at any time) and hands whole streams to the context.

#include <asio/io_context.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <functional>
#include <memory>
#include <vector>

#include "server/Status.h"
#include "shm/Doorbell.h"
#include "shm/Ring.h"

namespace rendersock::server {

class StreamRingReader : public std::enable_shared_from_this<StreamRingReader> {
public:
    using Deliver = std::function<Status(uint32_t ring, std::span<const std::byte> stream)>;
    using Failed = std::function<void(const Status&)>;

    StreamRingReader(asio::io_context& io, shm::RingConsumer consumer, shm::UniqueFd doorbell_fd,
                     uint64_t max_stream_bytes, Deliver deliver, Failed failed);

    void start();
    void stop();
    // Hands over every complete stream the client had published when the
    // call began; what it writes meanwhile waits for the next call. Called
    // before any socket message of the same context so the two paths stay
    // in order (what a thread wrote before sending that message is in), and
    // bounded so a thread that never stops writing cannot starve the socket.
    Status drain();

private:
    void wait_for_doorbell();
    void on_doorbell();
    void process();
    void process_later();

    shm::RingConsumer consumer_;
    asio::posix::stream_descriptor doorbell_;
    uint64_t max_stream_bytes_;
    Deliver deliver_;
    Failed failed_;
    std::vector<std::byte> entry_;
    std::vector<std::byte> stream_;  // a stream split over several entries
    bool stopped_ = false;
};

}  // namespace rendersock::server
