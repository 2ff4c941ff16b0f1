#include "server/SessionRecorder.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "wire/Log.h"

namespace rendersock::server {
namespace {

namespace fb = wire::fb;

std::span<const std::byte> as_bytes(const wire::FrameHeader& header) {
    return {reinterpret_cast<const std::byte*>(&header), sizeof(header)};
}

// The Hello again without its token: a recording goes into bug reports.
std::optional<std::vector<std::byte>> hello_without_token(const fb::Message& message) {
    const auto* hello = message.body_as_Hello();
    if (!hello || !hello->token() || hello->token()->size() == 0) return std::nullopt;
    wire::MessageBuilder builder;
    auto& fbb = builder.fbb();
    auto name = hello->client_name() ? fbb.CreateString(hello->client_name()->string_view())
                                     : flatbuffers::Offset<flatbuffers::String>();
    auto control = builder.finish(message.serial(),
                                  fb::CreateHello(fbb, hello->magic(), hello->protocol_version(),
                                                  hello->features(), name));
    return std::vector<std::byte>(control.begin(), control.end());
}

}  // namespace

SessionRecorder::SessionRecorder(std::string directory, uint32_t client_id, bool unix_socket)
    : path_(std::move(directory) + "/client-" + std::to_string(client_id) + "-" +
            std::to_string(::getpid()) + ".rsrec") {
    header_.client_id = client_id;
    header_.transport = unix_socket ? wire::RecordingTransport::Unix : wire::RecordingTransport::Tcp;
}

void SessionRecorder::frame_arrived(const wire::Frame& frame, const fb::Message* message) {
    write_pending_frame();
    pending_frame_ = &frame;
    pending_message_ = message;
}

void SessionRecorder::frame_handled() { write_pending_frame(); }

void SessionRecorder::write_pending_frame() {
    const wire::Frame* frame = std::exchange(pending_frame_, nullptr);
    const fb::Message* message = std::exchange(pending_message_, nullptr);
    if (!frame || !ready(message)) return;
    if (message) {
        if (auto control = hello_without_token(*message)) {
            const wire::FrameHeader header =
                wire::header_for(control->size(), frame->payload.size(), frame->header.fd_count);
            write(wire::RecordKind::Frame, {as_bytes(header), *control, frame->payload});
            return;
        }
    }
    write(wire::RecordKind::Frame, {as_bytes(frame->header), frame->control, frame->payload});
}

void SessionRecorder::ring_stream(uint32_t ctx_id, uint32_t ring_idx,
                                  std::span<const std::byte> stream) {
    if (!ready(nullptr)) return;
    const auto head = wire::encode_ring_stream_head(ctx_id, ring_idx);
    write(wire::RecordKind::RingStream, {head, stream});
}

void SessionRecorder::sent(const fb::Message& message, std::span<const std::byte> payload) {
    const bool answer = message.serial() != 0 || message.body_type() == fb::Body::Error ||
                        message.body_type() == fb::Body::ContextLost;
    if (!answer) return;  // replies a context sends on its own, e.g. Venus' async ones
    // The request it answers goes first.
    write_pending_frame();
    if (!ready(nullptr)) return;
    const auto body = wire::encode_answer(wire::AnswerKind::of(message, payload));
    write(wire::RecordKind::Answer, {body});
}

void SessionRecorder::closed(wire::ClosedBy by, const std::string& reason) {
    write_pending_frame();
    if (!writer_) return;  // nothing was recorded: no file for a silent client
    const auto body = wire::encode_closed({by, reason});
    write(wire::RecordKind::Closed, {body});
}

bool SessionRecorder::ready(const fb::Message* first_message) {
    if (writer_) return !writer_->failed();
    if (given_up_) return false;
    if (first_message && first_message->body_as_Hello() && first_message->body_as_Hello()->client_name())
        header_.client_name = first_message->body_as_Hello()->client_name()->str();
    // Owner-only: the streams are the client's data.
    shm::UniqueFd fd(::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!fd) {
        RS_WARN("client %u: not recording: cannot create %s: %s", header_.client_id,
                path_.c_str(), std::strerror(errno));
        given_up_ = true;
        return false;
    }
    writer_ = std::make_unique<wire::RecordingWriter>(std::move(fd));
    writer_->write_header(header_);
    RS_INFO("client %u: recording into %s", header_.client_id, path_.c_str());
    return !writer_->failed();
}

void SessionRecorder::write(wire::RecordKind kind,
                            std::initializer_list<std::span<const std::byte>> parts) {
    if (writer_->write_record(kind, parts)) return;
    RS_WARN("client %u: recording stopped: writing %s failed: %s", header_.client_id,
            path_.c_str(), writer_->error().c_str());
}

}  // namespace rendersock::server
