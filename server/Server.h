#pragma once
// The server process: listeners, one session per client (in a forked child
// by default, or all in this process), signals, stats reports and clean
// shutdown.

#include <asio/io_context.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "server/ContextRegistry.h"
#include "server/Options.h"
#include "server/Session.h"
#include "server/StatsTable.h"

namespace rendersock::server {

class Server {
public:
    explicit Server(Options options);
    ~Server();
    // Listens and serves until SIGINT/SIGTERM. Returns the exit status.
    int run();

private:
    struct Listener {
        std::unique_ptr<asio::posix::stream_descriptor> descriptor;
        bool unix_socket;
        std::string name;
    };

    void open_listeners();
    void accept_next(Listener& listener);
    void on_accept(Listener& listener);
    void start_client(shm::UniqueFd sock, bool unix_socket);
    [[noreturn]] void serve_in_child(shm::UniqueFd sock, bool unix_socket, uint32_t client_id,
                                     ClientStats& stats);
    void serve_here(shm::UniqueFd sock, bool unix_socket, uint32_t client_id, ClientStats& stats);
    void wait_signals();
    void on_signal(int signal);
    void reap_children();
    void begin_shutdown(int signal);
    void close_listeners();
    void schedule_stats_report();
    void report_stats();
    SessionConfig session_config(bool unix_socket, uint32_t client_id, ClientStats& stats);

    Options options_;
    std::string token_;
    asio::io_context io_;
    asio::signal_set signals_;
    std::vector<Listener> listeners_;
    ContextRegistry registry_;
    uint32_t next_client_id_ = 1;
    StatsTable stats_;  // made before any fork: children write into it
    asio::steady_timer stats_timer_;
    std::map<pid_t, ClientStats*> children_;  // serving process -> its client's stats slot
    std::map<uint32_t, std::shared_ptr<Session>> sessions_;
    bool shutting_down_ = false;
    bool is_child_ = false;
};

}  // namespace rendersock::server
