#pragma once

#include <cstddef>
#include <optional>

#include "shm/UniqueFd.h"

namespace rendersock::shm {

// A memfd of exactly `size` bytes sealed against shrinking and growing (and
// further sealing), so whoever maps it can never be hit by SIGBUS because the
// other side truncated it. Throws std::system_error on failure.
UniqueFd create_sealed_memfd(const char* name, size_t size);

// For fds received from a peer: the size, but only if the fd is a memfd whose
// seals include SHRINK and GROW, i.e. the size can be trusted to stay put.
std::optional<size_t> sealed_memfd_size(int fd);

}  // namespace rendersock::shm
