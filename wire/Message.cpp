#include "wire/Message.h"

#include <cstring>

namespace rendersock::wire {

const fb::Message* verify_message(std::span<const std::byte> control) {
    const auto* data = reinterpret_cast<const uint8_t*>(control.data());
    flatbuffers::Verifier verifier(data, control.size(), kMaxMessageDepth, kMaxMessageTables);
    if (!fb::VerifyMessageBuffer(verifier)) return nullptr;
    const fb::Message* message = fb::GetMessage(data);
    if (message->body_type() == fb::Body::NONE || message->body() == nullptr) return nullptr;
    return message;
}

const char* body_name(fb::Body body) {
    const char* name = fb::EnumNameBody(body);
    return (name && *name) ? name : "unknown";
}

std::span<const std::byte> MessageBuilder::finish_raw(uint32_t serial, fb::Body type,
                                                      flatbuffers::Offset<void> body) {
    fb::MessageBuilder message(fbb_);
    message.add_serial(serial);
    message.add_body_type(type);
    message.add_body(body);
    fbb_.Finish(message.Finish());
    return {reinterpret_cast<const std::byte*>(fbb_.GetBufferPointer()), fbb_.GetSize()};
}

FrameHeader header_for(size_t control_size, size_t payload_size, size_t fd_count) {
    FrameHeader header;
    header.control_size = static_cast<uint32_t>(control_size);
    header.payload_size = static_cast<uint32_t>(payload_size);
    header.fd_count = static_cast<uint32_t>(fd_count);
    return header;
}

OutgoingFrame MessageBuilder::pack(std::span<const std::byte> control,
                                   std::span<const std::byte> payload,
                                   std::vector<shm::UniqueFd> fds) {
    OutgoingFrame frame;
    const FrameHeader header = header_for(control.size(), payload.size(), fds.size());
    frame.bytes.resize(sizeof(header) + control.size() + payload.size());
    std::memcpy(frame.bytes.data(), &header, sizeof(header));
    std::memcpy(frame.bytes.data() + sizeof(header), control.data(), control.size());
    if (!payload.empty())
        std::memcpy(frame.bytes.data() + sizeof(header) + control.size(), payload.data(),
                    payload.size());
    frame.fds = std::move(fds);
    return frame;
}

}  // namespace rendersock::wire
