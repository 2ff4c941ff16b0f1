#pragma once
// The context types this server can host. Each type probes the host once,
// inside the process that serves clients (host drivers must never be loaded
// before a fork), and creates contexts of its kind.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "server/Context.h"
#include "server/Options.h"

namespace rendersock::server {

struct ContextCreateInfo {
    uint32_t ctx_id;
    uint32_t num_rings;
    std::string name;
    ContextHost& host;
    bool fd_passing = false;  // fds travel on this client's socket (Unix)
};

class ContextType {
public:
    virtual ~ContextType() = default;
    virtual fb::CapsetType capset() const = 0;
    virtual const char* name() const = 0;
    // Empty when this host can serve the type; otherwise why not.
    virtual std::optional<std::string> unavailable_reason() = 0;
    virtual uint32_t max_version() const = 0;
    virtual std::string description() = 0;
    virtual std::vector<uint8_t> capset_data(uint32_t version) = 0;
    virtual std::unique_ptr<Context> create(const ContextCreateInfo& info, Status& status) = 0;
    // Finds out what the host offers from a short-lived child process, so
    // this process never loads the host driver itself.
    virtual void probe_in_child_process() {}
};

class ContextRegistry {
public:
    explicit ContextRegistry(const Options& options);
    ~ContextRegistry();

    // The types this host can serve right now (probing on first use).
    std::vector<ContextType*> available();
    // Every type this server knows, available here or not.
    std::vector<ContextType*> all();
    ContextType* find_available(fb::CapsetType capset);
    // Why `capset` cannot be had here, for the error sent to the client.
    std::string refusal(fb::CapsetType capset);
    // Probes every type from child processes (the fork-per-client parent).
    void probe_in_child_processes();

private:
    std::vector<std::unique_ptr<ContextType>> types_;
};

const char* capset_name(fb::CapsetType capset);

}  // namespace rendersock::server
