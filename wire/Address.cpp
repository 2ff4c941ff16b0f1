#include "wire/Address.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstdlib>

namespace rendersock::wire {
namespace {

bool set_error(std::string* error, std::string text) {
    if (error) *error = std::move(text);
    return false;
}

bool parse_tcp(std::string_view rest, Address& address, std::string* error) {
    std::string_view host;
    std::string_view port;
    if (!rest.empty() && rest.front() == '[') {
        auto close = rest.find(']');
        if (close == std::string_view::npos || close + 1 >= rest.size() || rest[close + 1] != ':')
            return set_error(error, "expected tcp:[ADDRESS]:PORT");
        host = rest.substr(1, close - 1);
        port = rest.substr(close + 2);
    } else {
        auto colon = rest.rfind(':');
        if (colon == std::string_view::npos) return set_error(error, "expected tcp:HOST:PORT");
        host = rest.substr(0, colon);
        port = rest.substr(colon + 1);
    }
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value > 65535 || port.empty())
        return set_error(error, "bad TCP port '" + std::string(port) + "'");
    if (host.empty()) return set_error(error, "empty TCP host");
    address.kind = Address::Kind::Tcp;
    address.host = std::string(host);
    address.port = static_cast<uint16_t>(value);
    return true;
}

}  // namespace

std::optional<Address> Address::parse(std::string_view text, std::string* error) {
    Address address;
    if (text.starts_with("tcp:")) {
        if (!parse_tcp(text.substr(4), address, error)) return std::nullopt;
        return address;
    }
    if (text.starts_with("unix:")) text.remove_prefix(5);
    if (text.empty()) {
        set_error(error, "empty socket path");
        return std::nullopt;
    }
    constexpr size_t kMaxUnixPath = 107;  // sun_path minus the terminator
    if (text.size() > kMaxUnixPath) {
        set_error(error, "socket path longer than 107 bytes");
        return std::nullopt;
    }
    address.path = std::string(text);
    return address;
}

std::string Address::default_text() {
    const char* name = std::getenv("VTEST_SOCKET_NAME");
    return (name && *name) ? name : kDefaultSocketPath;
}

std::string Address::describe() const {
    if (kind == Kind::Unix) return path;
    return "tcp:" + host + ":" + std::to_string(port);
}

bool Address::is_loopback() const {
    if (kind == Kind::Unix) return true;
    if (host == "localhost" || host == "::1") return true;
    in_addr v4{};
    if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
    return false;
}

}  // namespace rendersock::wire
