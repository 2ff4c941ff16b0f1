#pragma once

#include <chrono>
#include <optional>
#include <utility>

#include "shm/UniqueFd.h"

namespace rendersock::shm {

// An eventfd used as a wake-up signal between processes. Rings coalesce: any
// number of ring() calls before a drain wake the waiter once.
class Doorbell {
  public:
    // EFD_CLOEXEC | EFD_NONBLOCK. Throws std::system_error.
    static Doorbell create();

    // Takes an eventfd we trust (created locally or sent by the server). Makes
    // it non-blocking if it is not, so drain() can never block.
    static Doorbell adopt(UniqueFd fd);

    // For fds a peer sent: nullopt unless it really is an eventfd, since
    // ringing a socket or pipe the peer controls could block or raise SIGPIPE.
    static std::optional<Doorbell> adopt_from_peer(UniqueFd fd);

    // Another Doorbell on the same eventfd (F_DUPFD_CLOEXEC), e.g. to hand one
    // end to a local producer and the other to a local consumer.
    Doorbell duplicate() const;

    void ring();
    // Waits up to `timeout` for a ring and consumes it. True if it was rung;
    // false on timeout.
    bool wait(std::chrono::nanoseconds timeout);
    void drain();
    int fd() const { return fd_.get(); }

  private:
    explicit Doorbell(UniqueFd fd) : fd_(std::move(fd)) {}
    bool try_drain();

    UniqueFd fd_;
};

}  // namespace rendersock::shm
