#include "wire/Recording.h"

#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

namespace rendersock::wire {
namespace {

// Like the frame header, the file is little-endian; every host we build
// for is, so values are copied as they lie in memory.
constexpr size_t kFileHeaderBytes = 32;
constexpr size_t kRecordHeaderBytes = 16;

template <typename T>
void put(std::vector<std::byte>& out, T value) {
    const auto* bytes = reinterpret_cast<const std::byte*>(&value);
    out.insert(out.end(), bytes, bytes + sizeof(T));
}

void put_text(std::vector<std::byte>& out, std::string_view text) {
    const auto* bytes = reinterpret_cast<const std::byte*>(text.data());
    out.insert(out.end(), bytes, bytes + text.size());
}

// Reads fixed-size values front to back; any read past the end fails.
class Cursor {
public:
    explicit Cursor(std::span<const std::byte> bytes) : bytes_(bytes) {}

    template <typename T>
    bool get(T& value) {
        if (bytes_.size() - at_ < sizeof(T)) return false;
        std::memcpy(&value, bytes_.data() + at_, sizeof(T));
        at_ += sizeof(T);
        return true;
    }
    bool take(size_t count, std::span<const std::byte>& out) {
        if (bytes_.size() - at_ < count) return false;
        out = bytes_.subspan(at_, count);
        at_ += count;
        return true;
    }
    std::span<const std::byte> rest() const { return bytes_.subspan(at_); }
    size_t position() const { return at_; }

private:
    std::span<const std::byte> bytes_;
    size_t at_ = 0;
};

std::string as_text(std::span<const std::byte> bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

bool parse_header(Cursor& cursor, RecordingHeader& header, std::string& error) {
    std::array<char, 8> magic{};
    uint32_t transport = 0, name_bytes = 0, reserved = 0;
    if (!cursor.get(magic) || magic != kRecordingMagic) {
        error = "not a rendersock recording (no RSRECORD magic)";
        return false;
    }
    if (!cursor.get(header.format_version) || !cursor.get(header.protocol_version) ||
        !cursor.get(transport) || !cursor.get(header.client_id) || !cursor.get(name_bytes) ||
        !cursor.get(reserved)) {
        error = "the file ends inside its header";
        return false;
    }
    if (header.format_version != kRecordingFormatVersion) {
        error = "recording format version " + std::to_string(header.format_version) +
                "; this tool reads version " + std::to_string(kRecordingFormatVersion);
        return false;
    }
    if (header.protocol_version != kProtocolVersion) {
        error = "recorded with wire protocol version " + std::to_string(header.protocol_version) +
                "; this tool speaks version " + std::to_string(kProtocolVersion) +
                " (replay it with the rendersock release that recorded it)";
        return false;
    }
    std::span<const std::byte> name;
    if (name_bytes > kRecordingMaxNameBytes || !cursor.take(name_bytes, name)) {
        error = "the client name in the header is cut short or too long";
        return false;
    }
    header.transport = static_cast<RecordingTransport>(transport);
    header.client_name = as_text(name);
    return true;
}

}  // namespace

bool record_is_well_formed(const RecordView& record) {
    switch (record.kind) {
        case RecordKind::Frame: return frame_record_header(record.body).has_value();
        case RecordKind::RingStream: return decode_ring_stream(record.body).has_value();
        case RecordKind::Answer: return decode_answer(record.body).has_value();
        case RecordKind::Closed: return decode_closed(record.body).has_value();
    }
    return false;
}

AnswerKind AnswerKind::of(const fb::Message& message, std::span<const std::byte> payload) {
    AnswerKind kind;
    kind.serial = message.serial();
    kind.body = message.body_type();
    if (kind.body == fb::Body::ContextReply) {
        const auto head = payload.first(std::min(payload.size(), kReplyHeadBytes));
        kind.reply_head.assign(head.begin(), head.end());
    }
    if (const auto* error = message.body_as_Error()) {
        kind.code = error->code();
        kind.ctx_id = error->ctx_id();
        if (error->message()) kind.message = error->message()->str();
    } else if (const auto* lost = message.body_as_ContextLost()) {
        kind.code = lost->code();
        kind.ctx_id = lost->ctx_id();
        if (lost->message()) kind.message = lost->message()->str();
    }
    return kind;
}

bool AnswerKind::same_kind(const AnswerKind& other) const {
    if (body != other.body) return false;
    if (body == fb::Body::Error) return code == other.code;
    if (body == fb::Body::ContextLost) return ctx_id == other.ctx_id;
    return true;
}

std::string AnswerKind::describe() const {
    std::string text = body_name(body);
    if (body == fb::Body::Error) text += std::string(" ") + fb::EnumNameErrorCode(code);
    if (body == fb::Body::ContextLost) text += " of context " + std::to_string(ctx_id);
    if (!message.empty()) text += " (\"" + message + "\")";
    return text;
}

std::optional<Recording> parse_recording(std::span<const std::byte> bytes, std::string& error) {
    Cursor cursor(bytes);
    Recording recording;
    if (!parse_header(cursor, recording.header, error)) return std::nullopt;
    while (!cursor.rest().empty()) {
        const uint64_t offset = cursor.position();
        uint32_t kind = 0, reserved = 0;
        uint64_t length = 0;
        std::span<const std::byte> body;
        if (!cursor.get(kind) || !cursor.get(reserved) || !cursor.get(length) ||
            length > cursor.rest().size() || !cursor.take(length, body)) {
            error = "the file is truncated: record " + std::to_string(recording.records.size()) +
                    " at offset " + std::to_string(offset) + " is cut short";
            return std::nullopt;
        }
        if (kind < 1 || kind > 4) {
            error = "record " + std::to_string(recording.records.size()) + " at offset " +
                    std::to_string(offset) + " has unknown kind " + std::to_string(kind);
            return std::nullopt;
        }
        const RecordView record{static_cast<RecordKind>(kind), offset, body};
        if (!record_is_well_formed(record)) {
            error = "record " + std::to_string(recording.records.size()) + " at offset " +
                    std::to_string(offset) + " is malformed";
            return std::nullopt;
        }
        recording.records.push_back(record);
    }
    return recording;
}

std::optional<FrameHeader> frame_record_header(std::span<const std::byte> body) {
    FrameHeader header;
    if (body.size() < sizeof(header)) return std::nullopt;
    std::memcpy(&header, body.data(), sizeof(header));
    if (uint64_t{header.control_size} + header.payload_size != body.size() - sizeof(header))
        return std::nullopt;
    return header;
}

std::optional<RingStreamRecord> decode_ring_stream(std::span<const std::byte> body) {
    Cursor cursor(body);
    RingStreamRecord record;
    if (!cursor.get(record.ctx_id) || !cursor.get(record.ring_idx)) return std::nullopt;
    record.stream = cursor.rest();
    return record;
}

std::optional<AnswerKind> decode_answer(std::span<const std::byte> body) {
    Cursor cursor(body);
    AnswerKind answer;
    uint32_t type = 0, code = 0;
    if (!cursor.get(answer.serial) || !cursor.get(type) || !cursor.get(code) ||
        !cursor.get(answer.ctx_id))
        return std::nullopt;
    answer.body = static_cast<fb::Body>(type);
    answer.code = static_cast<fb::ErrorCode>(code);
    if (answer.body == fb::Body::ContextReply) {
        const auto head = cursor.rest();
        if (head.size() > AnswerKind::kReplyHeadBytes) return std::nullopt;
        answer.reply_head.assign(head.begin(), head.end());
    } else {
        answer.message = as_text(cursor.rest());
    }
    return answer;
}

std::optional<ClosedRecord> decode_closed(std::span<const std::byte> body) {
    Cursor cursor(body);
    ClosedRecord closed;
    uint32_t by = 0;
    if (!cursor.get(by) || by > 2) return std::nullopt;
    closed.by = static_cast<ClosedBy>(by);
    closed.reason = as_text(cursor.rest());
    return closed;
}

std::vector<std::byte> encode_header(const RecordingHeader& header) {
    std::vector<std::byte> out;
    const std::string_view name =
        std::string_view(header.client_name).substr(0, kRecordingMaxNameBytes);
    out.insert(out.end(), reinterpret_cast<const std::byte*>(kRecordingMagic.data()),
               reinterpret_cast<const std::byte*>(kRecordingMagic.data()) + kRecordingMagic.size());
    put(out, header.format_version);
    put(out, header.protocol_version);
    put(out, static_cast<uint32_t>(header.transport));
    put(out, header.client_id);
    put(out, static_cast<uint32_t>(name.size()));
    put(out, uint32_t{0});
    put_text(out, name);
    static_assert(kRecordingProtocolVersionOffset == 12);
    return out;
}

std::vector<std::byte> encode_answer(const AnswerKind& answer) {
    std::vector<std::byte> out;
    put(out, answer.serial);
    put(out, static_cast<uint32_t>(answer.body));
    put(out, static_cast<uint32_t>(answer.code));
    put(out, answer.ctx_id);
    if (answer.body == fb::Body::ContextReply)
        out.insert(out.end(), answer.reply_head.begin(), answer.reply_head.end());
    else
        put_text(out, answer.message);
    return out;
}

std::vector<std::byte> encode_closed(const ClosedRecord& closed) {
    std::vector<std::byte> out;
    put(out, static_cast<uint32_t>(closed.by));
    put_text(out, closed.reason);
    return out;
}

std::vector<std::byte> encode_ring_stream_head(uint32_t ctx_id, uint32_t ring_idx) {
    std::vector<std::byte> out;
    put(out, ctx_id);
    put(out, ring_idx);
    return out;
}

bool RecordingWriter::write_header(const RecordingHeader& header) {
    const std::vector<std::byte> bytes = encode_header(header);
    const std::span<const std::byte> parts[] = {bytes};
    static_assert(kFileHeaderBytes == 8 + 6 * sizeof(uint32_t));
    return write_all(parts);
}

bool RecordingWriter::write_record(RecordKind kind,
                                   std::initializer_list<std::span<const std::byte>> parts) {
    uint64_t length = 0;
    for (const auto& part : parts) length += part.size();
    std::vector<std::byte> head;
    put(head, static_cast<uint32_t>(kind));
    put(head, uint32_t{0});
    put(head, length);
    static_assert(kRecordHeaderBytes == 16);
    std::vector<std::span<const std::byte>> all{head};
    all.insert(all.end(), parts.begin(), parts.end());
    return write_all(all);
}

// One gathered write per record in the common case, so a record is either
// in the file or not even when the process dies right after.
bool RecordingWriter::write_all(std::span<const std::span<const std::byte>> parts) {
    if (failed_) return false;
    std::vector<iovec> vectors;
    for (const auto& part : parts)
        if (!part.empty())
            vectors.push_back({const_cast<std::byte*>(part.data()), part.size()});
    size_t index = 0;
    while (index < vectors.size()) {
        const int count = static_cast<int>(std::min<size_t>(vectors.size() - index, IOV_MAX));
        const ssize_t written = ::writev(fd_.get(), vectors.data() + index, count);
        if (written < 0) {
            if (errno == EINTR) continue;
            failed_ = true;
            error_ = std::strerror(errno);
            return false;
        }
        size_t left = static_cast<size_t>(written);
        while (index < vectors.size() && left >= vectors[index].iov_len) left -= vectors[index++].iov_len;
        if (left) {
            vectors[index].iov_base = static_cast<std::byte*>(vectors[index].iov_base) + left;
            vectors[index].iov_len -= left;
        }
    }
    return true;
}

}  // namespace rendersock::wire
