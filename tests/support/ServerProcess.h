#pragma once
// Starts the real virgl_test_server binary for a test: on a private socket
// in a fresh temporary folder (and/or a loopback TCP port), waits until it
// accepts, and stops it (SIGTERM, then SIGKILL) when the test ends.

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "wire/client/Connection.h"

namespace rendersock::testing {

class ServerProcess {
public:
    struct Config {
        bool unix_socket = true;
        bool tcp = false;
        bool fork_per_client = true;
        std::vector<std::string> extra_args;
    };

    explicit ServerProcess(Config config);
    ServerProcess() : ServerProcess(Config{}) {}
    ~ServerProcess();
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    const std::string& socket_path() const { return socket_path_; }
    std::string tcp_address() const { return "tcp:127.0.0.1:" + std::to_string(port_); }
    // Where clients should connect by default: the Unix socket if any.
    std::string address() const { return config_.unix_socket ? socket_path_ : tcp_address(); }
    pid_t pid() const { return pid_; }
    const std::string& directory() const { return directory_; }
    bool running();
    // Sends `signal` and waits for the exit; returns the exit status.
    int stop(int signal);
    std::string log() const;

private:
    void wait_until_ready();

    Config config_;
    std::string directory_;
    std::string socket_path_;
    std::string log_path_;
    uint16_t port_ = 0;
    pid_t pid_ = -1;
};

// A free loopback TCP port (bound and released; good enough for tests).
uint16_t free_tcp_port();
// Number of open fds of a process, from /proc.
int open_fd_count(pid_t pid);
// Resident memory of a process in KiB, from /proc.
long resident_kib(pid_t pid);
std::string server_binary();
std::string build_dir();

// A client connection to `address` (Unix path or tcp:HOST:PORT).
std::unique_ptr<client::Connection> connect_to(const std::string& address, const std::string& client_name = {});

}  // namespace rendersock::testing
