#pragma once

#include <cerrno>
#include <system_error>

namespace rendersock::shm {

// Local syscall failures are exceptional; the message names the operation so a
// log line alone tells which call ran out of memory or descriptors.
[[noreturn]] inline void throw_system_error(int error, const char* operation) {
    throw std::system_error(error, std::system_category(), operation);
}

[[noreturn]] inline void throw_errno(const char* operation) {
    throw_system_error(errno, operation);
}

}  // namespace rendersock::shm
