// Transport benchmarks against the real virgl_test_server: ping round trips,
// command-stream submit throughput (socket and shared-memory stream ring) and
// blob create/map/destroy rate. Not a test: it prints figures, and checks
// them against the targets only to say whether they are met.
//
//   bench_transport [--quick] [--json FILE] [--filter TEXT]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/bench/BenchReport.h"
#include "tests/support/ServerProcess.h"
#include "wire/client/Blob.h"
#include "wire/client/Connection.h"
#include "wire/client/Context.h"
#include "wire/venus/VenusStream.h"

using namespace rendersock;
using bench::Report;
using bench::Target;
using client::Blob;
using client::Connection;
using client::Context;
using testing::ServerProcess;
namespace fb = wire::fb;
using Clock = std::chrono::steady_clock;

namespace {

constexpr uint64_t KiB = 1024;
constexpr uint64_t MiB = 1024 * KiB;
constexpr uint64_t GiB = 1024 * MiB;
constexpr size_t kStreamRingCapacity = 8 * MiB;  // a 1 MiB batch is one entry
constexpr auto kFenceTimeout = std::chrono::seconds(120);
constexpr uint32_t kMappable = static_cast<uint32_t>(fb::BlobFlags::Mappable);

struct Options {
    bool quick = false;
    std::string json_path;
    std::string filter;  // run only the benchmarks whose name contains this
    // Work is divided by this in quick mode.
    uint64_t scale() const { return quick ? 10 : 1; }
    // Shortest time one throughput measurement should take.
    double min_seconds() const { return quick ? 0.1 : 1.0; }
};

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string size_name(uint64_t bytes) {
    if (bytes >= MiB && bytes % MiB == 0) return std::to_string(bytes / MiB) + "MiB";
    if (bytes >= KiB && bytes % KiB == 0) return std::to_string(bytes / KiB) + "KiB";
    return std::to_string(bytes) + "B";
}

std::unique_ptr<Connection> connect_to(const std::string& address) {
    client::ConnectOptions options;
    options.address = address;
    options.client_name = "bench_transport";
    return Connection::connect(options);
}

// A Venus stream of exactly `bytes`: padding commands of at most 4 GiB - 1
// each (one command for every size used here).
std::vector<std::byte> padding_stream(size_t bytes) {
    std::vector<std::byte> stream(bytes);
    wire::venus::CommandHeader header{wire::venus::kCommandPadding, static_cast<uint32_t>(bytes)};
    std::memcpy(stream.data(), &header, sizeof(header));
    return stream;
}

// Throws when the server refused anything posted on this connection.
void check_clean(Connection& connection, Context* context) {
    connection.ping();
    if (auto error = connection.take_async_error())
        throw std::runtime_error("the server refused a message: " + *error);
    if (context) context->check_alive();
}

// Runs `body(count)` with a growing count until one run takes at least
// `min_seconds`; returns {count, seconds} of that run. The first run doubles
// as a warm-up whenever it is too short.
template <typename Body>
std::pair<uint64_t, double> timed_at_least(uint64_t count, double min_seconds, Body body) {
    for (;;) {
        const auto start = Clock::now();
        body(count);
        const double elapsed = seconds_since(start);
        if (elapsed >= min_seconds * 0.9) return {count, elapsed};
        const double factor = std::clamp(min_seconds * 1.2 / std::max(elapsed, 1e-6), 2.0, 100.0);
        count = static_cast<uint64_t>(static_cast<double>(count) * factor);
    }
}

// ------------------------------------------------------------------ ping

void bench_ping(Report& report, const Options& options, const std::string& address,
                const std::string& label, std::optional<Target> p50_target) {
    const uint64_t warmup = 1000 / options.scale();
    const uint64_t count = 20000 / options.scale();
    auto connection = connect_to(address);
    for (uint64_t i = 0; i < warmup; ++i) connection->ping();
    std::vector<double> micros;
    micros.reserve(count);
    for (uint64_t i = 0; i < count; ++i) {
        const auto start = Clock::now();
        connection->ping();
        micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    }
    report.add("ping." + label + ".p50", bench::percentile(micros, 50), "us", p50_target);
    report.add("ping." + label + ".p99", bench::percentile(micros, 99), "us");
    report.add("ping." + label + ".mean", bench::mean(micros), "us");
}

// ---------------------------------------------------------------- submit

enum class Path { UnixSocket, StreamRing, TcpSocket };

const char* path_name(Path path) {
    switch (path) {
        case Path::UnixSocket: return "unix";
        case Path::StreamRing: return "ring";
        case Path::TcpSocket: return "tcp";
    }
    return "?";
}

void bench_submit(Report& report, const Options& options, const ServerProcess& server, Path path,
                  uint64_t batch, uint64_t total_bytes, std::optional<Target> gbps_target) {
    auto connection =
        connect_to(path == Path::TcpSocket ? server.tcp_address() : server.socket_path());
    Context context(*connection, fb::CapsetType::Venus, 1, "bench_transport");
    if (path == Path::StreamRing && !context.enable_stream_ring(kStreamRingCapacity))
        throw std::runtime_error("the server refused a stream ring");
    const auto stream = padding_stream(batch);
    uint64_t fence_id = 0;
    // All batches, then a fence; done once the server has consumed them all.
    auto run = [&](uint64_t batches) {
        for (uint64_t i = 0; i < batches; ++i) context.submit(0, stream);
        context.create_fence(0, ++fence_id);
        if (!context.wait_fence(0, fence_id, kFenceTimeout))
            throw std::runtime_error("fence " + std::to_string(fence_id) + " timed out");
    };
    const uint64_t batches = std::max<uint64_t>(total_bytes / options.scale() / batch, 1);
    // Warm-up: fault in the ring and the buffers on both sides.
    run(std::clamp<uint64_t>(64 * MiB / batch / options.scale(), 1, std::max<uint64_t>(batches / 10, 1)));
    const auto [done, seconds] = timed_at_least(batches, options.min_seconds(), run);
    check_clean(*connection, &context);
    const std::string name = std::string("submit.") + path_name(path) + "." + size_name(batch);
    const double bytes = static_cast<double>(done) * static_cast<double>(batch);
    report.add(name + ".throughput", bytes / seconds / 1e9, "GB/s", gbps_target);
    report.add(name + ".rate", static_cast<double>(done) / seconds, "msg/s");
}

// ------------------------------------------------------------------ blobs

void bench_blobs(Report& report, const Options& options, const ServerProcess& server,
                 uint64_t size, uint64_t count) {
    auto connection = connect_to(server.socket_path());
    Context context(*connection, fb::CapsetType::Venus, 1, "bench_transport");
    auto run = [&](uint64_t n) {
        for (uint64_t i = 0; i < n; ++i) {
            Blob blob(context, size, kMappable);
            if (!blob.is_shared()) throw std::runtime_error("blob not shared over a Unix socket");
            std::memset(blob.data(), static_cast<int>(i & 0xff), std::min<uint64_t>(size, 4096));
        }
        connection->ping();  // the last destroy is done too
    };
    run(std::max<uint64_t>(count / 100, 10));  // warm-up
    const auto [done, seconds] =
        timed_at_least(std::max<uint64_t>(count / options.scale(), 10), options.min_seconds(), run);
    check_clean(*connection, &context);
    report.add("blob.unix." + size_name(size) + ".create_map_destroy",
               static_cast<double>(done) / seconds, "ops/s");
}

// ------------------------------------------------------------------- main

void usage(std::ostream& out) {
    out << "usage: bench_transport [--quick] [--json FILE] [--filter TEXT]\n"
           "  --quick        about 10x less work, for a smoke run\n"
           "  --json FILE    also write the results as JSON to FILE\n"
           "  --filter TEXT  run only benchmarks whose name contains TEXT\n"
           "                 (ping.unix, submit.ring, blob, ...)\n";
}

std::optional<Options> parse(int argc, char** argv) {
    Options options;
    std::vector<std::string> args(argv + 1, argv + argc);
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--quick") {
            options.quick = true;
        } else if (args[i] == "--json" && i + 1 < args.size()) {
            options.json_path = args[++i];
        } else if (args[i] == "--filter" && i + 1 < args.size()) {
            options.filter = args[++i];
        } else if (args[i].rfind("--json=", 0) == 0) {
            options.json_path = args[i].substr(7);
        } else if (args[i] == "--help" || args[i] == "-h") {
            usage(std::cout);
            std::exit(0);
        } else {
            std::cerr << "bench_transport: unexpected argument '" << args[i] << "'\n";
            usage(std::cerr);
            return std::nullopt;
        }
    }
    return options;
}

void run_all(Report& report, const Options& options, const ServerProcess& server) {
    // Announces a benchmark on stderr, or says to skip it when filtered out.
    auto step = [&](const std::string& name) {
        if (name.find(options.filter) == std::string::npos) return false;
        std::cerr << "  " << name << "...\n";
        return true;
    };

    if (step("ping.unix"))
        bench_ping(report, options, server.socket_path(), "unix", Target{Target::Kind::Below, 20});
    if (step("ping.tcp")) bench_ping(report, options, server.tcp_address(), "tcp", std::nullopt);

    // Fixed amounts of data; 64 B batches move fewer bytes (it is the
    // message rate that counts there). Each run takes at least min_seconds.
    struct Case {
        Path path;
        uint64_t batch;
        uint64_t total;
    };
    const Case cases[] = {
        {Path::UnixSocket, 64, 128 * MiB},   {Path::UnixSocket, 4 * KiB, 2 * GiB},
        {Path::UnixSocket, MiB, 2 * GiB},    {Path::StreamRing, 64, 128 * MiB},
        {Path::StreamRing, 4 * KiB, 2 * GiB}, {Path::StreamRing, MiB, 2 * GiB},
        {Path::TcpSocket, 4 * KiB, 2 * GiB}, {Path::TcpSocket, MiB, 2 * GiB},
    };
    for (const Case& c : cases) {
        if (!step(std::string("submit.") + path_name(c.path) + "." + size_name(c.batch))) continue;
        std::optional<Target> target;
        if (c.path == Path::StreamRing && c.batch == 4 * KiB) target = Target{Target::Kind::AtLeast, 5};
        bench_submit(report, options, server, c.path, c.batch, c.total, target);
    }

    if (step("blob.unix.64KiB")) bench_blobs(report, options, server, 64 * KiB, 20000);
    if (step("blob.unix.4MiB")) bench_blobs(report, options, server, 4 * MiB, 5000);
}

}  // namespace

int main(int argc, char** argv) {
    const auto options = parse(argc, argv);
    if (!options) return 2;
    std::string load;
    std::getline(std::ifstream("/proc/loadavg"), load);
    std::cout << "bench_transport: " << (options->quick ? "quick" : "full") << " run, "
              << std::thread::hardware_concurrency() << " CPUs, load average " << load << std::endl;
    Report report;
    try {
        ServerProcess server(ServerProcess::Config{
            .unix_socket = true, .tcp = true, .extra_args = {"--log-level", "warn"}});
        try {
            run_all(report, *options, server);
        } catch (...) {
            std::cerr << "server log:\n" << server.log() << '\n';
            throw;
        }
    } catch (const std::exception& error) {
        std::cerr << "bench_transport: " << error.what() << '\n';
        return 1;
    }

    std::cout << '\n';
    report.print_table(std::cout);
    const int missed = report.missed_targets();
    std::cout << '\n'
              << (missed == 0 ? "all targets met" : std::to_string(missed) + " target(s) not met")
              << '\n';
    if (!options->json_path.empty()) {
        const std::filesystem::path path(options->json_path);
        if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
        std::ofstream out(path);
        report.write_json(out);
        if (!out) {
            std::cerr << "bench_transport: cannot write " << options->json_path << '\n';
            return 1;
        }
    }
    return 0;
}
