#include "server/Session.h"

#include <sched.h>

#include <asio/post.hpp>
#include <cstring>

#include "shm/FdPassing.h"
#include "wire/transport/SocketIO.h"
#include "wire/Log.h"

namespace rendersock::server {
namespace {

// Stop reading a client's requests while this much is waiting to be sent.
constexpr size_t kMaxQueuedBytes = 32u << 20;

// The message of an outgoing frame. The frame is one the server built
// itself, so its control message needs no verification before it is read.
const wire::fb::Message* sent_message(const wire::OutgoingFrame& frame) {
    return flatbuffers::GetRoot<wire::fb::Message>(frame.bytes.data() + sizeof(wire::FrameHeader));
}

uint32_t answered_serial(const wire::OutgoingFrame& frame) { return sent_message(frame)->serial(); }

std::span<const std::byte> sent_payload(const wire::OutgoingFrame& frame) {
    wire::FrameHeader header;
    std::memcpy(&header, frame.bytes.data(), sizeof(header));
    return std::span<const std::byte>(frame.bytes).subspan(sizeof(header) + header.control_size);
}

std::unique_ptr<SessionRecorder> recorder_for(const SessionConfig& config) {
    if (config.options.record_dir.empty()) return nullptr;
    return std::make_unique<SessionRecorder>(config.options.record_dir, config.client_id,
                                             config.unix_socket);
}

SessionConfig with_recorder(SessionConfig config, SessionRecorder* recorder) {
    config.recorder = recorder;
    return config;
}

wire::FrameLimits frame_limits(const Options& options) {
    wire::FrameLimits limits;
    limits.max_payload_bytes = options.limits.max_message_bytes;
    limits.max_fds = 4;
    return limits;
}

// Why the connection ended, as a replay needs it: a client that left, the
// server refusing the client, or the server going away.
wire::ClosedBy closed_by(const std::string& reason) {
    if (reason == "disconnected" || reason.starts_with("read failed") ||
        reason.starts_with("write failed"))
        return wire::ClosedBy::Client;
    if (reason == "server shutting down") return wire::ClosedBy::ServerShutdown;
    return wire::ClosedBy::Server;
}

}  // namespace

Session::Session(asio::io_context& io, shm::UniqueFd sock, SessionConfig config,
                 std::function<void()> on_closed)
    : stream_(io, sock.release()),
      client_id_(config.client_id),
      reader_(frame_limits(config.options), /*expect_preamble=*/true),
      recorder_(recorder_for(config)),
      client_(std::make_unique<ClientSession>(io, with_recorder(config, recorder_.get()), *this)),
      on_closed_(std::move(on_closed)) {
    stream_.non_blocking(true);
}

Session::~Session() = default;

void Session::start() { wait_readable(); }

void Session::shutdown(const std::string& reason) { close(reason); }

void Session::wait_readable() {
    if (read_waiting_ || closed_ || closing_) return;
    read_waiting_ = true;
    stream_.async_wait(asio::posix::stream_descriptor::wait_read,
                       [self = shared_from_this()](const asio::error_code& error) {
                           self->read_waiting_ = false;
                           if (error || self->closed_) return;
                           self->on_readable();
                       });
}

void Session::on_readable() {
    std::vector<shm::UniqueFd> fds;
    // After an answer the next request usually follows within microseconds;
    // reading again for a short while is far cheaper than a wake-up through
    // epoll. Rounds are bounded so one busy client cannot starve the others
    // in --no-fork mode.
    const auto budget = wire::spin_budget();
    auto spin_until = std::chrono::steady_clock::time_point::min();
    for (int round = 0; round < 64 && !closed_ && !closing_; ++round) {
        auto span = reader_.writable();
        shm::RecvResult result;
        try {
            result = shm::recv_some_with_fds(stream_.native_handle(), span, fds);
        } catch (const std::system_error& e) {
            close(std::string("read failed: ") + e.what());
            return;
        }
        reader_.add_fds(fds);
        if (result.fds_truncated) {
            close("sent more fds in one message than allowed");
            return;
        }
        if (result.eof) {
            close("disconnected");
            return;
        }
        if (result.would_block) {
            if (std::chrono::steady_clock::now() < spin_until) {
                ::sched_yield();  // a client on this CPU gets to run
                continue;
            }
            break;
        }
        reader_.commit(result.bytes);
        spin_until = std::chrono::steady_clock::now() + budget;
        wire::Frame frame;
        for (;;) {
            auto status = reader_.next(frame);
            if (status == wire::FrameReader::Status::NeedMore) break;
            if (status == wire::FrameReader::Status::Error) {
                wire::MessageBuilder builder;
                auto& fbb = builder.fbb();
                send(builder.frame(0, wire::fb::CreateError(fbb, wire::fb::ErrorCode::Malformed,
                                                            fbb.CreateString(reader_.error()))));
                close_after_flush("broken stream: " + reader_.error());
                return;
            }
            handle_frame(frame);
            if (closed_ || closing_) return;
        }
    }
    if (outgoing_bytes_ > kMaxQueuedBytes) return;  // resumed by flush()
    wait_readable();
}

void Session::handle_frame(wire::Frame& frame) {
    client_->stats().message_received(sizeof(frame.header) + frame.control.size() +
                                      frame.payload.size());
    const wire::fb::Message* message = wire::verify_message(frame.control);
    if (recorder_) recorder_->frame_arrived(frame, message);
    handle_verified(message, frame);
    if (recorder_) recorder_->frame_handled();
}

void Session::handle_verified(const wire::fb::Message* message, wire::Frame& frame) {
    if (!message) {
        wire::MessageBuilder builder;
        auto& fbb = builder.fbb();
        send(builder.frame(0, wire::fb::CreateError(fbb, wire::fb::ErrorCode::Malformed,
                                                    fbb.CreateString("malformed control message"))));
        if (!client_->handshaken()) close_after_flush("malformed handshake");
        return;
    }
    client_->handle(*message, frame);
}

void Session::send(wire::OutgoingFrame frame) {
    if (closed_) return;
    // An answer the client waits for: a round trip served.
    if (answered_serial(frame) != 0) client_->stats().round_trip_served();
    if (recorder_) recorder_->sent(*sent_message(frame), sent_payload(frame));
    outgoing_bytes_ += frame.bytes.size();
    outgoing_.push_back(std::move(frame));
    if (!write_waiting_) flush();
}

void Session::flush() {
    while (!outgoing_.empty() && !closed_) {
        auto& frame = outgoing_.front();
        std::vector<int> fds;
        if (outgoing_offset_ == 0)
            for (auto& fd : frame.fds) fds.push_back(fd.get());
        shm::SendResult result;
        try {
            result = shm::send_some_with_fds(stream_.native_handle(),
                                             std::span(frame.bytes).subspan(outgoing_offset_), fds);
        } catch (const std::system_error& e) {
            close(std::string("write failed: ") + e.what());
            return;
        }
        if (result.would_block) {
            write_waiting_ = true;
            stream_.async_wait(asio::posix::stream_descriptor::wait_write,
                               [self = shared_from_this()](const asio::error_code& error) {
                                   self->write_waiting_ = false;
                                   if (!error) self->flush();
                               });
            return;
        }
        outgoing_offset_ += result.bytes;
        if (outgoing_offset_ == frame.bytes.size()) {
            outgoing_bytes_ -= frame.bytes.size();
            outgoing_.pop_front();
            outgoing_offset_ = 0;
        }
    }
    if (closed_) return;
    if (closing_ && outgoing_.empty()) {
        close("closed by the server");
        return;
    }
    if (outgoing_bytes_ <= kMaxQueuedBytes / 2) wait_readable();
}

void Session::close_after_flush(const std::string& reason) {
    if (closing_ || closed_) return;
    RS_WARN("client %u: %s", client_id_, reason.c_str());
    if (recorder_) recorder_->closed(wire::ClosedBy::Server, reason);
    closing_ = true;
    if (!write_waiting_) flush();
}

void Session::close(const std::string& reason) {
    if (closed_) return;
    closed_ = true;
    if (recorder_ && !closing_) recorder_->closed(closed_by(reason), reason);
    if (reason == "disconnected")
        RS_INFO("client %u disconnected", client_id_);
    else if (!closing_)
        RS_WARN("client %u dropped: %s", client_id_, reason.c_str());
    asio::error_code ignored;
    stream_.cancel(ignored);
    stream_.close(ignored);
    // Free the client's contexts, blobs and fds once the handler that may
    // have called us has returned.
    std::shared_ptr<ClientSession> doomed(std::move(client_));
    asio::post(stream_.get_executor(), [doomed] {});
    outgoing_.clear();
    if (on_closed_) {
        auto callback = std::move(on_closed_);
        callback();
    }
}

}  // namespace rendersock::server
