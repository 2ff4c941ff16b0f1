// The server's stats (SIGUSR1, --stats-interval, --stats-file) report real
// numbers per client and in total, with each client in its own process and
// with all clients in one.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support/Json.h"
#include "tests/support/ServerProcess.h"
#include "wire/client/Blob.h"
#include "wire/client/Context.h"

using namespace rendersock;
using testing::Json;
using testing::ServerProcess;
namespace fb = wire::fb;

namespace {

constexpr std::string_view kJsonMarker = "stats: {";
constexpr uint64_t kBlobBytes = 64 * 1024;

using testing::connect_to;

// The JSON of every complete `stats: {...}` line in the log.
std::vector<std::string> json_reports(const std::string& log) {
    std::vector<std::string> reports;
    for (size_t at = log.find(kJsonMarker); at != std::string::npos;
         at = log.find(kJsonMarker, at + 1)) {
        const size_t end = log.find('\n', at);
        if (end == std::string::npos) break;  // still being written
        const size_t start = at + kJsonMarker.size() - 1;
        reports.push_back(log.substr(start, end - start));
    }
    return reports;
}

// Sends SIGUSR1 and returns the JSON report the server logs for it.
Json report(ServerProcess& server) {
    const size_t before = json_reports(server.log()).size();
    ::kill(server.pid(), SIGUSR1);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (;;) {
        auto reports = json_reports(server.log());
        if (reports.size() > before) return Json::parse(reports.back());
        if (std::chrono::steady_clock::now() > deadline)
            throw std::runtime_error("no stats report after SIGUSR1:\n" + server.log());
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

// Reports until `done` holds (a disconnect is noticed asynchronously).
template <typename Done>
Json report_when(ServerProcess& server, Done done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    Json stats = report(server);
    while (!done(stats) && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        stats = report(server);
    }
    return stats;
}

const Json* client_entry(const Json& stats, uint64_t id) {
    for (const Json& client : stats["clients"].items())
        if (client["id"].u64() == id) return &client;
    return nullptr;
}

uint64_t total(const Json& stats, const std::string& counter) {
    return stats["total"][counter].u64();
}

// Runs a client program against `address` through our ICD; its exit status,
// 127 when it could not be started.
int run_program(const ServerProcess& server, const std::string& address,
                std::vector<std::string> argv) {
    std::fflush(stdout);  // or the child would print doctest's buffered output again
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::setenv("VTEST_SOCKET_NAME", address.c_str(), 1);
        ::setenv("VK_DRIVER_FILES",
                 (testing::build_dir() + "/icd/rendersock_icd.x86_64.json").c_str(), 1);
        ::unsetenv("VK_ICD_FILENAMES");
        ::setenv("XDG_RUNTIME_DIR", server.directory().c_str(), 1);
        if (!std::freopen("/dev/null", "w", stdout)) ::_exit(126);
        std::vector<char*> args;
        for (auto& arg : argv) args.push_back(arg.data());
        args.push_back(nullptr);
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Two clients with known traffic, one over each transport: exact counts per
// client and in total, then clients coming and going.
void check_counts(bool fork_per_client) {
    ServerProcess server(ServerProcess::Config{.tcp = true, .fork_per_client = fork_per_client});
    auto pinger = connect_to(server.socket_path(), "stats-pinger");
    for (int i = 0; i < 10; ++i) pinger->ping();
    const uint64_t pinger_id = pinger->info().client_id;
    auto worker = connect_to(server.tcp_address(), "stats-worker");
    const uint64_t worker_id = worker->info().client_id;
    {
        client::Context context(*worker, fb::CapsetType::Venus, 1);
        client::Blob blob(context, kBlobBytes, static_cast<uint32_t>(fb::BlobFlags::Mappable));
        context.create_fence(0, 1);
        REQUIRE(context.wait_fence(0, 1, std::chrono::seconds(5)));  // over TCP: a FenceWait

        const Json stats = report(server);
        CHECK(stats["connected_clients"].u64() == 2);
        CHECK(stats["clients_served"].u64() == 2);
        const Json* p = client_entry(stats, pinger_id);
        const Json* w = client_entry(stats, worker_id);
        REQUIRE(p);
        REQUIRE(w);
        CHECK((*p)["name"].str() == "stats-pinger");
        CHECK((*p)["transport"].str() == "unix");
        CHECK((*p)["round_trips"].u64() == 11);  // Hello + 10 pings
        CHECK((*p)["messages_received"].u64() == 11);
        CHECK((*p)["bytes_received"].u64() > 11 * 16);
        CHECK((*p)["venus_contexts"].u64() == 0);
        CHECK((*w)["name"].str() == "stats-worker");
        CHECK((*w)["transport"].str() == "tcp");
        CHECK((*w)["round_trips"].u64() == 4);        // Hello, ContextCreate, BlobCreate, FenceWait
        CHECK((*w)["messages_received"].u64() == 5);  // + FenceCreate, streamed
        CHECK((*w)["venus_contexts"].u64() == 1);
        CHECK((*w)["venus_contexts_created"].u64() == 1);
        CHECK((*w)["virgl_contexts"].u64() == 0);
        CHECK((*w)["blobs"].u64() == 1);
        CHECK((*w)["blob_bytes"].u64() == kBlobBytes);
        CHECK((*w)["fence_waits"].u64() == 1);
        CHECK((*w)["fence_wait_us_max"].u64() <= (*w)["fence_wait_us"].u64());
        CHECK(total(stats, "round_trips") == 15);
        CHECK(total(stats, "venus_contexts") == 1);
        CHECK(total(stats, "blob_bytes") == kBlobBytes);
        CHECK(total(stats, "fence_waits") == 1);
        if (fork_per_client) {
            CHECK((*p)["pid"].u64() != static_cast<uint64_t>(server.pid()));
            CHECK((*p)["pid"].u64() != (*w)["pid"].u64());
            // A serving process ignores SIGUSR1 (the parent reports) and goes on.
            ::kill(static_cast<pid_t>((*p)["pid"].u64()), SIGUSR1);
            pinger->ping();
        } else {
            CHECK((*p)["pid"].u64() == static_cast<uint64_t>(server.pid()));
        }
        const std::string log = server.log();
        CHECK(log.find("stats: client " + std::to_string(pinger_id) + " \"stats-pinger\" (unix") !=
              std::string::npos);
        CHECK(log.find("stats: total: contexts venus 1 ") != std::string::npos);
    }
    worker->ping();  // the context and blob destroys (streamed) are handled
    const uint64_t pinger_trips = fork_per_client ? 12 : 11;  // + the ping after SIGUSR1
    const uint64_t worker_trips = 5;                          // + the ping above
    Json stats = report(server);
    CHECK((*client_entry(stats, worker_id))["venus_contexts"].u64() == 0);
    CHECK((*client_entry(stats, worker_id))["blobs"].u64() == 0);
    CHECK((*client_entry(stats, worker_id))["venus_contexts_created"].u64() == 1);
    CHECK(total(stats, "round_trips") == pinger_trips + worker_trips);

    // rendersock-info: Hello, a capset query and 100 pings, then gone.
    CHECK(run_program(server, server.socket_path(),
                      {testing::build_dir() + "/tools/rendersock-info", server.socket_path()}) ==
          0);
    stats = report_when(server, [](const Json& s) { return s["connected_clients"].u64() == 2; });
    CHECK(stats["connected_clients"].u64() == 2);
    CHECK(stats["clients_served"].u64() == 3);
    const uint64_t with_info = total(stats, "round_trips");
    CHECK(with_info >= pinger_trips + worker_trips + 101);

    // A client that left is no longer listed, but its counts stay in the totals.
    pinger.reset();
    stats = report_when(server, [](const Json& s) { return s["connected_clients"].u64() == 1; });
    CHECK(stats["connected_clients"].u64() == 1);
    CHECK(client_entry(stats, pinger_id) == nullptr);
    CHECK(client_entry(stats, worker_id) != nullptr);
    CHECK(total(stats, "round_trips") == with_info);

    worker.reset();
    stats = report_when(server, [](const Json& s) { return s["connected_clients"].u64() == 0; });
    CHECK(stats["connected_clients"].u64() == 0);
    CHECK(stats["clients"].items().empty());
    CHECK(total(stats, "venus_contexts") == 0);
    CHECK(total(stats, "venus_contexts_created") == 1);
    CHECK(total(stats, "blobs_created") == 1);
    CHECK(total(stats, "blob_bytes_created") == kBlobBytes);
    CHECK(total(stats, "round_trips") == with_info);
}

}  // namespace

TEST_CASE("stats count each client's traffic, in fork-per-client mode") { check_counts(true); }

TEST_CASE("stats count each client's traffic, with all clients in one process") {
    check_counts(false);
}

TEST_CASE("stats count real Vulkan programs' contexts and blobs") {
    ServerProcess server(ServerProcess::Config{.tcp = true});
    uint64_t programs = 0;
    // vulkaninfo where installed, and compute_test over TCP.
    const int vulkaninfo = run_program(server, server.socket_path(), {"vulkaninfo", "--summary"});
    if (vulkaninfo != 127) {
        CHECK(vulkaninfo == 0);
        ++programs;
    }
    CHECK(run_program(server, server.tcp_address(),
                      {testing::build_dir() + "/tests/vulkan/compute_test",
                       testing::build_dir() + "/tests/vulkan/compute.spv", "65536"}) == 0);
    ++programs;
    const Json stats =
        report_when(server, [](const Json& s) { return s["connected_clients"].u64() == 0; });
    CHECK(stats["connected_clients"].u64() == 0);
    CHECK(stats["clients_served"].u64() == programs);
    CHECK(total(stats, "venus_contexts_created") >= programs);
    CHECK(total(stats, "venus_contexts") == 0);
    CHECK(total(stats, "blobs_created") >= 2);  // compute_test's two buffers
    CHECK(total(stats, "blob_bytes_created") >= 2 * 65536 * sizeof(uint32_t));
    CHECK(total(stats, "round_trips") > 10);
}

TEST_CASE("--stats-interval logs the stats and replaces --stats-file") {
    const std::string path = "/tmp/rendersock-stats-" + std::to_string(::getpid()) + ".json";
    ServerProcess server(ServerProcess::Config{
        .fork_per_client = false, .extra_args = {"--stats-interval", "1", "--stats-file", path}});
    auto connection = connect_to(server.socket_path(), "stats-file-client");
    connection->ping();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    std::string text;
    while (std::chrono::steady_clock::now() < deadline) {
        std::ifstream file(path);
        std::stringstream contents;
        contents << file.rdbuf();
        text = contents.str();
        if (text.find("stats-file-client") != std::string::npos) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ::unlink(path.c_str());
    REQUIRE(text.find("stats-file-client") != std::string::npos);
    const Json stats = Json::parse(text);
    CHECK(stats["connected_clients"].u64() == 1);
    CHECK(stats["clients"].items()[0]["round_trips"].u64() >= 1);  // Hello, maybe the ping
    CHECK(json_reports(server.log()).size() >= 1);
}
