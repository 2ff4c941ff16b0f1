#include "server/Options.h"

#include <sys/stat.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace rendersock::server {
namespace {

constexpr const char* kUsage = R"(usage: virgl_test_server [OPTIONS]

rendersock render server: serves virgl (OpenGL), Venus (Vulkan) and DRM
contexts to rendersock client drivers over a Unix or TCP socket.

Listening:
  --socket-path PATH     Unix socket to listen on (default: $VTEST_SOCKET_NAME
                         or /tmp/.virgl_test). Created owner-only; a stale
                         socket file left by a dead server is replaced.
  --socket-group GROUP   make the Unix socket usable by GROUP as well (0660)
  --listen tcp:HOST:PORT also listen on TCP (repeatable). Loopback addresses
                         only, unless --token-file is given.
  --no-unix              do not listen on a Unix socket (TCP only)
  --token-file FILE      clients must present the secret in FILE in their
                         handshake (required for non-loopback TCP)

Processes:
  --no-fork              serve every client inside this process
  --multi-clients        same as --no-fork (upstream's name)
  By default each client is served in its own forked process, so a crash in a
  host driver takes down that client only.

Host:
  --venus                accepted for compatibility; Venus is offered whenever
                         the host has a Vulkan device
  --vulkan-device N      host Vulkan device index (default 0, or
                         $RENDERSOCK_VK_DEVICE)
  --no-host-pointer-import
                         never import shared blobs as host memory
                         (VK_EXT_external_memory_host); mirror them instead
  --use-egl-surfaceless  accepted for compatibility (GL contexts always use
                         the EGL surfaceless platform on Mesa)
  --use-gles             run GL contexts on OpenGL ES on the host
  --rendernode PATH      render node for DRM contexts (default: first
                         /dev/dri/renderD* that opens)

Limits per client:
  --max-message-bytes N  largest frame payload (default 64 MiB)
  --max-blob-bytes N     total blob memory (default 8 GiB)
  --max-device-memory-bytes N
                         total Vulkan device memory outside blobs (e.g.
                         device-local VRAM; default: no cap but the device's)
  --max-objects N        contexts + blobs + context objects (default 65536)

Stats (per client and in total: contexts by type, blobs and their bytes,
messages and bytes received, round trips, fence waits and their latency):
  SIGUSR1                logs them now: a line per client, the totals, and
                         one `stats: {...}` JSON line
  --stats-interval SECS  logs them every SECS seconds as well
  --stats-file PATH      also writes the JSON to PATH at each report
                         (replaced atomically)

Recording (for bug reports, regression tests, fuzz seeds; wire/RECORDING.md):
  --record DIR           write each client's incoming frames, stream-ring
                         command streams and the kinds of the answers to
                         DIR/client-<id>-<pid>.rsrec (tokens are blanked);
                         rendersock-replay FILE replays one

Other:
  --log-level LEVEL      error, warn, info (default) or debug; also
                         $RENDERSOCK_LOG
  --help, --version
)";

bool parse_u64(std::string_view text, uint64_t& out) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
}

struct Parser {
    int argc;
    char** argv;
    int index = 1;
    std::string error;

    std::optional<std::string_view> value(std::string_view flag) {
        if (index + 1 >= argc) {
            error = std::string(flag) + " needs a value";
            return std::nullopt;
        }
        return std::string_view(argv[++index]);
    }
};

bool parse_number_flag(Parser& parser, std::string_view flag, uint64_t& out) {
    auto text = parser.value(flag);
    if (!text) return false;
    if (!parse_u64(*text, out) || out == 0) {
        parser.error = std::string(flag) + ": '" + std::string(*text) + "' is not a positive number";
        return false;
    }
    return true;
}

bool parse_one(Parser& parser, Options& options, bool& no_unix) {
    const std::string_view arg = parser.argv[parser.index];
    uint64_t number = 0;
    if (arg == "--socket-path") {
        auto v = parser.value(arg);
        if (!v) return false;
        options.socket_path = std::string(*v);
    } else if (arg == "--socket-group") {
        auto v = parser.value(arg);
        if (!v) return false;
        options.socket_group = std::string(*v);
    } else if (arg == "--listen") {
        auto v = parser.value(arg);
        if (!v) return false;
        std::string error;
        auto address = wire::Address::parse(*v, &error);
        if (!address || address->kind != wire::Address::Kind::Tcp) {
            parser.error = "--listen " + std::string(*v) + ": " +
                           (address ? "expected tcp:HOST:PORT" : error);
            return false;
        }
        options.tcp.push_back(*address);
    } else if (arg == "--no-unix") {
        no_unix = true;
    } else if (arg == "--token-file") {
        auto v = parser.value(arg);
        if (!v) return false;
        options.token_file = std::string(*v);
    } else if (arg == "--no-fork" || arg == "--multi-clients") {
        options.fork_per_client = false;
    } else if (arg == "--venus") {
    } else if (arg == "--no-host-pointer-import") {
        options.no_host_pointer_import = true;
    } else if (arg == "--use-egl-surfaceless") {
        options.use_egl_surfaceless = true;
    } else if (arg == "--use-gles") {
        options.use_gles = true;
    } else if (arg == "--rendernode") {
        auto v = parser.value(arg);
        if (!v) return false;
        options.render_node = std::string(*v);
    } else if (arg == "--vulkan-device") {
        auto v = parser.value(arg);
        if (!v || !parse_u64(*v, number) || number > 255) {
            parser.error = "--vulkan-device needs a device index";
            return false;
        }
        options.vulkan_device = static_cast<uint32_t>(number);
    } else if (arg == "--max-message-bytes") {
        if (!parse_number_flag(parser, arg, options.limits.max_message_bytes)) return false;
    } else if (arg == "--max-blob-bytes") {
        if (!parse_number_flag(parser, arg, options.limits.max_blob_bytes)) return false;
    } else if (arg == "--max-device-memory-bytes") {
        if (!parse_number_flag(parser, arg, options.limits.max_device_memory_bytes)) return false;
    } else if (arg == "--max-objects") {
        if (!parse_number_flag(parser, arg, number)) return false;
        options.limits.max_objects = static_cast<uint32_t>(std::min<uint64_t>(number, 1u << 30));
    } else if (arg == "--stats-interval") {
        if (!parse_number_flag(parser, arg, number)) return false;
        options.stats_interval_seconds = static_cast<uint32_t>(std::min<uint64_t>(number, 86400));
    } else if (arg == "--stats-file") {
        auto v = parser.value(arg);
        if (!v) return false;
        options.stats_file = std::string(*v);
    } else if (arg == "--record") {
        auto v = parser.value(arg);
        if (!v) return false;
        struct stat info {};
        if (::stat(std::string(*v).c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
            parser.error = "--record " + std::string(*v) + ": not a directory";
            return false;
        }
        options.record_dir = std::string(*v);
    } else if (arg == "--log-level") {
        auto v = parser.value(arg);
        if (!v) return false;
        if (!log::parse_level(*v, options.log_level)) {
            parser.error = "--log-level: expected error, warn, info or debug";
            return false;
        }
    } else {
        parser.error = "unknown option '" + std::string(arg) + "' (see --help)";
        return false;
    }
    return true;
}

}  // namespace

ParseResult parse_options(int argc, char** argv) {
    Options options;
    if (const char* level = std::getenv("RENDERSOCK_LOG")) log::parse_level(level, options.log_level);
    if (const char* device = std::getenv("RENDERSOCK_VK_DEVICE")) {
        uint64_t index = 0;
        if (parse_u64(device, index) && index < 256) options.vulkan_device = static_cast<uint32_t>(index);
    }
    Parser parser{argc, argv, 1, {}};
    bool no_unix = false;
    for (; parser.index < argc; ++parser.index) {
        const std::string_view arg = argv[parser.index];
        if (arg == "--help" || arg == "-h") {
            std::fputs(kUsage, stdout);
            return {std::nullopt, 0};
        }
        if (arg == "--version") {
            std::printf("virgl_test_server (rendersock) %s\n", RENDERSOCK_VERSION);
            return {std::nullopt, 0};
        }
        if (!parse_one(parser, options, no_unix)) {
            std::fprintf(stderr, "virgl_test_server: %s\n", parser.error.c_str());
            return {std::nullopt, 2};
        }
    }
    if (options.socket_path.empty() && !no_unix) {
        const std::string text = wire::Address::default_text();
        std::string error;
        auto address = wire::Address::parse(text, &error);
        if (!address) {
            std::fprintf(stderr, "virgl_test_server: VTEST_SOCKET_NAME: %s\n", error.c_str());
            return {std::nullopt, 2};
        }
        if (address->kind == wire::Address::Kind::Tcp)
            options.tcp.push_back(*address);
        else
            options.socket_path = address->path;
    }
    if (no_unix) options.socket_path.clear();
    if (options.socket_path.empty() && options.tcp.empty()) {
        std::fprintf(stderr, "virgl_test_server: nothing to listen on\n");
        return {std::nullopt, 2};
    }
    for (const auto& address : options.tcp) {
        if (!address.is_loopback() && options.token_file.empty()) {
            std::fprintf(stderr,
                         "virgl_test_server: refusing to listen on %s without --token-file: "
                         "anyone who can reach it could use this machine's GPU\n",
                         address.describe().c_str());
            return {std::nullopt, 2};
        }
    }
    return {options, 0};
}

}  // namespace rendersock::server
