#pragma once
// The recording format: what `virgl_test_server --record DIR` writes for a
// client and `rendersock-replay` reads back. Layout in wire/RECORDING.md.
// Writing goes straight to the file, record by record, so a serving process
// that crashes in a host driver leaves every record up to the crash behind.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "shm/UniqueFd.h"
#include "wire/Message.h"

namespace rendersock::wire {

inline constexpr std::array<char, 8> kRecordingMagic = {'R', 'S', 'R', 'E', 'C', 'O', 'R', 'D'};
// 2: a ContextReply's Answer keeps the head of the reply (kReplyHeadBytes).
inline constexpr uint32_t kRecordingFormatVersion = 2;
// Where the wire protocol version sits in the file, for tools that only peek.
inline constexpr size_t kRecordingProtocolVersionOffset = 12;
inline constexpr size_t kRecordingMaxNameBytes = 64;

enum class RecordingTransport : uint32_t { Unix = 0, Tcp = 1 };

struct RecordingHeader {
    uint32_t format_version = kRecordingFormatVersion;
    uint32_t protocol_version = kProtocolVersion;
    RecordingTransport transport = RecordingTransport::Unix;
    uint32_t client_id = 0;
    std::string client_name;
};

enum class RecordKind : uint32_t {
    Frame = 1,       // a frame as received: header, control, payload
    RingStream = 2,  // a command stream taken from a context's stream ring
    Answer = 3,      // what the server answered (kind only), keyed by serial
    Closed = 4,      // the connection ended
};

// The kind of an answer: enough to tell whether a replay got the same one.
struct AnswerKind {
    uint32_t serial = 0;
    fb::Body body = fb::Body::NONE;
    fb::ErrorCode code = fb::ErrorCode::None;  // Error and ContextLost
    uint32_t ctx_id = 0;                       // ContextLost, Error
    std::string message;                       // Error and ContextLost text, not compared
    // A ContextReply's first bytes: for Venus the command and its VkResult,
    // which tells a replay whether a polled wait had finished (not compared).
    std::vector<std::byte> reply_head;

    static constexpr size_t kReplyHeadBytes = 16;
    static AnswerKind of(const fb::Message& message, std::span<const std::byte> payload = {});
    bool same_kind(const AnswerKind& other) const;
    // "Ok", "Pong", "Error NoSuchBlob: no blob 7", "ContextLost of context 2 (...)".
    std::string describe() const;
};

struct RingStreamRecord {
    uint32_t ctx_id = 0;
    uint32_t ring_idx = 0;
    std::span<const std::byte> stream;
};

enum class ClosedBy : uint32_t { Client = 0, Server = 1, ServerShutdown = 2 };

struct ClosedRecord {
    ClosedBy by = ClosedBy::Client;
    std::string reason;
};

// One record of a parsed file; `body` points into the file's bytes.
struct RecordView {
    RecordKind kind;
    uint64_t offset;  // of the record's own header in the file
    std::span<const std::byte> body;
};

struct Recording {
    RecordingHeader header;
    std::vector<RecordView> records;
};

// Parses a whole file. On a bad magic, another format or protocol version,
// or a record cut short, returns nothing and says why in `error`.
std::optional<Recording> parse_recording(std::span<const std::byte> bytes, std::string& error);

bool record_is_well_formed(const RecordView& record);
// A frame record's header, checked against the record's length.
std::optional<FrameHeader> frame_record_header(std::span<const std::byte> body);
std::optional<RingStreamRecord> decode_ring_stream(std::span<const std::byte> body);
std::optional<AnswerKind> decode_answer(std::span<const std::byte> body);
std::optional<ClosedRecord> decode_closed(std::span<const std::byte> body);

std::vector<std::byte> encode_header(const RecordingHeader& header);
std::vector<std::byte> encode_answer(const AnswerKind& answer);
std::vector<std::byte> encode_closed(const ClosedRecord& closed);
std::vector<std::byte> encode_ring_stream_head(uint32_t ctx_id, uint32_t ring_idx);

// Appends records to a file. The first failed write stops it (recording is
// a diagnostic: it never takes the client down).
class RecordingWriter {
public:
    explicit RecordingWriter(shm::UniqueFd fd) : fd_(std::move(fd)) {}

    bool write_header(const RecordingHeader& header);
    // The record's body is the concatenation of `parts`.
    bool write_record(RecordKind kind, std::initializer_list<std::span<const std::byte>> parts);
    bool failed() const { return failed_; }
    const std::string& error() const { return error_; }

private:
    bool write_all(std::span<const std::span<const std::byte>> parts);

    shm::UniqueFd fd_;
    bool failed_ = false;
    std::string error_;
};

}  // namespace rendersock::wire
