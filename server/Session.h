#pragma once
// One client connection: reads frames (with their fds) from the socket,
// verifies them and hands them to the ClientSession; writes answers with one
// write in flight and a queue behind it. Reading pauses while too much is
// queued for a client that does not read its answers.

#include <asio/io_context.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <deque>
#include <functional>
#include <memory>

#include "server/ClientSession.h"
#include "server/SessionRecorder.h"
#include "wire/FrameReader.h"

namespace rendersock::server {

class Session final : public std::enable_shared_from_this<Session>, public Outbox {
public:
    Session(asio::io_context& io, shm::UniqueFd sock, SessionConfig config,
            std::function<void()> on_closed);
    ~Session() override;

    void start();
    void shutdown(const std::string& reason);

    // Outbox
    void send(wire::OutgoingFrame frame) override;
    void close_after_flush(const std::string& reason) override;

private:
    void wait_readable();
    void on_readable();
    void handle_frame(wire::Frame& frame);
    void handle_verified(const wire::fb::Message* message, wire::Frame& frame);
    void flush();
    void close(const std::string& reason);

    asio::posix::stream_descriptor stream_;
    uint32_t client_id_;
    wire::FrameReader reader_;
    std::unique_ptr<SessionRecorder> recorder_;  // --record; before client_, which points to it
    std::unique_ptr<ClientSession> client_;
    std::deque<wire::OutgoingFrame> outgoing_;
    size_t outgoing_offset_ = 0;
    size_t outgoing_bytes_ = 0;
    bool write_waiting_ = false;
    bool read_waiting_ = false;
    bool closing_ = false;
    bool closed_ = false;
    std::function<void()> on_closed_;
};

}  // namespace rendersock::server
