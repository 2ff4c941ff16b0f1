#include "server/Listener.h"

#include <grp.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace rendersock::server {
namespace {

[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error(what + ": " + std::strerror(errno));
}

sockaddr_un unix_address(const std::string& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
    return addr;
}

// A socket file nobody accepts on is left over from a dead server.
void remove_stale_socket(const std::string& path) {
    struct stat info{};
    if (::lstat(path.c_str(), &info) != 0) return;
    if (!S_ISSOCK(info.st_mode))
        throw std::runtime_error(path + " exists and is not a socket; refusing to replace it");
    shm::UniqueFd probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un addr = unix_address(path);
    if (::connect(probe.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0)
        throw std::runtime_error("another server is already listening on " + path);
    ::unlink(path.c_str());
}

}  // namespace

shm::UniqueFd listen_unix(const std::string& path, const std::string& group) {
    remove_stale_socket(path);
    shm::UniqueFd sock(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!sock) fail("socket");
    sockaddr_un addr = unix_address(path);
    // Bind under a umask that leaves the socket owner-only from the first
    // instant, instead of tightening it after others could connect.
    const mode_t old_mask = ::umask(0177);
    const int bound = ::bind(sock.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    const int bind_errno = errno;
    ::umask(old_mask);
    errno = bind_errno;
    if (bound != 0) fail("cannot bind " + path);
    if (!group.empty()) {
        const struct group* entry = ::getgrnam(group.c_str());
        if (!entry) throw std::runtime_error("--socket-group: no group named " + group);
        if (::chown(path.c_str(), static_cast<uid_t>(-1), entry->gr_gid) != 0 ||
            ::chmod(path.c_str(), 0660) != 0)
            fail("cannot give " + path + " to group " + group);
    }
    if (::listen(sock.get(), 128) != 0) fail("listen on " + path);
    return sock;
}

shm::UniqueFd listen_tcp(const wire::Address& address) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    addrinfo* results = nullptr;
    const std::string port = std::to_string(address.port);
    if (int rc = ::getaddrinfo(address.host.c_str(), port.c_str(), &hints, &results); rc != 0)
        throw std::runtime_error("cannot resolve " + address.host + ": " + gai_strerror(rc));
    shm::UniqueFd sock;
    std::string error = "no address";
    for (addrinfo* ai = results; ai && !sock; ai = ai->ai_next) {
        shm::UniqueFd candidate(
            ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol));
        if (!candidate) continue;
        int one = 1;
        ::setsockopt(candidate.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (::bind(candidate.get(), ai->ai_addr, ai->ai_addrlen) == 0 &&
            ::listen(candidate.get(), 128) == 0)
            sock = std::move(candidate);
        else
            error = std::strerror(errno);
    }
    ::freeaddrinfo(results);
    if (!sock) throw std::runtime_error("cannot listen on " + address.describe() + ": " + error);
    return sock;
}

}  // namespace rendersock::server
