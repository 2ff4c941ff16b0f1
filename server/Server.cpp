#include "server/Server.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <fstream>
#include <sstream>

#include "server/Listener.h"
#include "server/StatsReport.h"
#include "wire/Log.h"

namespace rendersock::server {
namespace {

std::string read_token(const std::string& path) {
    if (path.empty()) return {};
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read the token file " + path);
    std::stringstream text;
    text << in.rdbuf();
    std::string token = text.str();
    while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back())))
        token.pop_back();
    if (token.size() < 16)
        throw std::runtime_error("the token in " + path + " is shorter than 16 characters");
    return token;
}

}  // namespace

Server::Server(Options options)
    : options_(std::move(options)),
      token_(read_token(options_.token_file)),
      signals_(io_, SIGINT, SIGTERM, SIGCHLD),
      registry_(options_),
      stats_timer_(io_) {
    signals_.add(SIGUSR1);
}

Server::~Server() = default;

int Server::run() {
    // Probe before listening: a client that connects is answered at once.
    if (options_.fork_per_client) registry_.probe_in_child_processes();
    open_listeners();
    for (ContextType* type : registry_.all()) {
        if (auto reason = type->unavailable_reason())
            RS_INFO("not offering %s: %s", type->name(), reason->c_str());
        else
            RS_INFO("offering %s on %s", type->name(), type->description().c_str());
    }
    wait_signals();
    for (auto& listener : listeners_) {
        RS_INFO("listening on %s", listener.name.c_str());
        accept_next(listener);
    }
    RS_INFO("serving each client in %s", options_.fork_per_client ? "its own process" : "this process");
    if (!options_.record_dir.empty())
        RS_INFO("recording each client's stream into %s", options_.record_dir.c_str());
    if (options_.stats_interval_seconds) schedule_stats_report();
    io_.run();
    return 0;
}

void Server::open_listeners() {
    if (!options_.socket_path.empty()) {
        auto fd = listen_unix(options_.socket_path, options_.socket_group);
        listeners_.push_back({std::make_unique<asio::posix::stream_descriptor>(io_, fd.release()),
                              true, options_.socket_path});
    }
    for (const auto& address : options_.tcp) {
        auto fd = listen_tcp(address);
        listeners_.push_back({std::make_unique<asio::posix::stream_descriptor>(io_, fd.release()),
                              false, address.describe()});
    }
}

void Server::accept_next(Listener& listener) {
    listener.descriptor->async_wait(asio::posix::stream_descriptor::wait_read,
                                    [this, &listener](const asio::error_code& error) {
                                        if (error || shutting_down_) return;
                                        on_accept(listener);
                                    });
}

void Server::on_accept(Listener& listener) {
    for (;;) {
        shm::UniqueFd sock(::accept4(listener.descriptor->native_handle(), nullptr, nullptr,
                                     SOCK_CLOEXEC | SOCK_NONBLOCK));
        if (!sock) {
            if (errno != EAGAIN && errno != EINTR)
                RS_WARN("accept on %s: %s", listener.name.c_str(), std::strerror(errno));
            break;
        }
        if (!listener.unix_socket) {
            int one = 1;
            ::setsockopt(sock.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        }
        start_client(std::move(sock), listener.unix_socket);
        if (is_child_) return;
    }
    accept_next(listener);
}

SessionConfig Server::session_config(bool unix_socket, uint32_t client_id, ClientStats& stats) {
    return SessionConfig{options_, registry_, client_id, unix_socket, token_, &stats};
}

void Server::start_client(shm::UniqueFd sock, bool unix_socket) {
    const uint32_t client_id = next_client_id_++;
    ClientStats& stats = stats_.claim(client_id, /*tcp=*/!unix_socket);
    if (!options_.fork_per_client) {
        stats.set_pid(::getpid());
        serve_here(std::move(sock), unix_socket, client_id, stats);
        return;
    }
    io_.notify_fork(asio::io_context::fork_prepare);
    const pid_t pid = ::fork();
    if (pid < 0) {
        io_.notify_fork(asio::io_context::fork_parent);
        RS_ERROR("fork failed for client %u: %s", client_id, std::strerror(errno));
        stats_.release(stats);
        return;
    }
    if (pid == 0) {
        io_.notify_fork(asio::io_context::fork_child);
        serve_in_child(std::move(sock), unix_socket, client_id, stats);
    }
    io_.notify_fork(asio::io_context::fork_parent);
    stats.set_pid(pid);
    children_[pid] = &stats;
    RS_DEBUG("client %u served by process %d", client_id, pid);
}

void Server::serve_in_child(shm::UniqueFd sock, bool unix_socket, uint32_t client_id,
                            ClientStats& stats) {
    is_child_ = true;
    close_listeners();
    children_.clear();
    stats_timer_.cancel();  // the parent reports
    // Host drivers load in here, after the fork, never in the parent.
    auto session = std::make_shared<Session>(io_, std::move(sock),
                                             session_config(unix_socket, client_id, stats),
                                             [this, &stats] {
                                                 // Not connected any more, even before
                                                 // the parent reaps this process.
                                                 stats.mark_disconnected();
                                                 io_.stop();
                                             });
    session->start();
    sessions_[client_id] = session;
    io_.restart();
    io_.run();
    sessions_.clear();
    std::fflush(stderr);
    // Skip the parent's atexit handlers and static destructors in the child.
    ::_exit(0);
}

void Server::serve_here(shm::UniqueFd sock, bool unix_socket, uint32_t client_id,
                        ClientStats& stats) {
    auto session = std::make_shared<Session>(io_, std::move(sock),
                                             session_config(unix_socket, client_id, stats),
                                             [this, client_id, &stats] {
                                                 stats.mark_disconnected();
                                                 // Drop our reference once the close
                                                 // finishes; nothing counts after that.
                                                 asio::post(io_, [this, client_id, &stats] {
                                                     sessions_.erase(client_id);
                                                     stats_.release(stats);
                                                 });
                                             });
    sessions_[client_id] = session;
    session->start();
}

void Server::wait_signals() {
    signals_.async_wait([this](const asio::error_code& error, int signal) {
        if (error) return;
        on_signal(signal);
        wait_signals();
    });
}

void Server::on_signal(int signal) {
    if (signal == SIGCHLD) {
        reap_children();
        return;
    }
    if (signal == SIGUSR1) {
        // Serving processes ignore it: the parent reports for every client.
        if (!is_child_) report_stats();
        return;
    }
    if (is_child_) {
        for (auto& [id, session] : sessions_) session->shutdown("server shutting down");
        io_.stop();
        return;
    }
    begin_shutdown(signal);
}

void Server::reap_children() {
    int status = 0;
    pid_t pid;
    while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
        if (auto child = children_.find(pid); child != children_.end()) {
            stats_.release(*child->second);
            children_.erase(child);
        }
        if (WIFSIGNALED(status))
            RS_WARN("client process %d died from signal %d; other clients are unaffected", pid,
                    WTERMSIG(status));
        else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
            RS_WARN("client process %d failed with exit status %d; other clients are unaffected",
                    pid, WEXITSTATUS(status));
    }
    if (shutting_down_ && children_.empty()) io_.stop();
}

void Server::begin_shutdown(int signal) {
    if (shutting_down_) return;
    shutting_down_ = true;
    RS_INFO("signal %d: shutting down (%zu client processes, %zu sessions)", signal,
            children_.size(), sessions_.size());
    close_listeners();
    stats_timer_.cancel();
    for (auto& [id, session] : sessions_) session->shutdown("server shutting down");
    for (auto& [child, stats] : children_) ::kill(child, SIGTERM);
    if (children_.empty()) {
        io_.stop();
        return;
    }
    // Children that ignore SIGTERM (stuck in a driver) get SIGKILL.
    auto timer = std::make_shared<asio::steady_timer>(io_, std::chrono::seconds(2));
    timer->async_wait([this, timer](const asio::error_code&) {
        for (auto& [child, stats] : children_) ::kill(child, SIGKILL);
        io_.stop();
    });
}

void Server::close_listeners() {
    for (auto& listener : listeners_) {
        asio::error_code ignored;
        listener.descriptor->cancel(ignored);
        listener.descriptor->close(ignored);
        if (listener.unix_socket && !is_child_) ::unlink(listener.name.c_str());
    }
    listeners_.clear();
}

void Server::schedule_stats_report() {
    stats_timer_.expires_after(std::chrono::seconds(options_.stats_interval_seconds));
    stats_timer_.async_wait([this](const asio::error_code& error) {
        if (error || is_child_ || shutting_down_) return;
        report_stats();
        schedule_stats_report();
    });
}

void Server::report_stats() {
    const StatsSnapshot snapshot = stats_.snapshot();
    // Asked for (SIGUSR1, --stats-interval), so logged whatever the log level.
    for (const std::string& line : stats_text_lines(snapshot))
        log::write(log::Level::Info, "stats: %s", line.c_str());
    const std::string json = stats_json(snapshot);
    log::write(log::Level::Info, "stats: %s", json.c_str());
    if (options_.stats_file.empty()) return;
    if (const std::string error = write_stats_file(options_.stats_file, json); !error.empty())
        RS_WARN("stats file: %s", error.c_str());
}

}  // namespace rendersock::server
