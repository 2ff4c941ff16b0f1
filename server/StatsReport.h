#pragma once
// Puts a StatsSnapshot into words: lines for people reading the log, and one
// JSON object for programs (the log's `stats: {...}` line, --stats-file).

#include <string>
#include <vector>

#include "server/StatsTable.h"

namespace rendersock::server {

// A summary line, one line per connected client, one for the totals.
std::vector<std::string> stats_text_lines(const StatsSnapshot& snapshot);

// {"connected_clients":N,"clients_served":N,"clients_untracked":N,
//  "clients":[{"id":..,"name":..,"transport":"unix"|"tcp","pid":..,<counters>}],
//  "total":{<counters>}} on one line.
std::string stats_json(const StatsSnapshot& snapshot);

// Replaces `path` with `text` through a temporary file and a rename, so a
// reader never sees half a report. Returns an error message, empty on success.
std::string write_stats_file(const std::string& path, const std::string& text);

}  // namespace rendersock::server
