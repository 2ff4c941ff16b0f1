#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "shm/FdPassing.h"
#include "shm/Mapping.h"
#include "shm/Memfd.h"
#include "shm/UniqueFd.h"

using namespace rendersock::shm;

namespace {

struct SocketPair {
    UniqueFd a;
    UniqueFd b;
};

SocketPair make_socketpair(int extra_type = 0) {
    int raw[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | extra_type, 0, raw) == 0);
    return {UniqueFd(raw[0]), UniqueFd(raw[1])};
}

size_t count_open_fds() {
    size_t count = 0;
    for ([[maybe_unused]] const auto& entry :
         std::filesystem::directory_iterator("/proc/self/fd")) {
        ++count;
    }
    return count;
}

std::span<const std::byte> as_bytes(const std::string& s) {
    return std::as_bytes(std::span(s.data(), s.size()));
}

UniqueFd memfd_with(const std::string& content) {
    UniqueFd fd = create_sealed_memfd("fdpass", 4096);
    Mapping m = Mapping::map(fd.get(), 4096, Mapping::Access::ReadWrite);
    std::memcpy(m.data(), content.data(), content.size());
    return fd;
}

std::string read_memfd(int fd, size_t length) {
    Mapping m = Mapping::map(fd, 4096, Mapping::Access::ReadOnly);
    return std::string(reinterpret_cast<const char*>(m.data()), length);
}

}  // namespace

TEST_CASE("three memfds travel with data and keep their contents") {
    const size_t fds_before = count_open_fds();
    {
        SocketPair sp = make_socketpair();
        const std::vector<std::string> contents = {"first blob", "second one", "third!"};
        std::vector<UniqueFd> originals;
        std::vector<int> raw;
        for (const auto& c : contents) {
            originals.push_back(memfd_with(c));
            raw.push_back(originals.back().get());
        }
        const std::string message = "three blobs attached";
        send_all_with_fds(sp.a.get(), as_bytes(message), raw);
        originals.clear();  // the receiver's copies must stand on their own

        std::vector<std::byte> buffer(256);
        std::vector<UniqueFd> received;
        const RecvResult r = recv_some_with_fds(sp.b.get(), buffer, received);
        CHECK(r.bytes == message.size());
        CHECK_FALSE(r.would_block);
        CHECK_FALSE(r.eof);
        CHECK_FALSE(r.fds_truncated);
        CHECK(std::memcmp(buffer.data(), message.data(), message.size()) == 0);
        REQUIRE(received.size() == 3);
        for (size_t i = 0; i < 3; ++i) {
            CHECK((::fcntl(received[i].get(), F_GETFD) & FD_CLOEXEC) != 0);
            CHECK(sealed_memfd_size(received[i].get()) == 4096u);
            CHECK(read_memfd(received[i].get(), contents[i].size()) == contents[i]);
        }
    }
    CHECK(count_open_fds() == fds_before);
}

TEST_CASE("a tiny receive buffer still yields the fds exactly once") {
    SocketPair sp = make_socketpair();
    UniqueFd f1 = memfd_with("one");
    UniqueFd f2 = memfd_with("two");
    const std::string message(100, 'x');
    const int raw[] = {f1.get(), f2.get()};
    send_all_with_fds(sp.a.get(), as_bytes(message), raw);
    sp.a.reset();

    std::vector<UniqueFd> received;
    std::vector<size_t> fds_after_call;
    std::string got;
    std::byte one[1];
    for (;;) {
        const RecvResult r = recv_some_with_fds(sp.b.get(), one, received);
        if (r.eof) {
            break;
        }
        REQUIRE(r.bytes == 1);
        got.push_back(static_cast<char>(one[0]));
        fds_after_call.push_back(received.size());
    }
    CHECK(got == message);
    REQUIRE(received.size() == 2);
    CHECK(fds_after_call.front() == 2);  // they came with the first byte
    CHECK(read_memfd(received[0].get(), 3) == "one");
    CHECK(read_memfd(received[1].get(), 3) == "two");
}

TEST_CASE("more fds than max_fds_per_call: truncated, and nothing leaks") {
    const size_t fds_before = count_open_fds();
    {
        SocketPair sp = make_socketpair();
        std::vector<UniqueFd> originals;
        std::vector<int> raw;
        for (int i = 0; i < 10; ++i) {
            originals.push_back(memfd_with("blob " + std::to_string(i)));
            raw.push_back(originals.back().get());
        }
        send_all_with_fds(sp.a.get(), as_bytes(std::string("m")), raw);
        originals.clear();

        std::vector<UniqueFd> received;
        std::byte buffer[16];
        const RecvResult r = recv_some_with_fds(sp.b.get(), buffer, received, 3);
        CHECK(r.bytes == 1);
        CHECK(r.fds_truncated);
        // The control buffer is rounded up to alignment, so one extra may fit.
        CHECK(received.size() >= 3);
        CHECK(received.size() < 10);
        for (size_t i = 0; i < received.size(); ++i) {
            CHECK(read_memfd(received[i].get(), 6) == "blob " + std::to_string(i));
        }
    }
    CHECK(count_open_fds() == fds_before);
}

TEST_CASE("zero max_fds_per_call drops every fd without leaking") {
    const size_t fds_before = count_open_fds();
    {
        SocketPair sp = make_socketpair();
        UniqueFd f = memfd_with("x");
        const int raw[] = {f.get()};
        send_all_with_fds(sp.a.get(), as_bytes(std::string("m")), raw);
        f.reset();
        std::vector<UniqueFd> received;
        std::byte buffer[4];
        const RecvResult r = recv_some_with_fds(sp.b.get(), buffer, received, 0);
        CHECK(r.bytes == 1);
        CHECK(r.fds_truncated);
        CHECK(received.empty());
    }
    CHECK(count_open_fds() == fds_before);
}

TEST_CASE("non-blocking sockets: would_block both ways") {
    SocketPair sp = make_socketpair(SOCK_NONBLOCK);
    std::vector<UniqueFd> received;
    std::byte buffer[64];
    const RecvResult empty = recv_some_with_fds(sp.b.get(), buffer, received);
    CHECK(empty.would_block);
    CHECK(empty.bytes == 0);

    const std::vector<std::byte> chunk(65536, std::byte{7});
    size_t total = 0;
    for (;;) {
        const SendResult r = send_some_with_fds(sp.a.get(), chunk, {});
        if (r.would_block) {
            CHECK(r.bytes == 0);
            break;
        }
        total += r.bytes;
        REQUIRE(total < (size_t{1} << 30));
    }
    CHECK(total > 0);

    // A full socket refuses fds too; they must still be ours to close.
    UniqueFd f = memfd_with("x");
    const int raw[] = {f.get()};
    CHECK(send_some_with_fds(sp.a.get(), chunk, raw).would_block);
    CHECK(f);
}

TEST_CASE("peer closing is reported: EOF on receive, system_error on send") {
    SocketPair sp = make_socketpair();
    sp.a.reset();
    std::vector<UniqueFd> received;
    std::byte buffer[8];
    CHECK(recv_some_with_fds(sp.b.get(), buffer, received).eof);

    try {
        send_all_with_fds(sp.b.get(), as_bytes(std::string("hello")), {});
        FAIL("expected system_error");
    } catch (const std::system_error& e) {
        CHECK(std::string(e.what()).find("peer closed") != std::string::npos);
    }
}

TEST_CASE("programming errors are refused") {
    SocketPair sp = make_socketpair();
    const int raw[] = {sp.a.get()};
    CHECK_THROWS_AS(send_some_with_fds(sp.a.get(), {}, raw), std::invalid_argument);
    CHECK(send_some_with_fds(sp.a.get(), {}, {}).bytes == 0);
    std::vector<UniqueFd> received;
    CHECK_THROWS_AS(recv_some_with_fds(sp.b.get(), {}, received), std::invalid_argument);
}

TEST_CASE("a large message with fds arrives whole through send_all") {
    SocketPair sp = make_socketpair(SOCK_NONBLOCK);
    std::vector<std::byte> big(4 << 20);
    for (size_t i = 0; i < big.size(); ++i) {
        big[i] = static_cast<std::byte>(i * 131 + 7);
    }
    UniqueFd f = memfd_with("attached");
    std::vector<std::byte> got;
    std::vector<UniqueFd> received;
    std::thread reader([&] {
        std::vector<std::byte> buffer(100000);
        while (got.size() < big.size()) {
            const RecvResult r = recv_some_with_fds(sp.b.get(), buffer, received);
            if (r.would_block) {
                std::this_thread::sleep_for(std::chrono::microseconds(100));
                continue;
            }
            if (r.eof) {
                break;
            }
            got.insert(got.end(), buffer.begin(), buffer.begin() + static_cast<long>(r.bytes));
        }
    });
    const int raw[] = {f.get()};
    send_all_with_fds(sp.a.get(), big, raw);
    reader.join();
    CHECK(got == big);
    REQUIRE(received.size() == 1);
    CHECK(read_memfd(received[0].get(), 8) == "attached");
}
