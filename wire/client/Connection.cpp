#include "wire/client/Connection.h"

#include <fstream>
#include <sstream>
#include <system_error>

#include "wire/Log.h"
#include "wire/transport/SocketIO.h"

namespace rendersock::client {
namespace {

constexpr auto kForever = std::chrono::steady_clock::time_point::max();

std::string read_token_file() {
    const char* path = std::getenv("RENDERSOCK_TOKEN_FILE");
    if (!path || !*path) return {};
    std::ifstream in(path);
    if (!in) throw ConnectionError(std::string("cannot read the token file ") + path);
    std::stringstream text;
    text << in.rdbuf();
    std::string token = text.str();
    while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back())))
        token.pop_back();
    return token;
}

std::string program_name() {
    std::ifstream comm("/proc/self/comm");
    std::string name;
    std::getline(comm, name);
    return name.empty() ? "client" : name;
}

wire::FrameLimits client_frame_limits() {
    wire::FrameLimits limits;
    limits.max_payload_bytes = 1ull << 31;  // the server is trusted to stay in its own limits
    limits.max_fds = 8;
    return limits;
}

}  // namespace

RemoteError::RemoteError(fb::ErrorCode code, const std::string& message)
    : std::runtime_error(message), code_(code) {}

Connection::Connection(wire::Address address, shm::UniqueFd sock)
    : address_(std::move(address)), sock_(std::move(sock)), reader_(client_frame_limits()) {}

Connection::~Connection() = default;

std::unique_ptr<Connection> Connection::connect(const ConnectOptions& options) {
    const std::string text = options.address.empty() ? wire::Address::default_text()
                                                     : options.address;
    std::string error;
    auto address = wire::Address::parse(text, &error);
    if (!address) throw ConnectionError("bad server address '" + text + "': " + error);
    shm::UniqueFd sock = wire::connect_socket(*address, error);
    if (!sock)
        throw ConnectionError("no rendersock server: " + error +
                              " (start virgl_test_server or set VTEST_SOCKET_NAME)");
    std::unique_ptr<Connection> connection(new Connection(*address, std::move(sock)));
    connection->handshake(options);
    return connection;
}

void Connection::handshake(const ConnectOptions& options) {
    const std::string where = address_.describe();
    wire::MessageBuilder builder;
    auto& fbb = builder.fbb();
    const std::string token = options.token.empty() ? read_token_file() : options.token;
    uint64_t features = options.features;
    if (address_.kind != wire::Address::Kind::Unix)
        features &= ~static_cast<uint64_t>(fb::Feature::FdPassing | fb::Feature::StreamRing |
                                           fb::Feature::TimelinePage);
    auto hello = fb::CreateHello(
        fbb, wire::kHelloMagic, wire::kProtocolVersion, features,
        fbb.CreateString(options.client_name.empty() ? program_name() : options.client_name),
        token.empty() ? 0 : fbb.CreateString(token));
    const uint32_t serial = next_serial();
    auto control = builder.finish(serial, hello);
    const wire::FrameHeader header = wire::header_for(control.size(), 0, 0);
    std::vector<std::byte> head(sizeof(wire::kPreamble) + sizeof(header) + control.size());
    std::memcpy(head.data(), wire::kPreamble.data(), sizeof(wire::kPreamble));
    std::memcpy(head.data() + sizeof(wire::kPreamble), &header, sizeof(header));
    std::memcpy(head.data() + sizeof(wire::kPreamble) + sizeof(header), control.data(),
                control.size());
    try {
        wire::send_frame(sock_.get(), head, {}, {});
    } catch (const std::system_error& e) {
        throw ConnectionError("handshake with " + where + " failed: " + e.what());
    }

    wire::Frame frame;
    const auto deadline = std::chrono::steady_clock::now() + options.handshake_timeout;
    std::string read_error;
    switch (wire::read_frame(sock_.get(), reader_, frame, deadline, read_error)) {
        case wire::ReadStatus::Frame: break;
        case wire::ReadStatus::Timeout:
            throw ConnectionError("no rendersock handshake answer from " + where + " within " +
                                  std::to_string(options.handshake_timeout.count()) +
                                  " ms; is an upstream virgl_test_server listening there?");
        case wire::ReadStatus::Closed:
            throw ConnectionError("the server at " + where +
                                  " closed the connection during the handshake; it is not a "
                                  "rendersock server (upstream virgl_test_server?) or it refused "
                                  "this client, see its log");
        case wire::ReadStatus::Error:
            throw ConnectionError("the server at " + where +
                                  " answered the handshake with something that is not rendersock "
                                  "protocol: " + read_error);
    }
    const fb::Message* message = wire::verify_message(frame.control);
    if (!message) throw ConnectionError("malformed handshake answer from " + where);
    if (const auto* refusal = message->body_as_Error())
        throw ConnectionError("the server at " + where + " refused this client: " +
                              (refusal->message() ? refusal->message()->str() : "no reason"));
    const auto* welcome = message->body_as_Welcome();
    if (!welcome) throw ConnectionError("unexpected handshake answer from " + where);
    info_.version = welcome->server_version() ? welcome->server_version()->str() : "";
    info_.protocol_version = welcome->protocol_version();
    info_.features = welcome->features() & features;
    info_.client_id = welcome->client_id();
    if (welcome->capsets())
        for (const auto* capset : *welcome->capsets())
            info_.capsets.push_back({capset->type(), capset->max_version(),
                                     capset->description() ? capset->description()->str() : ""});
    if (const auto* limits = welcome->limits()) {
        info_.max_message_bytes = limits->max_message_bytes();
        info_.max_blob_bytes = limits->max_blob_bytes();
        info_.max_objects = limits->max_objects();
        info_.max_rings_per_context = limits->max_rings_per_context();
    }
}

bool Connection::has_feature(fb::Feature feature) const {
    return (info_.features & static_cast<uint64_t>(feature)) != 0;
}

bool Connection::offers(fb::CapsetType type) const {
    for (const auto& capset : info_.capsets)
        if (capset.type == type) return true;
    return false;
}

void Connection::send(std::span<const std::byte> control, std::span<const std::byte> payload,
                      std::span<const int> fds) {
    const wire::FrameHeader header = wire::header_for(control.size(), payload.size(), fds.size());
    // Header and control go out in one buffer; the payload follows without a copy.
    std::byte head[sizeof(header) + 1024];
    std::vector<std::byte> large_head;
    std::span<std::byte> packed;
    if (control.size() <= 1024) {
        packed = std::span(head, sizeof(header) + control.size());
    } else {
        large_head.resize(sizeof(header) + control.size());
        packed = large_head;
    }
    std::memcpy(packed.data(), &header, sizeof(header));
    std::memcpy(packed.data() + sizeof(header), control.data(), control.size());
    std::lock_guard lock(send_mutex_);
    if (auto reason = dead_reason(); !reason.empty()) throw ConnectionError(reason);
    try {
        wire::send_frame(sock_.get(), packed, payload, fds);
    } catch (const std::system_error& e) {
        std::lock_guard state(mutex_);
        if (dead_reason_.empty()) dead_reason_ = std::string("the server went away: ") + e.what();
        throw ConnectionError(dead_reason_);
    }
}

Reply Connection::call_serial(uint32_t serial, std::span<const std::byte> control,
                              std::span<const std::byte> payload, std::span<const int> fds) {
    send_expecting(serial, control, payload, fds);
    return await(serial);
}

void Connection::send_expecting(uint32_t serial, std::span<const std::byte> control,
                                std::span<const std::byte> payload, std::span<const int> fds) {
    {
        std::lock_guard lock(mutex_);
        replies_.emplace(serial, Reply{});  // an empty slot marks a waiter
    }
    try {
        send(control, payload, fds);
    } catch (...) {
        std::lock_guard lock(mutex_);
        replies_.erase(serial);
        throw;
    }
}

Reply Connection::await(uint32_t serial) {
    Reply reply = wait_reply(serial);
    if (const auto* error = reply.message->body_as_Error())
        throw RemoteError(error->code(), error->message() ? error->message()->str() : "error");
    return reply;
}

Reply Connection::wait_reply(uint32_t serial) {
    std::unique_lock lock(mutex_);
    for (;;) {
        auto it = replies_.find(serial);
        if (it != replies_.end() && it->second.message) {
            Reply reply = std::move(it->second);
            replies_.erase(it);
            return reply;
        }
        if (!dead_reason_.empty()) {
            replies_.erase(serial);
            throw ConnectionError(dead_reason_);
        }
        if (!reader_active_)
            read_and_dispatch(lock, kForever);
        else
            replies_ready_.wait(lock);
    }
}

void Connection::poll_events() {
    std::unique_lock lock(mutex_);
    if (!reader_active_ && dead_reason_.empty())
        read_and_dispatch(lock, std::chrono::steady_clock::now());
}

void Connection::read_and_dispatch(std::unique_lock<std::mutex>& lock,
                                   std::chrono::steady_clock::time_point deadline) {
    reader_active_ = true;
    lock.unlock();
    wire::Frame frame;
    std::string error;
    const wire::ReadStatus status = wire::read_frame(sock_.get(), reader_, frame, deadline, error);
    lock.lock();
    reader_active_ = false;
    if (status == wire::ReadStatus::Frame) {
        dispatch(std::move(frame));
    } else if (status == wire::ReadStatus::Timeout) {
        // Nothing arrived; that is all a poll wanted to know.
    } else if (dead_reason_.empty()) {
        dead_reason_ = status == wire::ReadStatus::Closed
                           ? "the server at " + address_.describe() + " closed the connection"
                           : "broken stream from the server: " + error;
    }
    replies_ready_.notify_all();
}

void Connection::dispatch(wire::Frame frame) {
    const fb::Message* message = wire::verify_message(frame.control);
    if (!message) {
        dead_reason_ = "malformed message from the server";
        return;
    }
    if (const auto* lost = message->body_as_ContextLost()) {
        lost_contexts_[lost->ctx_id()] = lost->message() ? lost->message()->str() : "lost";
        RS_WARN("context %u lost: %s", lost->ctx_id(), lost_contexts_[lost->ctx_id()].c_str());
        return;
    }
    auto it = replies_.find(message->serial());
    if (it != replies_.end() && !it->second.message) {
        // Moving the vector keeps its buffer, so `message` stays valid.
        it->second.frame = std::move(frame);
        it->second.message = message;
        return;
    }
    if (const auto* error = message->body_as_Error()) {
        async_errors_.push_back(error->message() ? error->message()->str() : "error");
        return;
    }
    RS_DEBUG("ignoring unexpected %s from the server", wire::body_name(message->body_type()));
}

void Connection::ping() {
    wire::MessageBuilder builder;
    Reply reply = call(builder, fb::CreatePing(builder.fbb(), 42));
    if (!reply.body<fb::Pong>()) throw ConnectionError("ping answered with something else");
}

std::optional<std::string> Connection::take_async_error() {
    std::lock_guard lock(mutex_);
    if (async_errors_.empty()) return std::nullopt;
    std::string first = async_errors_.front();
    async_errors_.erase(async_errors_.begin());
    return first;
}

std::optional<std::string> Connection::context_lost_reason(uint32_t ctx_id) {
    std::lock_guard lock(mutex_);
    auto it = lost_contexts_.find(ctx_id);
    if (it == lost_contexts_.end()) return std::nullopt;
    return it->second;
}

std::string Connection::dead_reason() const {
    std::lock_guard lock(mutex_);
    return dead_reason_;
}

bool Connection::is_dead() const { return !dead_reason().empty(); }

}  // namespace rendersock::client
