#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "shm/UniqueFd.h"

namespace rendersock::shm {

// Unix stream sockets with SCM_RIGHTS. The socket may be blocking or not; these
// functions never change its flags.

struct SendResult {
    size_t bytes;      // bytes accepted by the kernel (fds went with them if bytes > 0)
    bool would_block;  // nothing was sent, not even the fds; retry when writable
};

// One sendmsg (EINTR retried) with MSG_NOSIGNAL; `fds` ride on it if non-empty.
// Fds need at least one data byte to travel with, so non-empty `fds` with empty
// `data` throws std::invalid_argument. Other socket errors throw
// std::system_error (EPIPE/ECONNRESET with a message saying the peer closed).
SendResult send_some_with_fds(int sock, std::span<const std::byte> data, std::span<const int> fds);

// Sends everything, polling for POLLOUT on EAGAIN; fds go with the first chunk.
void send_all_with_fds(int sock, std::span<const std::byte> data, std::span<const int> fds);

struct RecvResult {
    size_t bytes;
    bool would_block;    // EAGAIN on a non-blocking socket
    bool eof;            // peer closed (orderly, or by reset)
    bool fds_truncated;  // MSG_CTRUNC: the peer sent more fds than we allowed
};

// One recvmsg (EINTR retried, MSG_CMSG_CLOEXEC). Every fd that arrives is
// appended to `fds_out` as a UniqueFd, including when fds_truncated is set;
// the kernel closes the ones that did not fit. `buffer` must be non-empty,
// otherwise a zero-byte read could not be told apart from EOF.
RecvResult recv_some_with_fds(int sock, std::span<std::byte> buffer, std::vector<UniqueFd>& fds_out,
                              size_t max_fds_per_call = 16);

}  // namespace rendersock::shm
