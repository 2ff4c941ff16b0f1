#pragma once
// Building and verifying control messages. Nothing reads a field of a
// received message before `verify_message` has accepted its bytes.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "shm/UniqueFd.h"
#include "wire/Frame.h"
#include "wire/control_generated.h"

namespace rendersock::wire {

// Bounds for the flatbuffers verifier: our messages are shallow and small.
inline constexpr unsigned kMaxMessageDepth = 8;
inline constexpr unsigned kMaxMessageTables = 4096;

// Returns the message, or nullptr when the bytes are not a well-formed
// Message within the bounds above.
const fb::Message* verify_message(std::span<const std::byte> control);

const char* body_name(fb::Body body);

// A frame ready to send: header, control message and payload in one buffer,
// and the fds that travel with its first byte (closed once sent).
struct OutgoingFrame {
    std::vector<std::byte> bytes;
    std::vector<shm::UniqueFd> fds;
};

class MessageBuilder {
public:
    MessageBuilder() : fbb_(256) {}
    flatbuffers::FlatBufferBuilder& fbb() { return fbb_; }

    template <typename T>
    std::span<const std::byte> finish(uint32_t serial, flatbuffers::Offset<T> body) {
        return finish_raw(serial, fb::BodyTraits<T>::enum_value, body.Union());
    }

    // Finishes the message and packs it with `payload` into one frame.
    template <typename T>
    OutgoingFrame frame(uint32_t serial, flatbuffers::Offset<T> body,
                        std::span<const std::byte> payload = {},
                        std::vector<shm::UniqueFd> fds = {}) {
        return pack(finish(serial, body), payload, std::move(fds));
    }

private:
    std::span<const std::byte> finish_raw(uint32_t serial, fb::Body type,
                                          flatbuffers::Offset<void> body);
    static OutgoingFrame pack(std::span<const std::byte> control,
                              std::span<const std::byte> payload,
                              std::vector<shm::UniqueFd> fds);

    flatbuffers::FlatBufferBuilder fbb_;
};

FrameHeader header_for(size_t control_size, size_t payload_size, size_t fd_count);

}  // namespace rendersock::wire
