#include "shm/UniqueFd.h"

#include <unistd.h>

#include <utility>

namespace rendersock::shm {

UniqueFd::~UniqueFd() { reset(); }

UniqueFd::UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
    reset(other.release());
    return *this;
}

int UniqueFd::release() noexcept { return std::exchange(fd_, -1); }

void UniqueFd::reset(int fd) noexcept {
    // Resetting to the fd we already own must not close it under ourselves.
    if (fd == fd_) {
        return;
    }
    const int old = std::exchange(fd_, fd);
    if (old >= 0) {
        // Linux releases the descriptor even when close() reports EINTR, so
        // retrying could close an fd another thread just opened.
        ::close(old);
    }
}

}  // namespace rendersock::shm
