#pragma once
// The client side of a rendersock connection, shared by the Vulkan ICD and
// the GL vendor libraries: connect, handshake, requests with answers, and
// streamed messages. Thread-safe: any thread may send or wait; whichever
// thread is waiting reads the socket and hands answers to their owners.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "wire/Address.h"
#include "wire/FrameReader.h"
#include "wire/Message.h"

namespace rendersock::client {

namespace fb = wire::fb;

// The server answered a request with an error.
class RemoteError : public std::runtime_error {
public:
    RemoteError(fb::ErrorCode code, const std::string& message);
    fb::ErrorCode code() const { return code_; }

private:
    fb::ErrorCode code_;
};

// No server, a server that speaks something else, or a server that died.
class ConnectionError : public std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct ConnectOptions {
    std::string address;  // empty: $VTEST_SOCKET_NAME or /tmp/.virgl_test
    std::string client_name;
    std::string token;    // empty: read from $RENDERSOCK_TOKEN_FILE when set
    std::chrono::milliseconds handshake_timeout{5000};
    uint64_t features = ~0ull;  // what we would like; the server narrows it
};

struct ServerInfo {
    struct Capset {
        fb::CapsetType type;
        uint32_t max_version;
        std::string description;
    };
    std::string version;
    uint32_t protocol_version = 0;
    uint64_t features = 0;
    uint32_t client_id = 0;
    std::vector<Capset> capsets;
    uint64_t max_message_bytes = 0;
    uint64_t max_blob_bytes = 0;
    uint32_t max_objects = 0;
    uint32_t max_rings_per_context = 0;
};

struct Reply {
    wire::Frame frame;
    const fb::Message* message = nullptr;

    template <typename T>
    const T* body() const {
        return message->body_as<T>();
    }
};

class Connection {
public:
    static std::unique_ptr<Connection> connect(const ConnectOptions& options);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    const ServerInfo& info() const { return info_; }
    const wire::Address& address() const { return address_; }
    bool has_feature(fb::Feature feature) const;
    bool offers(fb::CapsetType type) const;
    uint32_t allocate_id() { return next_id_.fetch_add(1); }

    // Sends a request and waits for its answer; an Error answer throws
    // RemoteError, a dead connection throws ConnectionError.
    template <typename T>
    Reply call(wire::MessageBuilder& builder, flatbuffers::Offset<T> body,
               std::span<const std::byte> payload = {}, std::span<const int> fds = {}) {
        const uint32_t serial = next_serial();
        return call_serial(serial, builder.finish(serial, body), payload, fds);
    }

    // The two halves of `call`, for callers that must send in order under
    // their own lock but must not hold it while the answer comes.
    template <typename T>
    uint32_t send_request(wire::MessageBuilder& builder, flatbuffers::Offset<T> body,
                          std::span<const std::byte> payload = {}) {
        const uint32_t serial = next_serial();
        send_expecting(serial, builder.finish(serial, body), payload, {});
        return serial;
    }
    Reply await(uint32_t serial);

    // Streams a message whose success needs no answer. If the server
    // refuses it, the error is kept and reported by `take_async_error`.
    template <typename T>
    void post(wire::MessageBuilder& builder, flatbuffers::Offset<T> body,
              std::span<const std::byte> payload = {}, std::span<const int> fds = {}) {
        const uint32_t serial = next_serial();
        send(builder.finish(serial, body), payload, fds);
    }

    // Reads whatever the server has sent (context losses, errors) without
    // blocking, unless another thread is already reading.
    void poll_events();

    // Ping round trip; returns when the Pong arrives.
    void ping();

    // First error the server sent for a posted message, if any.
    std::optional<std::string> take_async_error();
    // Why the server dropped this context, if it did.
    std::optional<std::string> context_lost_reason(uint32_t ctx_id);
    bool is_dead() const;

private:
    Connection(wire::Address address, shm::UniqueFd sock);
    void handshake(const ConnectOptions& options);
    uint32_t next_serial() { return next_serial_.fetch_add(1); }
    void send(std::span<const std::byte> control, std::span<const std::byte> payload,
              std::span<const int> fds);
    Reply call_serial(uint32_t serial, std::span<const std::byte> control,
                      std::span<const std::byte> payload, std::span<const int> fds);
    Reply wait_reply(uint32_t serial);
    void send_expecting(uint32_t serial, std::span<const std::byte> control,
                        std::span<const std::byte> payload, std::span<const int> fds);
    // Reads one frame with the lock released and files it where it belongs.
    void read_and_dispatch(std::unique_lock<std::mutex>& lock,
                           std::chrono::steady_clock::time_point deadline);
    void dispatch(wire::Frame frame);
    std::string dead_reason() const;

    wire::Address address_;
    shm::UniqueFd sock_;
    ServerInfo info_;
    std::atomic<uint32_t> next_serial_{1};
    std::atomic<uint32_t> next_id_{1};

    std::mutex send_mutex_;
    mutable std::mutex mutex_;  // guards everything below
    std::condition_variable replies_ready_;
    bool reader_active_ = false;
    std::string dead_reason_;
    std::map<uint32_t, Reply> replies_;
    std::vector<std::string> async_errors_;
    std::map<uint32_t, std::string> lost_contexts_;
    wire::FrameReader reader_;
};

}  // namespace rendersock::client
