// Clients are isolated from each other: a client killed mid-message leaves
// nothing behind, a crashed serving process takes down one client only, and
// no client can name another's objects.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>

#include "tests/support/RawClient.h"
#include "tests/support/ServerProcess.h"
#include "wire/client/Blob.h"
#include "wire/client/Context.h"

using namespace rendersock;
using testing::ServerProcess;
namespace fb = wire::fb;

namespace {

using testing::connect_to;

// Waits until `condition` holds or two seconds pass.
template <typename Condition>
bool eventually(Condition condition) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return condition();
}

// A child process that sets up a busy session (contexts, mapped blobs, a
// stream ring), starts a frame and never finishes it.
pid_t start_doomed_client(const std::string& address) {
    int ready[2];
    REQUIRE(::pipe(ready) == 0);
    pid_t pid = ::fork();
    if (pid == 0) {
        ::close(ready[0]);
        auto connection = connect_to(address);
        client::Context context(*connection, fb::CapsetType::Venus, 1);
        context.enable_stream_ring(1 << 16);
        std::vector<std::unique_ptr<client::Blob>> blobs;
        for (int i = 0; i < 8; ++i)
            blobs.push_back(std::make_unique<client::Blob>(context, 1 << 20, 1));
        std::memset(blobs[0]->data(), 1, 1 << 20);
        testing::RawClient raw(address);
        raw.handshake();
        wire::FrameHeader header = wire::header_for(100, 1 << 20, 0);
        raw.send_bytes(std::as_bytes(std::span(&header, 1)));
        char byte = 1;
        [[maybe_unused]] auto n = ::write(ready[1], &byte, 1);
        ::pause();
        ::_exit(0);
    }
    ::close(ready[1]);
    char byte = 0;
    [[maybe_unused]] auto n = ::read(ready[0], &byte, 1);
    ::close(ready[0]);
    return pid;
}

}  // namespace

TEST_CASE("a client killed mid-message leaves no fds or memory behind (--no-fork)") {
    ServerProcess server(ServerProcess::Config{.fork_per_client = false});
    connect_to(server.address())->ping();  // let the server load its host driver first
    REQUIRE(eventually([&] { return server.log().find("disconnected") != std::string::npos; }));
    const int fds_before = testing::open_fd_count(server.pid());
    const long rss_before = testing::resident_kib(server.pid());
    for (int round = 0; round < 5; ++round) {
        pid_t doomed = start_doomed_client(server.address());
        CHECK(testing::open_fd_count(server.pid()) > fds_before);
        ::kill(doomed, SIGKILL);
        ::waitpid(doomed, nullptr, 0);
        CHECK(eventually([&] { return testing::open_fd_count(server.pid()) == fds_before; }));
    }
    CHECK(testing::open_fd_count(server.pid()) == fds_before);
    // 5 rounds of 8 MiB of blobs each: memory must not have grown by that.
    CHECK(testing::resident_kib(server.pid()) < rss_before + 16 * 1024);
    connect_to(server.address())->ping();
}

TEST_CASE("a client killed mid-message does not disturb the server (fork per client)") {
    ServerProcess server;
    const int fds_before = testing::open_fd_count(server.pid());
    pid_t doomed = start_doomed_client(server.address());
    ::kill(doomed, SIGKILL);
    ::waitpid(doomed, nullptr, 0);
    CHECK(eventually([&] { return testing::open_fd_count(server.pid()) == fds_before; }));
    connect_to(server.address())->ping();
}

TEST_CASE("a crash in one client's serving process leaves the other clients running") {
    ServerProcess server;
    auto survivor = connect_to(server.address());
    client::Context context(*survivor, fb::CapsetType::Venus, 1);
    auto victim = connect_to(server.address());
    victim->ping();
    // The newest serving process belongs to the victim: crash it.
    std::string log = server.log();
    auto at = log.rfind("served by process ");
    REQUIRE(at != std::string::npos);
    pid_t serving = std::stoi(log.substr(at + std::strlen("served by process ")));
    ::kill(serving, SIGSEGV);
    CHECK_THROWS_AS(victim->ping(), client::ConnectionError);
    survivor->ping();
    context.create_fence(0, 1);
    CHECK(context.wait_fence(0, 1, std::chrono::seconds(5)));
    // Plain builds see the signal; sanitizer builds report it and exit.
    CHECK(eventually([&] {
        const std::string text = server.log();
        return text.find("died from signal 11") != std::string::npos ||
               text.find("failed with exit status") != std::string::npos;
    }));
    CHECK(server.running());
}

TEST_CASE("a client can never reach another client's contexts or blobs (--no-fork)") {
    ServerProcess server(ServerProcess::Config{.fork_per_client = false});
    auto alice = connect_to(server.address());
    client::Context alice_context(*alice, fb::CapsetType::Venus, 1);
    client::Blob alice_blob(alice_context, 4096, 1);
    std::memset(alice_blob.data(), 0x41, 4096);

    testing::RawClient mallory(server.address());
    mallory.handshake();
    struct Attempt {
        wire::OutgoingFrame frame;
        fb::ErrorCode expected;
    };
    std::vector<Attempt> attempts;
    {
        wire::MessageBuilder b;
        attempts.push_back({b.frame(2, fb::CreateBlobTransfer(b.fbb(), alice_blob.id(), 0, 4096,
                                                              fb::TransferDirection::FromHost)),
                            fb::ErrorCode::NoSuchBlob});
    }
    {
        wire::MessageBuilder b;
        attempts.push_back({b.frame(3, fb::CreateBlobExport(b.fbb(), alice_blob.id())),
                            fb::ErrorCode::NoSuchBlob});
    }
    {
        wire::MessageBuilder b;
        attempts.push_back({b.frame(4, fb::CreateFenceWait(b.fbb(), alice_context.id(), 0, 1, 0)),
                            fb::ErrorCode::NoSuchContext});
    }
    {
        wire::MessageBuilder b;
        attempts.push_back({b.frame(5, fb::CreateContextDestroy(b.fbb(), alice_context.id())),
                            fb::ErrorCode::NoSuchContext});
    }
    {
        wire::MessageBuilder b;
        attempts.push_back({b.frame(6, fb::CreateBlobAttach(b.fbb(), alice_blob.id(), alice_context.id())),
                            fb::ErrorCode::NoSuchBlob});
    }
    for (auto& attempt : attempts) {
        mallory.send_frame(attempt.frame);
        auto reply = mallory.read();
        REQUIRE(reply);
        const auto* error = testing::as_error(*reply);
        REQUIRE(error);
        CHECK(error->code() == attempt.expected);
    }
    // Alice's objects are untouched.
    alice_context.create_fence(0, 1);
    CHECK(alice_context.wait_fence(0, 1, std::chrono::seconds(5)));
    CHECK(alice_blob.data()[100] == std::byte{0x41});
}
