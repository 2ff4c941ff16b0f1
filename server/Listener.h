#pragma once
// Listening sockets: a Unix socket created owner-only (a stale file left by
// a dead server is replaced, a live server's is not), and TCP.

#include <string>

#include "shm/UniqueFd.h"
#include "wire/Address.h"

namespace rendersock::server {

// Throws std::runtime_error with a message for the user on failure.
shm::UniqueFd listen_unix(const std::string& path, const std::string& group);
shm::UniqueFd listen_tcp(const wire::Address& address);

}  // namespace rendersock::server
