#pragma once
// Incremental, socket-free frame parser. The transport reads into the span
// `writable()` hands out, reports what it got with `commit()`, hands over
// received fds with `add_fds()`, and pulls whole frames with `next()`.
// Limits are checked on the header before a payload is allocated.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <vector>

#include "shm/UniqueFd.h"
#include "wire/Frame.h"

namespace rendersock::wire {

struct Frame {
    FrameHeader header;
    std::vector<std::byte> control;
    std::vector<std::byte> payload;
    std::vector<shm::UniqueFd> fds;
};

class FrameReader {
public:
    enum class Status { Complete, NeedMore, Error };

    // With `expect_preamble` the stream must start with kPreamble (the
    // server's side); anything else is an error that says what it was.
    explicit FrameReader(FrameLimits limits, bool expect_preamble = false,
                         size_t staging_bytes = 256 * 1024);

    std::span<std::byte> writable();
    void commit(size_t bytes);
    void add_fds(std::vector<shm::UniqueFd>& fds);

    // Fills `frame` when one is complete. After Error the reader stays in
    // error; `error()` says why.
    Status next(Frame& frame);

    const std::string& error() const { return error_; }
    size_t pending_fds() const { return fds_.size(); }
    void set_limits(const FrameLimits& limits) { limits_ = limits; }

private:
    Status fail(std::string reason);
    Status start_frame();
    // Parses as far as the bytes allow; switches large payloads to direct reads.
    Status advance();
    Status take_preamble();
    Status finish_frame(Frame& frame);
    void compact();

    FrameLimits limits_;
    std::vector<std::byte> staging_;
    size_t begin_ = 0;
    size_t end_ = 0;
    bool expect_preamble_;
    bool have_header_ = false;
    FrameHeader header_{};
    // Large payloads are read straight into their final buffer.
    bool direct_payload_ = false;
    std::vector<std::byte> control_;
    std::vector<std::byte> payload_;
    size_t payload_filled_ = 0;
    std::deque<shm::UniqueFd> fds_;
    std::string error_;
};

}  // namespace rendersock::wire
