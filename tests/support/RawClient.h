#pragma once
// A client that speaks raw bytes, for feeding the server broken input.

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "wire/FrameReader.h"
#include "wire/Message.h"

namespace rendersock::testing {

class RawClient {
public:
    explicit RawClient(const std::string& address);
    void send_bytes(std::span<const std::byte> bytes);
    void send_preamble();
    // Preamble + Hello, and reads the Welcome.
    void handshake();
    void send_frame(const wire::OutgoingFrame& frame);
    // The next frame, or nullopt when the server closed the connection (or
    // nothing came within the timeout: `timed_out` tells which).
    std::optional<wire::Frame> read(std::chrono::milliseconds timeout = std::chrono::seconds(5));
    bool closed_by_server(std::chrono::milliseconds timeout = std::chrono::seconds(5));
    bool timed_out() const { return timed_out_; }
    int fd() const { return sock_.get(); }

private:
    shm::UniqueFd sock_;
    wire::FrameReader reader_;
    bool timed_out_ = false;
};

// The Error body of a frame, if it is one.
const wire::fb::Error* as_error(const wire::Frame& frame);

}  // namespace rendersock::testing
