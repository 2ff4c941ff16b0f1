#pragma once
// Runs a host-driver probe in a short-lived child process: the listening
// parent must never load a host driver (drivers break when loaded before a
// fork), yet every client wants to know at once what the host offers.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace rendersock::server {

struct ProbeReport {
    bool available = false;
    std::vector<uint8_t> data;  // what the context type answers capset queries with
    std::string reason;         // why not, when unavailable
};

// Runs `probe` in a child and returns its report; a child that crashes or
// reports nothing gives an unavailable report naming `what`.
ProbeReport probe_in_child(const std::function<ProbeReport()>& probe, const std::string& what);

}  // namespace rendersock::server
