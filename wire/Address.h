#pragma once
// Where a server listens and a client connects: a Unix socket path or
// tcp:HOST:PORT, taken from VTEST_SOCKET_NAME like upstream vtest.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rendersock::wire {

inline constexpr const char* kDefaultSocketPath = "/tmp/.virgl_test";

struct Address {
    enum class Kind { Unix, Tcp };
    Kind kind = Kind::Unix;
    std::string path;  // Unix
    std::string host;  // Tcp
    uint16_t port = 0;

    // Accepts "tcp:HOST:PORT", "tcp:[V6]:PORT", "unix:PATH" or a plain path.
    static std::optional<Address> parse(std::string_view text, std::string* error = nullptr);
    // $VTEST_SOCKET_NAME, else /tmp/.virgl_test.
    static std::string default_text();

    std::string describe() const;
    bool is_loopback() const;
};

}  // namespace rendersock::wire
