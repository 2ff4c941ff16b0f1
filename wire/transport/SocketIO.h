#pragma once
// Blocking frame I/O on a connected socket (Unix or TCP), used by the client
// library and by tests that play a client. The server uses the same framing
// through asio.

#include <chrono>
#include <span>
#include <string>

#include "shm/UniqueFd.h"
#include "wire/Address.h"
#include "wire/FrameReader.h"

namespace rendersock::wire {

// Connects to `address`; TCP gets TCP_NODELAY. Returns an invalid fd and a
// reason in `error` when nothing listens there.
shm::UniqueFd connect_socket(const Address& address, std::string& error);

// Sends one frame (header+control already packed in `head`, then `payload`)
// with `fds` attached to its first byte. Throws std::system_error when the
// peer is gone.
void send_frame(int sock, std::span<const std::byte> head, std::span<const std::byte> payload,
                std::span<const int> fds);

enum class ReadStatus { Frame, Timeout, Closed, Error };

// How long a reader spins on non-blocking reads before it sleeps in poll():
// $RENDERSOCK_SPIN_US microseconds (default 50, 0 turns spinning off).
std::chrono::microseconds spin_budget();

// Reads until `reader` yields a frame or the deadline passes.
ReadStatus read_frame(int sock, FrameReader& reader, Frame& frame,
                      std::chrono::steady_clock::time_point deadline, std::string& error);

}  // namespace rendersock::wire
