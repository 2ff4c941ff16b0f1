#include "wire/FrameReader.h"

#include <algorithm>
#include <cstring>

namespace rendersock::wire {

FrameReader::FrameReader(FrameLimits limits, bool expect_preamble, size_t staging_bytes)
    : limits_(limits),
      staging_(std::max<size_t>(staging_bytes, 2 * sizeof(FrameHeader))),
      expect_preamble_(expect_preamble) {}

FrameReader::Status FrameReader::take_preamble() {
    if (end_ - begin_ < kPreamble.size()) return Status::NeedMore;
    std::array<char, 8> first;
    std::memcpy(first.data(), staging_.data() + begin_, first.size());
    if (first != kPreamble) {
        if (looks_like_upstream_vtest(first))
            return fail("an upstream vtest client (Mesa virpipe or Venus); rendersock speaks its "
                        "own protocol: use the rendersock client drivers");
        return fail("not a rendersock client (wrong preamble)");
    }
    begin_ += kPreamble.size();
    expect_preamble_ = false;
    return Status::Complete;
}

std::span<std::byte> FrameReader::writable() {
    if (!error_.empty()) return {};
    if (direct_payload_) return std::span(payload_).subspan(payload_filled_);
    compact();
    if (end_ == staging_.size()) {
        // Staging is full: the frame in it must be one whose payload goes
        // straight to its own buffer.
        if (advance() == Status::Error) return {};
        if (direct_payload_) return std::span(payload_).subspan(payload_filled_);
        compact();
    }
    return std::span(staging_).subspan(end_);
}

void FrameReader::commit(size_t bytes) {
    if (direct_payload_)
        payload_filled_ += bytes;
    else
        end_ += bytes;
}

void FrameReader::add_fds(std::vector<shm::UniqueFd>& fds) {
    for (auto& fd : fds) fds_.push_back(std::move(fd));
    fds.clear();
}

void FrameReader::compact() {
    if (begin_ == 0) return;
    // Move the unparsed tail to the front only when the free room at the end
    // is small, so a run of tiny frames does not memmove on every read.
    if (end_ - begin_ > 0 && staging_.size() - end_ >= staging_.size() / 4) return;
    std::memmove(staging_.data(), staging_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
}

FrameReader::Status FrameReader::fail(std::string reason) {
    error_ = std::move(reason);
    return Status::Error;
}

FrameReader::Status FrameReader::start_frame() {
    if (end_ - begin_ < sizeof(FrameHeader)) return Status::NeedMore;
    std::memcpy(&header_, staging_.data() + begin_, sizeof(header_));
    if (auto reason = check_header(header_, limits_)) return fail(*reason);
    if (sizeof(FrameHeader) + header_.control_size > staging_.size())
        return fail("control message larger than the staging buffer");
    have_header_ = true;
    return Status::Complete;
}

FrameReader::Status FrameReader::advance() {
    if (!error_.empty()) return Status::Error;
    if (expect_preamble_) {
        if (auto status = take_preamble(); status != Status::Complete) return status;
    }
    if (!have_header_) {
        if (auto status = start_frame(); status != Status::Complete) return status;
    }
    if (direct_payload_) return Status::Complete;
    const size_t control_end = sizeof(FrameHeader) + header_.control_size;
    const size_t available = end_ - begin_;
    if (available < control_end) return Status::NeedMore;
    if (control_end + header_.payload_size <= staging_.size()) return Status::Complete;
    // Too big for staging: move what arrived into the payload buffer and let
    // the transport read the rest straight into it.
    const size_t payload_in_staging = std::min<size_t>(available - control_end, header_.payload_size);
    payload_.resize(header_.payload_size);
    std::memcpy(payload_.data(), staging_.data() + begin_ + control_end, payload_in_staging);
    payload_filled_ = payload_in_staging;
    control_.assign(staging_.data() + begin_ + sizeof(FrameHeader),
                    staging_.data() + begin_ + control_end);
    begin_ += control_end + payload_in_staging;
    direct_payload_ = true;
    return Status::Complete;
}

FrameReader::Status FrameReader::next(Frame& frame) {
    if (auto status = advance(); status != Status::Complete) return status;
    if (direct_payload_) {
        if (payload_filled_ < payload_.size()) return Status::NeedMore;
        return finish_frame(frame);
    }
    const size_t control_end = sizeof(FrameHeader) + header_.control_size;
    if (end_ - begin_ < control_end + header_.payload_size) return Status::NeedMore;
    const std::byte* base = staging_.data() + begin_;
    frame.control.assign(base + sizeof(FrameHeader), base + control_end);
    frame.payload.assign(base + control_end, base + control_end + header_.payload_size);
    begin_ += control_end + header_.payload_size;
    return finish_frame(frame);
}

FrameReader::Status FrameReader::finish_frame(Frame& frame) {
    // fds ride with the first byte of the sendmsg that carried the frame, so
    // they have all arrived once the frame's bytes have.
    if (fds_.size() < header_.fd_count)
        return fail("frame announces " + std::to_string(header_.fd_count) +
                    " fds but only " + std::to_string(fds_.size()) + " arrived");
    frame.header = header_;
    frame.fds.clear();
    for (uint32_t i = 0; i < header_.fd_count; ++i) {
        frame.fds.push_back(std::move(fds_.front()));
        fds_.pop_front();
    }
    if (direct_payload_) {
        frame.control = std::move(control_);
        control_ = {};
        frame.payload = std::move(payload_);
        payload_ = {};
        payload_filled_ = 0;
        direct_payload_ = false;
    }
    have_header_ = false;
    if (begin_ == end_) begin_ = end_ = 0;
    return Status::Complete;
}

}  // namespace rendersock::wire
