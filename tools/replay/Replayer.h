#pragma once
// Replays a recording (wire/RECORDING.md) on a connected socket: sends the
// recorded frames in order (its own Hello, asking for no features, instead
// of the recorded one; ring streams as Submits; frames that carried fds are
// skipped), reads the answers and checks each against the recorded kind.
// The first difference ends the replay with a message that names the record.

#include <chrono>
#include <cstdio>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "wire/FrameReader.h"
#include "wire/Recording.h"

namespace rendersock::replay {

struct ReplayCounts {
    size_t frames_sent = 0;
    size_t ring_streams_sent = 0;
    size_t answers_matched = 0;
    size_t frames_skipped = 0;
    size_t answers_unchecked = 0;  // answers to skipped frames
    size_t waits_repeated = 0;     // polled waits asked again: this run was slower
};

class Replayer {
public:
    Replayer(const wire::Recording& recording, shm::UniqueFd sock, std::string token,
             std::chrono::milliseconds answer_timeout, std::FILE* notes);

    // True when every record replayed with the recorded answers; otherwise
    // `divergence()` says where and how.
    bool run();
    const std::string& divergence() const { return divergence_; }
    const ReplayCounts& counts() const { return counts_; }

private:
    // Answers are matched by serial; the unsolicited ones (serial 0) by
    // context for losses, all alike for errors.
    struct AnswerKey {
        uint32_t serial = 0;
        uint32_t lost_ctx = 0;
        auto operator<=>(const AnswerKey&) const = default;
    };
    struct Request {
        size_t record = 0;
        const char* type = "?";
    };

    // A Submit's context, ring and last Venus command.
    struct VenusRequest {
        uint32_t ctx_id = 0;
        uint32_t ring_idx = 0;
        std::span<const std::byte> command;
    };
    static AnswerKey key_of(const wire::AnswerKind& answer);
    // False at the record that ends the recording (the connection closed).
    bool replay_record(size_t index);
    void check_open(const std::string& request);
    void replay_frame(size_t index, std::span<const std::byte> body);
    void replay_ring_stream(size_t index, std::span<const std::byte> body);
    void expect_answer(size_t index, const wire::AnswerKind& expected);
    void expect_close(size_t index, const wire::ClosedRecord& closed);
    wire::AnswerKind await_answer(size_t index, const wire::AnswerKind& expected,
                                  std::chrono::steady_clock::time_point deadline);
    bool wait_unfinished(const wire::AnswerKind& expected, const wire::AnswerKind& got) const;
    std::optional<VenusRequest> submitted_venus_command(uint32_t serial) const;
    void repeat_wait(uint32_t serial);
    void finish();
    void send_own_hello(uint32_t serial);

    void send(std::span<const std::byte> bytes);
    // Reads what has arrived, waiting until `deadline` for at least one
    // byte; false once the deadline passed with nothing read.
    bool receive(std::chrono::steady_clock::time_point deadline);
    void take_frames();
    void on_answer(const wire::AnswerKind& answer);
    std::string request_text(uint32_t serial) const;
    [[noreturn]] void diverge(const std::string& text);

    const wire::Recording& recording_;
    shm::UniqueFd sock_;
    std::string token_;
    std::chrono::milliseconds answer_timeout_;
    std::FILE* notes_;
    wire::FrameReader reader_;
    bool closed_ = false;
    bool close_expected_ = false;
    bool hello_replaced_ = false;
    bool sync_answered_ = false;
    std::string last_error_;  // the last Error text the server sent, for context
    std::map<AnswerKey, size_t> answers_ahead_;  // recorded, not yet reached
    std::map<AnswerKey, std::deque<wire::AnswerKind>> arrived_;
    std::map<uint32_t, Request> requests_;
    std::set<uint32_t> skipped_serials_;
    std::set<uint32_t> venus_contexts_;
    ReplayCounts counts_;
    std::string divergence_;
};

}  // namespace rendersock::replay
