#include "server/StatsReport.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace rendersock::server {
namespace {

std::string human_bytes(uint64_t bytes) {
    static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double value = static_cast<double>(bytes);
    size_t unit = 0;
    while (value >= 1024.0 && unit + 1 < std::size(kUnits)) {
        value /= 1024.0;
        ++unit;
    }
    char text[32];
    if (unit == 0)
        std::snprintf(text, sizeof(text), "%llu B", static_cast<unsigned long long>(bytes));
    else
        std::snprintf(text, sizeof(text), "%.1f %s", value, kUnits[unit]);
    return text;
}

std::string counters_text(const CounterValues& v) {
    auto at = [&v](Counter counter) {
        return static_cast<unsigned long long>(v[static_cast<size_t>(counter)]);
    };
    const unsigned long long waits = at(Counter::FenceWaits);
    const unsigned long long mean_us = waits ? at(Counter::FenceWaitMicros) / waits : 0;
    char text[768];
    std::snprintf(text, sizeof(text),
                  "contexts venus %llu virgl %llu drm %llu (created %llu/%llu/%llu), "
                  "blobs %llu = %s (created %llu = %s), received %llu messages = %s + %llu ring "
                  "streams = %s, %llu round trips, %llu fence waits (mean %llu us, max %llu us)",
                  at(Counter::VenusContexts), at(Counter::VirglContexts), at(Counter::DrmContexts),
                  at(Counter::VenusContextsCreated), at(Counter::VirglContextsCreated),
                  at(Counter::DrmContextsCreated), at(Counter::Blobs),
                  human_bytes(at(Counter::BlobBytes)).c_str(), at(Counter::BlobsCreated),
                  human_bytes(at(Counter::BlobBytesCreated)).c_str(), at(Counter::MessagesReceived),
                  human_bytes(at(Counter::BytesReceived)).c_str(), at(Counter::RingStreams),
                  human_bytes(at(Counter::RingBytes)).c_str(), at(Counter::RoundTrips), waits,
                  mean_us, at(Counter::FenceWaitMicrosMax));
    return text;
}

// Names hold printable ASCII only (ClientStats::set_name); quotes and
// backslashes are all that need escaping.
std::string json_string(const std::string& text) {
    std::string quoted = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') quoted += '\\';
        quoted += c;
    }
    return quoted + "\"";
}

std::string json_counters(const CounterValues& values) {
    std::string json;
    for (size_t i = 0; i < kCounterCount; ++i) {
        if (i) json += ',';
        json += '"';
        json += counter_info(i).json_name;
        json += "\":" + std::to_string(values[i]);
    }
    return json;
}

std::string json_client(const ClientSnapshot& client) {
    return "{\"id\":" + std::to_string(client.id) + ",\"name\":" + json_string(client.name) +
           ",\"transport\":\"" + (client.tcp ? "tcp" : "unix") +
           "\",\"pid\":" + std::to_string(client.pid) + "," + json_counters(client.values) + "}";
}

}  // namespace

std::vector<std::string> stats_text_lines(const StatsSnapshot& snapshot) {
    std::vector<std::string> lines;
    std::string summary = std::to_string(snapshot.clients.size()) + " clients connected, " +
                          std::to_string(snapshot.clients_served) + " served";
    if (snapshot.clients_untracked)
        summary +=
            " (" + std::to_string(snapshot.clients_untracked) + " not tracked: no free slot)";
    lines.push_back(summary);
    for (const auto& client : snapshot.clients)
        lines.push_back("client " + std::to_string(client.id) + " " + json_string(client.name) +
                        " (" + (client.tcp ? "tcp" : "unix") + ", process " +
                        std::to_string(client.pid) + "): " + counters_text(client.values));
    lines.push_back("total: " + counters_text(snapshot.totals));
    return lines;
}

std::string stats_json(const StatsSnapshot& snapshot) {
    std::string json = "{\"connected_clients\":" + std::to_string(snapshot.clients.size()) +
                       ",\"clients_served\":" + std::to_string(snapshot.clients_served) +
                       ",\"clients_untracked\":" + std::to_string(snapshot.clients_untracked) +
                       ",\"clients\":[";
    for (size_t i = 0; i < snapshot.clients.size(); ++i) {
        if (i) json += ',';
        json += json_client(snapshot.clients[i]);
    }
    return json + "],\"total\":{" + json_counters(snapshot.totals) + "}}";
}

std::string write_stats_file(const std::string& path, const std::string& text) {
    const std::string temporary = path + ".tmp." + std::to_string(::getpid());
    std::FILE* file = std::fopen(temporary.c_str(), "w");
    if (!file) return "cannot create " + temporary + ": " + std::strerror(errno);
    const bool written = std::fwrite(text.data(), 1, text.size(), file) == text.size() &&
                         std::fputc('\n', file) != EOF;
    const bool closed = std::fclose(file) == 0;
    if (!written || !closed) {
        ::unlink(temporary.c_str());
        return "cannot write " + temporary;
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
        const std::string error = std::strerror(errno);
        ::unlink(temporary.c_str());
        return "cannot rename " + temporary + " to " + path + ": " + error;
    }
    return {};
}

}  // namespace rendersock::server
