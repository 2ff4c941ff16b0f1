// Access control and the listening socket: owner-only Unix socket, stale
// socket files, TCP tokens, clean shutdown, and an upstream server.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "tests/support/ServerProcess.h"
#include "wire/client/Connection.h"

using namespace rendersock;
using testing::ServerProcess;

namespace {

std::unique_ptr<client::Connection> connect_to(const std::string& address,
                                               const std::string& token = {}) {
    client::ConnectOptions options;
    options.address = address;
    options.token = token;
    options.handshake_timeout = std::chrono::milliseconds(3000);
    return client::Connection::connect(options);
}

// Runs the server binary to completion with `args`; returns its exit status.
int run_server(const std::vector<std::string>& args, std::string& output) {
    std::string command = testing::server_binary();
    for (const auto& arg : args) command += " '" + arg + "'";
    command += " 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    char buffer[512];
    while (size_t n = std::fread(buffer, 1, sizeof(buffer), pipe)) output.append(buffer, n);
    const int status = ::pclose(pipe);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("the Unix socket is owner-only and removed on a clean shutdown") {
    ServerProcess server;
    struct stat info{};
    REQUIRE(::stat(server.socket_path().c_str(), &info) == 0);
    CHECK(S_ISSOCK(info.st_mode));
    CHECK((info.st_mode & 0777) == 0600);
    connect_to(server.address())->ping();
    const int status = server.stop(SIGTERM);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(::access(server.socket_path().c_str(), F_OK) != 0);
}

TEST_CASE("a stale socket file is replaced but a live server socket is not") {
    ServerProcess first;
    std::string output;
    CHECK(run_server({"--socket-path", first.socket_path()}, output) == 1);
    CHECK(output.find("already listening") != std::string::npos);
    first.stop(SIGKILL);  // leaves the socket file behind
    REQUIRE(::access(first.socket_path().c_str(), F_OK) == 0);
    pid_t pid = ::fork();
    if (pid == 0) {
        ::freopen("/dev/null", "w", stderr);
        ::execl(testing::server_binary().c_str(), "virgl_test_server", "--socket-path",
                first.socket_path().c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    bool served = false;
    for (int i = 0; i < 200 && !served; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        try {
            connect_to(first.socket_path())->ping();
            served = true;
        } catch (const std::exception&) {
        }
    }
    CHECK(served);
    ::kill(pid, SIGTERM);
    ::waitpid(pid, nullptr, 0);
}

TEST_CASE("TCP: non-loopback needs a token file and tokens are checked in the handshake") {
    std::string output;
    CHECK(run_server({"--no-unix", "--listen", "tcp:0.0.0.0:0"}, output) == 2);
    CHECK(output.find("--token-file") != std::string::npos);

    ServerProcess scratch;
    const std::string token_path = scratch.directory() + "/token";
    std::ofstream(token_path) << "correct-horse-battery-staple\n";
    ServerProcess server(ServerProcess::Config{
        .unix_socket = false, .tcp = true, .extra_args = {"--token-file", token_path}});
    CHECK_THROWS_WITH_AS(connect_to(server.tcp_address()), doctest::Contains("requires a token"),
                         client::ConnectionError);
    CHECK_THROWS_WITH_AS(connect_to(server.tcp_address(), "correct-horse-battery-stapler"),
                         doctest::Contains("wrong token"), client::ConnectionError);
    CHECK_THROWS_WITH_AS(connect_to(server.tcp_address(), "correct-horse"),
                         doctest::Contains("wrong token"), client::ConnectionError);
    connect_to(server.tcp_address(), "correct-horse-battery-staple")->ping();
    ::setenv("RENDERSOCK_TOKEN_FILE", token_path.c_str(), 1);
    connect_to(server.tcp_address())->ping();
    ::unsetenv("RENDERSOCK_TOKEN_FILE");
}

TEST_CASE("no server, or an upstream virgl_test_server: a clear error, never a hang") {
    CHECK_THROWS_WITH_AS(connect_to("/tmp/rendersock-no-such-socket"),
                         doctest::Contains("no rendersock server"), client::ConnectionError);
    const char* upstream = "/usr/bin/virgl_test_server";
    if (::access(upstream, X_OK) != 0) {
        MESSAGE("Debian's virgl-server is not installed; upstream case skipped");
        return;
    }
    ServerProcess scratch;
    const std::string path = scratch.directory() + "/upstream.sock";
    pid_t pid = ::fork();
    if (pid == 0) {
        ::setenv("XDG_RUNTIME_DIR", scratch.directory().c_str(), 1);
        const std::string flag = "--socket-path=" + path;  // upstream wants the = form
        ::execl(upstream, "virgl_test_server", "--use-egl-surfaceless", flag.c_str(),
                static_cast<char*>(nullptr));
        ::_exit(127);
    }
    for (int i = 0; i < 200 && ::access(path.c_str(), F_OK) != 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const auto start = std::chrono::steady_clock::now();
    REQUIRE(::access(path.c_str(), F_OK) == 0);
    CHECK_THROWS_WITH_AS(connect_to(path), doctest::Contains("not a rendersock server"),
                         client::ConnectionError);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
    ::kill(pid, SIGTERM);
    ::waitpid(pid, nullptr, 0);
}
