#include <cstddef>
#include "shm/FdPassing.h"

#include <poll.h>
#include <sys/socket.h>

#include <array>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "shm/SystemError.h"

namespace rendersock::shm {
namespace {

constexpr size_t kInlineFds = 16;

// Control-message storage: on the stack for the common case so the receive
// path does not allocate on every call, on the heap for unusual fd counts.
class ControlBuffer {
  public:
    explicit ControlBuffer(size_t max_fds) : size_(CMSG_SPACE(max_fds * sizeof(int))) {
        if (size_ > sizeof(inline_)) {
            heap_ = std::make_unique<std::max_align_t[]>((size_ + sizeof(std::max_align_t) - 1) /
                                                         sizeof(std::max_align_t));
        }
    }
    void* data() { return heap_ ? static_cast<void*>(heap_.get()) : inline_.data(); }
    size_t size() const { return size_; }

  private:
    size_t size_;
    alignas(cmsghdr) std::array<std::byte, CMSG_SPACE(kInlineFds * sizeof(int))> inline_{};
    std::unique_ptr<std::max_align_t[]> heap_;
};

void attach_fds(msghdr& msg, ControlBuffer& control, std::span<const int> fds) {
    msg.msg_control = control.data();
    msg.msg_controllen = control.size();
    cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
    if (cmsg == nullptr) {  // cannot happen: the buffer is CMSG_SPACE-sized
        throw std::logic_error("send_some_with_fds: control buffer too small");
    }
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(fds.size_bytes());
    std::memcpy(CMSG_DATA(cmsg), fds.data(), fds.size_bytes());
}

bool peer_gone(int error) { return error == EPIPE || error == ECONNRESET; }

void wait_writable(int sock) {
    pollfd pfd{sock, POLLOUT, 0};
    while (::poll(&pfd, 1, -1) < 0) {
        if (errno != EINTR) {
            throw_errno("poll(POLLOUT)");
        }
    }
}

// Upper bound on fds the kernel can put into a control buffer of this size,
// so fds_out can be reserved up front and wrapping them can never throw.
size_t fd_capacity(const ControlBuffer& control) { return control.size() / sizeof(int); }

void adopt_fds(msghdr& msg, std::vector<UniqueFd>& fds_out) {
    for (cmsghdr* cmsg = CMSG_FIRSTHDR(&msg); cmsg != nullptr; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
        if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS ||
            cmsg->cmsg_len < CMSG_LEN(0)) {
            continue;
        }
        const size_t count = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        const unsigned char* payload = CMSG_DATA(cmsg);
        for (size_t i = 0; i < count; ++i) {
            int fd = -1;
            std::memcpy(&fd, payload + i * sizeof(int), sizeof(int));
            fds_out.emplace_back(fd);
        }
    }
}

}  // namespace

SendResult send_some_with_fds(int sock, std::span<const std::byte> data, std::span<const int> fds) {
    if (data.empty()) {
        if (!fds.empty()) {
            throw std::invalid_argument("send_some_with_fds: fds need at least one data byte");
        }
        return {0, false};
    }
    iovec iov{const_cast<std::byte*>(data.data()), data.size()};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    ControlBuffer control(fds.size());
    if (!fds.empty()) {
        attach_fds(msg, control, fds);
    }
    for (;;) {
        const ssize_t sent = ::sendmsg(sock, &msg, MSG_NOSIGNAL);
        if (sent >= 0) {
            return {static_cast<size_t>(sent), false};
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            return {0, true};
        }
        if (peer_gone(errno)) {
            throw_errno("sendmsg: peer closed the connection");
        }
        throw_errno("sendmsg");
    }
}

void send_all_with_fds(int sock, std::span<const std::byte> data, std::span<const int> fds) {
    while (!data.empty()) {
        const SendResult result = send_some_with_fds(sock, data, fds);
        if (result.would_block || result.bytes == 0) {
            wait_writable(sock);
            continue;
        }
        data = data.subspan(result.bytes);
        fds = {};  // the kernel took them with the first accepted byte
    }
}

RecvResult recv_some_with_fds(int sock, std::span<std::byte> buffer, std::vector<UniqueFd>& fds_out,
                              size_t max_fds_per_call) {
    if (buffer.empty()) {
        throw std::invalid_argument("recv_some_with_fds: empty buffer");
    }
    ControlBuffer control(max_fds_per_call);
    fds_out.reserve(fds_out.size() + fd_capacity(control));
    iovec iov{buffer.data(), buffer.size()};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.data();
    msg.msg_controllen = control.size();
    ssize_t received = -1;
    // Never blocks: callers wait for readability themselves (asio, poll).
    while ((received = ::recvmsg(sock, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT)) < 0) {
        if (errno == EINTR) {
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            return {0, true, false, false};
        }
        if (errno == ECONNRESET) {
            return {0, false, true, false};
        }
        throw_errno("recvmsg");
    }
    adopt_fds(msg, fds_out);
    const bool truncated = (msg.msg_flags & MSG_CTRUNC) != 0;
    return {static_cast<size_t>(received), false, received == 0, truncated};
}

}  // namespace rendersock::shm
