#include "tools/replay/Replayer.h"

#include <poll.h>
#include <vulkan/vulkan_core.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "wire/Message.h"
#include "wire/venus/Encoder.h"
#include "wire/venus/VenusStream.h"
#include "wire/venus/generated/VkIndices.h"

namespace rendersock::replay {
namespace {

namespace fb = wire::fb;
using Clock = std::chrono::steady_clock;

// The Ping that closes a replay: its Pong means every earlier answer has
// arrived. A serial no client uses this early.
constexpr uint32_t kSyncSerial = 0xffffffffu;

struct Diverged {};

// Venus commands a client polls: the ICD cuts long waits into slices and asks
// again on VK_TIMEOUT, so the recording holds as many slices as the original
// run needed, which says nothing about how long this run needs.
bool is_polled_wait(uint32_t command) {
    namespace index = wire::venus::index;
    const uint32_t base = wire::venus::kCommandBase;
    return command == base + index::vkWaitForFences || command == base + index::vkWaitSemaphores ||
           command == base + index::vkGetFenceStatus || command == base + index::vkGetEventStatus;
}

// A Venus reply starts {u32 command, u32 size, u64 result}.
struct VenusReplyHead {
    uint32_t command = 0;
    int32_t result = 0;
};

std::optional<VenusReplyHead> venus_reply_head(const std::vector<std::byte>& head) {
    if (head.size() < 16) return std::nullopt;
    VenusReplyHead parsed;
    std::memcpy(&parsed.command, head.data(), sizeof(parsed.command));
    std::memcpy(&parsed.result, head.data() + 8, sizeof(parsed.result));
    return parsed;
}

// The last command of a Venus stream: the one whose reply was asked for.
std::optional<std::span<const std::byte>> last_venus_command(std::span<const std::byte> stream) {
    std::optional<std::span<const std::byte>> last;
    size_t offset = 0;
    while (stream.size() - offset >= sizeof(wire::venus::CommandHeader)) {
        wire::venus::CommandHeader header;
        std::memcpy(&header, stream.data() + offset, sizeof(header));
        if (header.size < sizeof(header) || header.size > stream.size() - offset) return std::nullopt;
        if (header.command != wire::venus::kCommandPadding) last = stream.subspan(offset, header.size);
        offset += header.size;
    }
    return offset == stream.size() ? last : std::nullopt;
}

std::string describe_request(size_t record, const char* type, uint32_t serial) {
    return "record " + std::to_string(record) + " (" + type + ", serial " + std::to_string(serial) +
           ")";
}

}  // namespace

Replayer::Replayer(const wire::Recording& recording, shm::UniqueFd sock, std::string token,
                   std::chrono::milliseconds answer_timeout, std::FILE* notes)
    : recording_(recording),
      sock_(std::move(sock)),
      token_(std::move(token)),
      answer_timeout_(answer_timeout),
      notes_(notes),
      reader_(wire::FrameLimits{64 * 1024, 1ull << 32, 0}) {
    for (const auto& record : recording_.records)
        if (record.kind == wire::RecordKind::Answer)
            ++answers_ahead_[key_of(*wire::decode_answer(record.body))];
}

Replayer::AnswerKey Replayer::key_of(const wire::AnswerKind& answer) {
    if (answer.serial != 0) return {answer.serial, 0};
    return {0, answer.body == fb::Body::ContextLost ? answer.ctx_id : 0};
}

bool Replayer::run() {
    try {
        send({reinterpret_cast<const std::byte*>(wire::kPreamble.data()), wire::kPreamble.size()});
        for (size_t index = 0; index < recording_.records.size(); ++index)
            if (!replay_record(index)) break;
        finish();
        return true;
    } catch (const Diverged&) {
        return false;
    }
}

bool Replayer::replay_record(size_t index) {
    const wire::RecordView& record = recording_.records[index];
    switch (record.kind) {
        case wire::RecordKind::Frame: replay_frame(index, record.body); break;
        case wire::RecordKind::RingStream: replay_ring_stream(index, record.body); break;
        case wire::RecordKind::Answer: expect_answer(index, *wire::decode_answer(record.body)); break;
        case wire::RecordKind::Closed:
            expect_close(index, *wire::decode_closed(record.body));
            return false;
    }
    return true;
}

void Replayer::check_open(const std::string& request) {
    if (closed_)
        diverge(request + ": the server had already closed the connection" +
                (last_error_.empty() ? "" : " (after: " + last_error_ + ")"));
}

void Replayer::replay_frame(size_t index, std::span<const std::byte> body) {
    const wire::FrameHeader header = *wire::frame_record_header(body);
    // flatbuffers reads need the control message aligned; a record holds it
    // at any offset.
    const auto recorded = body.subspan(sizeof(header), header.control_size);
    const std::vector<std::byte> control(recorded.begin(), recorded.end());
    const fb::Message* message = wire::verify_message(control);
    const uint32_t serial = message ? message->serial() : 0;
    const char* type = message ? wire::body_name(message->body_type()) : "unverifiable message";
    check_open(describe_request(index, type, serial));
    if (header.fd_count != 0) {
        // The fds were the point of the message (a ring's memory, a dma-buf):
        // without them it would mean something else.
        skipped_serials_.insert(serial);
        ++counts_.frames_skipped;
        std::fprintf(notes_, "%s: skipped: it carried %u fd%s, which a recording cannot hold\n",
                     describe_request(index, type, serial).c_str(), header.fd_count,
                     header.fd_count == 1 ? "" : "s");
        return;
    }
    requests_[serial] = {index, type};
    if (const auto* create = message ? message->body_as_ContextCreate() : nullptr)
        if (create->capset() == fb::CapsetType::Venus) venus_contexts_.insert(create->ctx_id());
    if (message && message->body_type() == fb::Body::Hello && !hello_replaced_) {
        hello_replaced_ = true;
        send_own_hello(serial);
    } else {
        send(body);
    }
    ++counts_.frames_sent;
}

// Our own handshake in place of the recorded one: no fd passing, rings or
// shared pages, so the replay runs alike over TCP and a Unix socket.
void Replayer::send_own_hello(uint32_t serial) {
    wire::MessageBuilder builder;
    auto& fbb = builder.fbb();
    const std::string name = "rendersock-replay of " + recording_.header.client_name;
    auto hello = fb::CreateHello(fbb, wire::kHelloMagic, wire::kProtocolVersion, 0,
                                 fbb.CreateString(name.substr(0, 64)),
                                 token_.empty() ? 0 : fbb.CreateString(token_));
    send(builder.frame(serial, hello).bytes);
}

void Replayer::replay_ring_stream(size_t index, std::span<const std::byte> body) {
    const wire::RingStreamRecord stream = *wire::decode_ring_stream(body);
    check_open(describe_request(index, "ring stream", 0));
    wire::MessageBuilder builder;
    requests_[0] = {index, "ring stream sent as Submit"};  // what a serial-0 error follows
    send(builder
             .frame(0, fb::CreateSubmit(builder.fbb(), stream.ctx_id, stream.ring_idx, false),
                    stream.stream)
             .bytes);
    ++counts_.ring_streams_sent;
}

void Replayer::expect_answer(size_t index, const wire::AnswerKind& expected) {
    const AnswerKey key = key_of(expected);
    if (expected.serial != 0 && skipped_serials_.count(expected.serial)) {
        --answers_ahead_[key];
        ++counts_.answers_unchecked;
        return;
    }
    const auto deadline = Clock::now() + answer_timeout_;
    wire::AnswerKind got = await_answer(index, expected, deadline);
    // A wait that had finished in the recording but not yet here is asked
    // again, as the client did, so what follows runs after the same work.
    while (wait_unfinished(expected, got)) {
        if (Clock::now() >= deadline)
            diverge("record " + std::to_string(index) + ": answering " +
                    request_text(expected.serial) + ", the recorded wait had finished; here it " +
                    "still had not after " + std::to_string(answer_timeout_.count()) + " ms");
        repeat_wait(expected.serial);
        got = await_answer(index, expected, deadline);
    }
    if (!got.same_kind(expected))
        diverge("record " + std::to_string(index) + ": answering " +
                request_text(expected.serial) + ", expected " + expected.describe() + ", got " +
                got.describe());
    ++counts_.answers_matched;
}

wire::AnswerKind Replayer::await_answer(size_t index, const wire::AnswerKind& expected,
                                       Clock::time_point deadline) {
    const AnswerKey key = key_of(expected);
    while (arrived_[key].empty()) {
        if (closed_)
            diverge("record " + std::to_string(index) + ": expected " + expected.describe() +
                    " answering " + request_text(expected.serial) +
                    "; the server closed the connection instead" +
                    (last_error_.empty() ? "" : " (after: " + last_error_ + ")"));
        if (!receive(deadline))
            diverge("record " + std::to_string(index) + ": expected " + expected.describe() +
                    " answering " + request_text(expected.serial) + "; nothing came within " +
                    std::to_string(answer_timeout_.count()) + " ms");
    }
    wire::AnswerKind got = std::move(arrived_[key].front());
    arrived_[key].pop_front();
    --answers_ahead_[key];
    return got;
}

bool Replayer::wait_unfinished(const wire::AnswerKind& expected, const wire::AnswerKind& got) const {
    if (expected.body != fb::Body::ContextReply || got.body != fb::Body::ContextReply) return false;
    const auto request = submitted_venus_command(expected.serial);
    if (!request) return false;
    const auto recorded = venus_reply_head(expected.reply_head);
    const auto replayed = venus_reply_head(got.reply_head);
    if (!recorded || !replayed || recorded->command != replayed->command ||
        !is_polled_wait(recorded->command))
        return false;
    return recorded->result == VK_SUCCESS &&
           (replayed->result == VK_TIMEOUT || replayed->result == VK_NOT_READY);
}

std::optional<Replayer::VenusRequest> Replayer::submitted_venus_command(uint32_t serial) const {
    const auto it = requests_.find(serial);
    if (it == requests_.end()) return std::nullopt;
    const auto body = recording_.records[it->second.record].body;
    const wire::FrameHeader header = *wire::frame_record_header(body);
    const auto recorded = body.subspan(sizeof(header), header.control_size);
    const std::vector<std::byte> control(recorded.begin(), recorded.end());
    const fb::Message* message = wire::verify_message(control);
    const auto* submit = message ? message->body_as_Submit() : nullptr;
    if (!submit || !venus_contexts_.count(submit->ctx_id())) return std::nullopt;
    const auto command = last_venus_command(body.subspan(sizeof(header) + header.control_size));
    if (!command) return std::nullopt;
    return VenusRequest{submit->ctx_id(), submit->ring_idx(), *command};
}

// Sends the wait alone (not the commands it was batched with) once more,
// under the same serial; its answer is one the recording does not have.
void Replayer::repeat_wait(uint32_t serial) {
    const auto request = *submitted_venus_command(serial);
    ++answers_ahead_[{serial, 0}];
    ++counts_.waits_repeated;
    wire::MessageBuilder builder;
    send(builder
             .frame(serial, fb::CreateSubmit(builder.fbb(), request.ctx_id, request.ring_idx, true),
                    request.command)
             .bytes);
}

void Replayer::expect_close(size_t index, const wire::ClosedRecord& closed) {
    if (closed.by != wire::ClosedBy::Server) return;  // the client left, or the server stopped
    const auto deadline = Clock::now() + answer_timeout_;
    while (!closed_)
        if (!receive(deadline))
            diverge("record " + std::to_string(index) + ": expected the server to close the "
                    "connection (\"" + closed.reason + "\"); it kept it open");
    close_expected_ = true;
}

void Replayer::finish() {
    if (close_expected_) return;
    check_open("after the last record");
    wire::MessageBuilder builder;
    send(builder.frame(kSyncSerial, fb::CreatePing(builder.fbb(), 0)).bytes);
    const auto deadline = Clock::now() + answer_timeout_;
    while (!sync_answered_) {
        check_open("waiting for the final Ping's answer");
        if (!receive(deadline))
            diverge("after the last record: no answer to a Ping within " +
                    std::to_string(answer_timeout_.count()) + " ms");
    }
}

// Writes while also reading, so a server that stops reading until its
// answers are taken cannot deadlock with us.
void Replayer::send(std::span<const std::byte> bytes) {
    while (!bytes.empty()) {
        const ssize_t sent = ::send(sock_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent > 0) {
            bytes = bytes.subspan(static_cast<size_t>(sent));
            continue;
        }
        if (sent < 0 && errno == EINTR) continue;
        if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
            // The server hung up: what it said last tells why.
            while (!closed_ && receive(Clock::now() + std::chrono::milliseconds(200))) {
            }
            closed_ = true;
            return;
        }
        pollfd pfd{sock_.get(), POLLIN | POLLOUT, 0};
        if (::poll(&pfd, 1, static_cast<int>(answer_timeout_.count())) == 0)
            diverge("the server took nothing for " + std::to_string(answer_timeout_.count()) + " ms");
        if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) receive(Clock::now());
    }
}

bool Replayer::receive(Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    pollfd pfd{sock_.get(), POLLIN, 0};
    if (::poll(&pfd, 1, static_cast<int>(std::max<int64_t>(left.count(), 0))) <= 0) return false;
    auto span = reader_.writable();
    const ssize_t got = ::recv(sock_.get(), span.data(), span.size(), MSG_DONTWAIT);
    if (got < 0) {
        if (errno == EAGAIN || errno == EINTR) return true;
        closed_ = true;
        return true;
    }
    if (got == 0) {
        closed_ = true;
        return true;
    }
    reader_.commit(static_cast<size_t>(got));
    take_frames();
    return true;
}

void Replayer::take_frames() {
    wire::Frame frame;
    for (;;) {
        const auto status = reader_.next(frame);
        if (status == wire::FrameReader::Status::NeedMore) return;
        if (status == wire::FrameReader::Status::Error)
            diverge("the server's answers do not parse: " + reader_.error());
        const fb::Message* message = wire::verify_message(frame.control);
        if (!message) diverge("the server sent a message that fails verification");
        on_answer(wire::AnswerKind::of(*message, frame.payload));
    }
}

void Replayer::on_answer(const wire::AnswerKind& answer) {
    if (answer.body == fb::Body::Error) last_error_ = answer.describe();
    if (answer.serial == kSyncSerial && answer.body == fb::Body::Pong) {
        sync_answered_ = true;
        return;
    }
    // Replies a context sends on its own were not recorded.
    if (answer.serial == 0 && answer.body == fb::Body::ContextReply) return;
    const AnswerKey key = key_of(answer);
    auto& waiting = arrived_[key];
    if (waiting.size() >= answers_ahead_[key])
        diverge("unexpected " + answer.describe() + " answering " + request_text(answer.serial) +
                ": the recording has no such answer");
    waiting.push_back(answer);
}

std::string Replayer::request_text(uint32_t serial) const {
    auto it = requests_.find(serial);
    if (it == requests_.end()) return "serial " + std::to_string(serial);
    return describe_request(it->second.record, it->second.type, serial);
}

void Replayer::diverge(const std::string& text) {
    divergence_ = text;
    throw Diverged{};
}

}  // namespace rendersock::replay
