#include "tests/support/ServerProcess.h"

#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace rendersock::testing {

std::string build_dir() { return RENDERSOCK_BUILD_DIR; }
std::string server_binary() { return build_dir() + "/server/virgl_test_server"; }

uint16_t free_tcp_port() {
    int sock = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    socklen_t length = sizeof(addr);
    ::getsockname(sock, reinterpret_cast<sockaddr*>(&addr), &length);
    ::close(sock);
    return ntohs(addr.sin_port);
}

namespace {

// True when a Unix socket bound to `path` is listening, from /proc/net/unix
// (flag __SO_ACCEPTCON, 0x10000). Looks without connecting, so the server
// sees no extra client.
bool unix_socket_listening(const std::string& path) {
    std::ifstream table("/proc/net/unix");
    std::string line;
    std::getline(table, line);  // column names
    while (std::getline(table, line)) {
        std::istringstream fields(line);
        std::string num, refcount, protocol, flags, type, state, inode, name;
        if (!(fields >> num >> refcount >> protocol >> flags >> type >> state >> inode >> name))
            continue;
        if (name == path && (std::strtoul(flags.c_str(), nullptr, 16) & 0x10000u) != 0) return true;
    }
    return false;
}

// True when something listens on 127.0.0.1:`port`, from /proc/net/tcp.
bool tcp_port_listening(uint16_t port) {
    char wanted[32];
    std::snprintf(wanted, sizeof(wanted), "0100007F:%04X", static_cast<unsigned>(port));
    std::ifstream table("/proc/net/tcp");
    std::string line;
    std::getline(table, line);  // column names
    while (std::getline(table, line)) {
        std::istringstream fields(line);
        std::string slot, local, remote, state;
        if (!(fields >> slot >> local >> remote >> state)) continue;
        if (local == wanted && state == "0A") return true;  // TCP_LISTEN
    }
    return false;
}

}  // namespace

ServerProcess::ServerProcess(Config config) : config_(std::move(config)) {
    char pattern[] = "/tmp/rendersock-test-XXXXXX";
    if (!::mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
    directory_ = pattern;
    socket_path_ = directory_ + "/server.sock";
    log_path_ = directory_ + "/server.log";
    std::vector<std::string> args = {server_binary(), "--log-level", "debug"};
    if (config_.unix_socket) {
        args.insert(args.end(), {"--socket-path", socket_path_});
    } else {
        args.push_back("--no-unix");
    }
    if (config_.tcp) {
        port_ = free_tcp_port();
        args.insert(args.end(), {"--listen", tcp_address()});
    }
    if (!config_.fork_per_client) args.push_back("--no-fork");
    args.insert(args.end(), config_.extra_args.begin(), config_.extra_args.end());

    pid_ = ::fork();
    if (pid_ == 0) {
        int log = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ::dup2(log, 1);
        ::dup2(log, 2);
        std::vector<char*> argv;
        for (auto& arg : args) argv.push_back(arg.data());
        argv.push_back(nullptr);
        ::setenv("XDG_RUNTIME_DIR", directory_.c_str(), 1);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    wait_until_ready();
}

void ServerProcess::wait_until_ready() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
        if (!running()) throw std::runtime_error("server exited at start:\n" + log());
        // The info line says so at the default log level; at quieter levels
        // (--log-level warn in extra_args) look for the listening sockets.
        if (log().find("serving each client") != std::string::npos) return;
        if ((!config_.unix_socket || unix_socket_listening(socket_path_)) &&
            (!config_.tcp || tcp_port_listening(port_)))
            return;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    throw std::runtime_error("server did not start:\n" + log());
}

bool ServerProcess::running() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
    }
    return true;
}

int ServerProcess::stop(int signal) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, signal);
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, &status, 0);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    pid_ = -1;
    return status;
}

ServerProcess::~ServerProcess() {
    stop(SIGTERM);
    if (std::getenv("RENDERSOCK_KEEP_TEST_DIRS") == nullptr) {
        std::string command = "rm -rf '" + directory_ + "'";
        [[maybe_unused]] int ignored = std::system(command.c_str());
    }
}

std::string ServerProcess::log() const {
    std::ifstream in(log_path_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

int open_fd_count(pid_t pid) {
    std::string path = "/proc/" + std::to_string(pid) + "/fd";
    DIR* dir = ::opendir(path.c_str());
    if (!dir) return -1;
    int count = 0;
    while (dirent* entry = ::readdir(dir))
        if (entry->d_name[0] != '.') ++count;
    ::closedir(dir);
    return count;
}

long resident_kib(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
    return -1;
}

std::unique_ptr<client::Connection> connect_to(const std::string& address, const std::string& client_name) {
    client::ConnectOptions options;
    options.address = address;
    options.client_name = client_name;
    return client::Connection::connect(options);
}

}  // namespace rendersock::testing
