#include "shm/Doorbell.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "shm/Deadline.h"
#include "shm/SystemError.h"

namespace rendersock::shm {
namespace {

void make_nonblocking(int fd) {
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0) {
        throw_errno("fcntl(F_GETFL)");
    }
    if ((flags & O_NONBLOCK) == 0 && ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) {
        throw_errno("fcntl(F_SETFL, O_NONBLOCK)");
    }
}

// eventfds have no file type of their own; the anon-inode name is the one
// reliable marker the kernel exposes.
bool is_eventfd(int fd) {
    const std::string path = "/proc/self/fd/" + std::to_string(fd);
    char target[64];
    const ssize_t length = ::readlink(path.c_str(), target, sizeof(target));
    if (length <= 0 || static_cast<size_t>(length) >= sizeof(target)) {
        return false;
    }
    return std::string_view(target, static_cast<size_t>(length)) == "anon_inode:[eventfd]";
}

// Waits for POLLIN until the deadline; false on timeout.
bool poll_readable(int fd, Clock::time_point deadline) {
    for (;;) {
        const timespec timeout = to_timespec(time_left(deadline));
        pollfd pfd{fd, POLLIN, 0};
        const int ready = ::ppoll(&pfd, 1, &timeout, nullptr);
        if (ready > 0) {
            return true;
        }
        if (ready == 0) {
            return false;
        }
        if (errno != EINTR) {
            throw_errno("ppoll(doorbell)");
        }
    }
}

}  // namespace

Doorbell Doorbell::create() {
    UniqueFd fd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!fd) {
        throw_errno("eventfd");
    }
    return Doorbell(std::move(fd));
}

Doorbell Doorbell::adopt(UniqueFd fd) {
    if (!fd) {
        throw std::invalid_argument("Doorbell::adopt: no fd");
    }
    make_nonblocking(fd.get());
    return Doorbell(std::move(fd));
}

std::optional<Doorbell> Doorbell::adopt_from_peer(UniqueFd fd) {
    if (!fd || !is_eventfd(fd.get())) {
        return std::nullopt;
    }
    return adopt(std::move(fd));
}

Doorbell Doorbell::duplicate() const {
    UniqueFd copy(::fcntl(fd_.get(), F_DUPFD_CLOEXEC, 0));
    if (!copy) {
        throw_errno("fcntl(F_DUPFD_CLOEXEC)");
    }
    return Doorbell(std::move(copy));
}

void Doorbell::ring() {
    const uint64_t one = 1;
    while (::write(fd_.get(), &one, sizeof(one)) < 0) {
        if (errno == EINTR) {
            continue;
        }
        // The counter is saturated, so the waiter is going to wake anyway.
        if (errno == EAGAIN) {
            return;
        }
        throw_errno("write(doorbell)");
    }
}

bool Doorbell::wait(std::chrono::nanoseconds timeout) {
    const auto deadline = deadline_after(timeout);
    // Another thread sharing this eventfd may drain between our poll and our
    // read; keep waiting in that case instead of reporting a ring we never got.
    while (poll_readable(fd_.get(), deadline)) {
        if (try_drain()) {
            return true;
        }
    }
    return false;
}

void Doorbell::drain() { try_drain(); }

bool Doorbell::try_drain() {
    uint64_t count = 0;
    for (;;) {
        if (::read(fd_.get(), &count, sizeof(count)) >= 0) {
            return true;
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno == EAGAIN) {
            return false;
        }
        throw_errno("read(doorbell)");
    }
}

}  // namespace rendersock::shm
