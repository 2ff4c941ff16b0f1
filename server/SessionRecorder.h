#pragma once
// `--record DIR`: writes one client's incoming traffic to
// DIR/client-<id>-<pid>.rsrec (format: wire/RECORDING.md) in the order the
// server acted on it: frames, command streams taken from stream rings, and
// the kind of each answer, so a replay can tell where it diverges.
//
// A socket frame is held back while it is handled: streams that the
// handler drains from the context's ring ran before the frame itself, so
// they are written first.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "wire/FrameReader.h"
#include "wire/Recording.h"

namespace rendersock::server {

class SessionRecorder {
public:
    SessionRecorder(std::string directory, uint32_t client_id, bool unix_socket);

    // Around the handling of one received frame (`message`: null when the
    // control bytes failed verification).
    void frame_arrived(const wire::Frame& frame, const wire::fb::Message* message);
    void frame_handled();

    void ring_stream(uint32_t ctx_id, uint32_t ring_idx, std::span<const std::byte> stream);
    // Every frame the server sends; only answers and context losses are kept.
    void sent(const wire::fb::Message& message, std::span<const std::byte> payload);
    void closed(wire::ClosedBy by, const std::string& reason);

private:
    void write_pending_frame();
    // Opens the file and writes the header on the first record, when the
    // client's name (from its Hello) is known.
    bool ready(const wire::fb::Message* first_message);
    void write(wire::RecordKind kind, std::initializer_list<std::span<const std::byte>> parts);

    std::string path_;
    wire::RecordingHeader header_;
    std::unique_ptr<wire::RecordingWriter> writer_;
    bool given_up_ = false;
    const wire::Frame* pending_frame_ = nullptr;
    const wire::fb::Message* pending_message_ = nullptr;
};

}  // namespace rendersock::server
