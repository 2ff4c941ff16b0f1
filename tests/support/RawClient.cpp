#include "tests/support/RawClient.h"

#include <stdexcept>

#include "wire/transport/SocketIO.h"

namespace rendersock::testing {

RawClient::RawClient(const std::string& address) : reader_(wire::FrameLimits{}) {
    std::string error;
    auto parsed = wire::Address::parse(address, &error);
    if (!parsed) throw std::runtime_error(error);
    sock_ = wire::connect_socket(*parsed, error);
    if (!sock_) throw std::runtime_error(error);
}

void RawClient::send_bytes(std::span<const std::byte> bytes) {
    wire::send_frame(sock_.get(), bytes, {}, {});
}

void RawClient::send_preamble() {
    send_bytes(std::as_bytes(std::span(wire::kPreamble)));
}

void RawClient::handshake() {
    send_preamble();
    wire::MessageBuilder builder;
    auto& fbb = builder.fbb();
    send_frame(builder.frame(1, wire::fb::CreateHello(fbb, wire::kHelloMagic,
                                                      wire::kProtocolVersion, 0,
                                                      fbb.CreateString("raw-test"))));
    auto welcome = read();
    if (!welcome) throw std::runtime_error("no Welcome");
    const auto* message = wire::verify_message(welcome->control);
    if (!message || !message->body_as_Welcome()) throw std::runtime_error("not a Welcome");
}

void RawClient::send_frame(const wire::OutgoingFrame& frame) {
    std::vector<int> fds;
    for (auto& fd : frame.fds) fds.push_back(fd.get());
    wire::send_frame(sock_.get(), frame.bytes, {}, fds);
}

std::optional<wire::Frame> RawClient::read(std::chrono::milliseconds timeout) {
    wire::Frame frame;
    std::string error;
    timed_out_ = false;
    auto status = wire::read_frame(sock_.get(), reader_, frame,
                                   std::chrono::steady_clock::now() + timeout, error);
    if (status == wire::ReadStatus::Frame) return frame;
    timed_out_ = status == wire::ReadStatus::Timeout;
    return std::nullopt;
}

bool RawClient::closed_by_server(std::chrono::milliseconds timeout) {
    // Drain whatever the server says before it closes (an Error frame).
    for (int i = 0; i < 16; ++i) {
        if (!read(timeout)) return !timed_out_;
    }
    return false;
}

const wire::fb::Error* as_error(const wire::Frame& frame) {
    const auto* message = wire::verify_message(frame.control);
    return message ? message->body_as_Error() : nullptr;
}

}  // namespace rendersock::testing
