#pragma once
// Command-line options of virgl_test_server. Upstream vtest's flags are
// accepted where they make sense, so existing scripts keep working.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wire/Address.h"
#include "wire/Log.h"

namespace rendersock::server {

struct Limits {
    uint64_t max_message_bytes = 64ull << 20;
    uint64_t max_blob_bytes = 8ull << 30;
    // Host device memory a client allocates outside blobs (device-local
    // Vulkan memory); 0: only the device's own limits.
    uint64_t max_device_memory_bytes = 0;
    uint32_t max_objects = 65536;
    uint32_t max_rings_per_context = 64;
};

struct Options {
    std::string socket_path;               // Unix socket; empty = no Unix listener
    std::vector<wire::Address> tcp;        // --listen tcp:HOST:PORT (repeatable)
    std::string token_file;                // secret clients must present
    std::string socket_group;              // widen the Unix socket to this group
    bool fork_per_client = true;           // false with --no-fork / --multi-clients
    bool use_egl_surfaceless = false;      // accepted from upstream; GL host platform
    bool use_gles = false;
    std::string render_node;               // --rendernode PATH
    std::optional<uint32_t> vulkan_device; // --vulkan-device N / RENDERSOCK_VK_DEVICE
    bool no_host_pointer_import = false;   // mirror host-visible memory instead
    log::Level log_level = log::Level::Info;
    uint32_t stats_interval_seconds = 0;   // --stats-interval; 0 = on SIGUSR1 only
    std::string stats_file;                // --stats-file: the JSON report, replaced each time
    std::string record_dir;                // --record DIR: each client's incoming stream, to a file
    Limits limits;
};

struct ParseResult {
    std::optional<Options> options;  // empty: exit with `exit_code`
    int exit_code = 0;
};

ParseResult parse_options(int argc, char** argv);

}  // namespace rendersock::server
