#include "server/StreamRingReader.h"

#include <unistd.h>

#include <asio/post.hpp>

#include "wire/StreamRingEntry.h"

namespace rendersock::server {

StreamRingReader::StreamRingReader(asio::io_context& io, shm::RingConsumer consumer,
                                   shm::UniqueFd doorbell_fd, uint64_t max_stream_bytes,
                                   Deliver deliver, Failed failed)
    : consumer_(std::move(consumer)),
      doorbell_(io, doorbell_fd.release()),
      max_stream_bytes_(max_stream_bytes),
      deliver_(std::move(deliver)),
      failed_(std::move(failed)) {}

void StreamRingReader::start() { process(); }

void StreamRingReader::stop() {
    stopped_ = true;
    asio::error_code ignored;
    doorbell_.cancel(ignored);
    doorbell_.close(ignored);
}

Status StreamRingReader::drain() {
    // Unsigned distances: a hostile head cannot make this loop run on, since
    // every entry read moves the position forward by what it consumed.
    const uint64_t start = consumer_.position();
    const uint64_t budget = consumer_.published() - start;
    while (consumer_.position() - start < budget) {
        uint32_t tag = 0;
        switch (consumer_.read(tag, entry_, max_stream_bytes_)) {
            case shm::RingConsumer::ReadStatus::Empty: return Status::ok();
            case shm::RingConsumer::ReadStatus::Corrupt:
                return Status::error(fb::ErrorCode::Malformed,
                                     "the command ring's indices or entry sizes are corrupt");
            case shm::RingConsumer::ReadStatus::Entry: break;
        }
        if (stream_.size() + entry_.size() > max_stream_bytes_)
            return Status::error(fb::ErrorCode::LimitExceeded,
                                 "command stream in the ring exceeds the message size limit");
        const uint32_t ring = tag & wire::kStreamRingMask;
        if (tag & wire::kStreamContinues) {
            stream_.insert(stream_.end(), entry_.begin(), entry_.end());
            continue;
        }
        if (stream_.empty()) {
            RS_TRY(deliver_(ring, entry_));
        } else {
            stream_.insert(stream_.end(), entry_.begin(), entry_.end());
            Status status = deliver_(ring, stream_);
            stream_.clear();
            RS_TRY(std::move(status));
        }
    }
    return Status::ok();
}

void StreamRingReader::wait_for_doorbell() {
    if (stopped_) return;
    doorbell_.async_wait(asio::posix::stream_descriptor::wait_read,
                         [self = shared_from_this()](const asio::error_code& error) {
                             if (error || self->stopped_) return;
                             self->on_doorbell();
                         });
}

void StreamRingReader::on_doorbell() {
    uint64_t count = 0;
    [[maybe_unused]] ssize_t n = ::read(doorbell_.native_handle(), &count, sizeof(count));
    consumer_.woke();
    process();
}

void StreamRingReader::process() {
    if (stopped_) return;
    Status status = drain();
    if (!status.is_ok()) {
        stopped_ = true;
        failed_(status);
        return;
    }
    // Only sleep once the flag is up and the ring is still empty, or a
    // write that raced with us would never ring the bell. With more to
    // read, the socket's handlers get their turn first.
    if (consumer_.published() != consumer_.position() || !consumer_.prepare_to_sleep()) {
        process_later();
        return;
    }
    wait_for_doorbell();
}

void StreamRingReader::process_later() {
    asio::post(doorbell_.get_executor(), [self = shared_from_this()] { self->process(); });
}

}  // namespace rendersock::server
