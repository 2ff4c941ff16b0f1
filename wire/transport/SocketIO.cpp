#include "wire/transport/SocketIO.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "shm/FdPassing.h"

namespace rendersock::wire {
namespace {

shm::UniqueFd connect_unix(const std::string& path, std::string& error) {
    shm::UniqueFd sock(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!sock) {
        error = std::string("socket: ") + std::strerror(errno);
        return shm::UniqueFd();
    }
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
    if (::connect(sock.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
        error = "cannot connect to " + path + ": " + std::strerror(errno);
        return shm::UniqueFd();
    }
    return sock;
}

shm::UniqueFd connect_tcp(const std::string& host, uint16_t port, std::string& error) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* results = nullptr;
    const std::string service = std::to_string(port);
    if (int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &results); rc != 0) {
        error = "cannot resolve " + host + ": " + gai_strerror(rc);
        return shm::UniqueFd();
    }
    shm::UniqueFd sock;
    int last_errno = 0;
    for (addrinfo* ai = results; ai; ai = ai->ai_next) {
        sock.reset(::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol));
        if (!sock) continue;
        if (::connect(sock.get(), ai->ai_addr, ai->ai_addrlen) == 0) break;
        last_errno = errno;
        sock.reset();
    }
    ::freeaddrinfo(results);
    if (!sock) {
        error = "cannot connect to tcp:" + host + ":" + service + ": " + std::strerror(last_errno);
        return shm::UniqueFd();
    }
    int one = 1;
    ::setsockopt(sock.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return sock;
}

void wait_writable(int sock) {
    pollfd pfd{sock, POLLOUT, 0};
    while (::poll(&pfd, 1, -1) < 0 && errno == EINTR) {
    }
}

}  // namespace

shm::UniqueFd connect_socket(const Address& address, std::string& error) {
    if (address.kind == Address::Kind::Unix) return connect_unix(address.path, error);
    return connect_tcp(address.host, address.port, error);
}

void send_frame(int sock, std::span<const std::byte> head, std::span<const std::byte> payload,
                std::span<const int> fds) {
    size_t sent = 0;
    const size_t total = head.size() + payload.size();
    std::vector<char> control(CMSG_SPACE(sizeof(int) * fds.size()));
    while (sent < total) {
        iovec iov[2];
        int iov_count = 0;
        if (sent < head.size()) {
            iov[iov_count++] = {const_cast<std::byte*>(head.data()) + sent, head.size() - sent};
            if (!payload.empty())
                iov[iov_count++] = {const_cast<std::byte*>(payload.data()), payload.size()};
        } else {
            const size_t off = sent - head.size();
            iov[iov_count++] = {const_cast<std::byte*>(payload.data()) + off, payload.size() - off};
        }
        msghdr msg{};
        msg.msg_iov = iov;
        msg.msg_iovlen = static_cast<size_t>(iov_count);
        if (sent == 0 && !fds.empty()) {
            msg.msg_control = control.data();
            msg.msg_controllen = control.size();
            cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
            if (!cmsg) throw std::logic_error("no room for SCM_RIGHTS");
            cmsg->cmsg_level = SOL_SOCKET;
            cmsg->cmsg_type = SCM_RIGHTS;
            cmsg->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
            std::memcpy(CMSG_DATA(cmsg), fds.data(), sizeof(int) * fds.size());
        }
        ssize_t n = ::sendmsg(sock, &msg, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) {
                wait_writable(sock);
                continue;
            }
            throw std::system_error(errno, std::generic_category(), "sending to the server");
        }
        sent += static_cast<size_t>(n);
    }
}

std::chrono::microseconds spin_budget() {
    static const std::chrono::microseconds budget = [] {
        const char* text = std::getenv("RENDERSOCK_SPIN_US");
        long value = text ? std::strtol(text, nullptr, 10) : 50;
        return std::chrono::microseconds(std::clamp<long>(value, 0, 10000));
    }();
    return budget;
}

ReadStatus read_frame(int sock, FrameReader& reader, Frame& frame,
                      std::chrono::steady_clock::time_point deadline, std::string& error) {
    std::vector<shm::UniqueFd> fds;
    // An answer usually comes within microseconds; waking from poll() on
    // another CPU costs tens of them. Try non-blocking reads for a short
    // while before sleeping.
    const auto spin_until = std::chrono::steady_clock::now() + spin_budget();
    for (;;) {
        switch (reader.next(frame)) {
            case FrameReader::Status::Complete: return ReadStatus::Frame;
            case FrameReader::Status::Error: error = reader.error(); return ReadStatus::Error;
            case FrameReader::Status::NeedMore: break;
        }
        auto result = shm::recv_some_with_fds(sock, reader.writable(), fds);
        reader.add_fds(fds);
        if (result.fds_truncated) {
            error = "too many fds in one message from the server";
            return ReadStatus::Error;
        }
        if (result.eof) return ReadStatus::Closed;
        if (!result.would_block) {
            reader.commit(result.bytes);
            continue;
        }
        const auto now = std::chrono::steady_clock::now();
        if (now < spin_until && now < deadline) {
            // If the server shares our CPU, let it run instead of spinning
            // against it; on another CPU this returns at once.
            ::sched_yield();
            continue;
        }
        int timeout_ms = -1;
        if (deadline != std::chrono::steady_clock::time_point::max()) {
            auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
            timeout_ms = static_cast<int>(std::clamp<int64_t>(remaining.count(), 0, 1 << 30));
        }
        pollfd pfd{sock, POLLIN, 0};
        int ready = ::poll(&pfd, 1, timeout_ms);
        if (ready < 0 && errno != EINTR) {
            error = std::string("poll: ") + std::strerror(errno);
            return ReadStatus::Error;
        }
        if (ready == 0 && timeout_ms >= 0 && std::chrono::steady_clock::now() >= deadline)
            return ReadStatus::Timeout;
    }
}

}  // namespace rendersock::wire
