// rendersock-replay: replays a recording made with `virgl_test_server
// --record DIR` against a server and reports where the server's answers
// diverge from the recorded ones. Exit status: 0 same answers throughout,
// 1 a divergence or a failed replay, 2 a usage or file error.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "tools/replay/FuzzSeed.h"
#include "tools/replay/Replayer.h"
#include "wire/transport/SocketIO.h"

namespace {

using namespace rendersock;

constexpr const char* kUsage =
    "usage: rendersock-replay [--timeout SECONDS] FILE [ADDRESS]\n"
    "       rendersock-replay --fuzz-seed OUT FILE\n"
    "Replays FILE (written by virgl_test_server --record DIR) against the server at\n"
    "ADDRESS (a Unix socket path or tcp:HOST:PORT; default $VTEST_SOCKET_NAME or\n"
    "/tmp/.virgl_test) and compares each answer with the recorded one.\n"
    "  --timeout SECONDS  how long to wait for each answer (default 10)\n"
    "  --fuzz-seed OUT    write FILE as an input for tests/fuzz/fuzz_control instead\n"
    "Exit status: 0 the same answers throughout, 1 a divergence or a failed replay,\n"
    "2 a usage or file error. The format: wire/RECORDING.md.\n";

struct Arguments {
    std::string file;
    std::string address;
    std::string fuzz_seed;
    int timeout_seconds = 10;
};

// The file's bytes, mapped read-only for as long as the replay runs.
class MappedFile {
public:
    bool open(const std::string& path, std::string& error) {
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        struct stat info {};
        if (fd < 0 || ::fstat(fd, &info) != 0) {
            error = std::strerror(errno);
            if (fd >= 0) ::close(fd);
            return false;
        }
        size_ = static_cast<size_t>(info.st_size);
        if (size_ > 0) data_ = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
        ::close(fd);
        if (data_ == MAP_FAILED) {
            error = std::strerror(errno);
            data_ = nullptr;
            return false;
        }
        return true;
    }
    ~MappedFile() {
        if (data_) ::munmap(data_, size_);
    }
    std::span<const std::byte> bytes() const {
        return {static_cast<const std::byte*>(data_), data_ ? size_ : 0};
    }

private:
    void* data_ = nullptr;
    size_t size_ = 0;
};

bool parse_arguments(int argc, char** argv, Arguments& args) {
    std::vector<std::string> positional;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if ((arg == "--timeout" || arg == "--fuzz-seed") && i + 1 >= argc) return false;
        if (arg == "--timeout") {
            const std::string_view value = argv[++i];
            auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(),
                                             args.timeout_seconds);
            if (ec != std::errc() || end != value.data() + value.size() || args.timeout_seconds <= 0)
                return false;
        } else if (arg == "--fuzz-seed") {
            args.fuzz_seed = argv[++i];
        } else if (arg.starts_with("-")) {
            return false;
        } else {
            positional.emplace_back(arg);
        }
    }
    if (positional.empty() || positional.size() > 2) return false;
    args.file = positional[0];
    args.address = positional.size() == 2 ? positional[1] : wire::Address::default_text();
    return true;
}

std::string read_token() {
    const char* path = std::getenv("RENDERSOCK_TOKEN_FILE");
    if (!path || !*path) return {};
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    std::string token = text.str();
    while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) token.pop_back();
    return token;
}

int write_fuzz_seed(const wire::Recording& recording, const Arguments& args) {
    const std::vector<std::byte> input = replay::fuzz_control_input(recording);
    std::ofstream out(args.fuzz_seed, std::ios::binary);
    out.write(reinterpret_cast<const char*>(input.data()), static_cast<std::streamsize>(input.size()));
    if (!out) {
        std::fprintf(stderr, "rendersock-replay: cannot write %s\n", args.fuzz_seed.c_str());
        return 2;
    }
    std::printf("wrote %s: %zu bytes for fuzz_control\n", args.fuzz_seed.c_str(), input.size());
    return 0;
}

void print_counts(const char* file, const replay::ReplayCounts& counts, const char* verdict) {
    std::printf("%s: %zu frames sent, %zu ring streams sent as Submits, %zu answers as recorded, "
                "%zu frames skipped (fds), %zu answers not checked, %zu waits asked again: %s\n",
                file, counts.frames_sent, counts.ring_streams_sent, counts.answers_matched,
                counts.frames_skipped, counts.answers_unchecked, counts.waits_repeated, verdict);
}

int replay_against_server(const wire::Recording& recording, const Arguments& args) {
    std::string error;
    auto address = wire::Address::parse(args.address, &error);
    if (!address) {
        std::fprintf(stderr, "rendersock-replay: %s: %s\n", args.address.c_str(), error.c_str());
        return 2;
    }
    shm::UniqueFd sock = wire::connect_socket(*address, error);
    if (!sock) {
        std::fprintf(stderr, "rendersock-replay: %s\n", error.c_str());
        return 1;
    }
    const auto& header = recording.header;
    std::printf("replaying %s: %zu records of client %u (%s, over %s) against %s\n",
                args.file.c_str(), recording.records.size(), header.client_id,
                header.client_name.empty() ? "no name" : header.client_name.c_str(),
                header.transport == wire::RecordingTransport::Tcp ? "TCP" : "a Unix socket",
                address->describe().c_str());
    std::fflush(stdout);
    replay::Replayer replayer(recording, std::move(sock), read_token(),
                              std::chrono::seconds(args.timeout_seconds), stdout);
    if (replayer.run()) {
        print_counts(args.file.c_str(), replayer.counts(), "no divergence");
        return 0;
    }
    std::printf("DIVERGED: %s\n", replayer.divergence().c_str());
    print_counts(args.file.c_str(), replayer.counts(), "stopped at the divergence");
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 2 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0)) {
        std::fputs(kUsage, stdout);
        return 0;
    }
    Arguments args;
    if (!parse_arguments(argc, argv, args)) {
        std::fputs(kUsage, stderr);
        return 2;
    }
    MappedFile file;
    std::string error;
    if (!file.open(args.file, error)) {
        std::fprintf(stderr, "rendersock-replay: %s: %s\n", args.file.c_str(), error.c_str());
        return 2;
    }
    auto recording = wire::parse_recording(file.bytes(), error);
    if (!recording) {
        std::fprintf(stderr, "rendersock-replay: %s: %s\n", args.file.c_str(), error.c_str());
        return 2;
    }
    if (!args.fuzz_seed.empty()) return write_fuzz_seed(*recording, args);
    return replay_against_server(*recording, args);
}
