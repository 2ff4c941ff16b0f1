// `virgl_test_server --record DIR` and `rendersock-replay`: sessions replay
// against a fresh server with the same answers; edited, cut or foreign
// recordings fail clearly. (The Vulkan program's session, through the ICD:
// tests/integration/py/test_record_replay.py.)
#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/support/ServerProcess.h"
#include "wire/Recording.h"
#include "wire/client/Blob.h"
#include "wire/client/Context.h"
#include "wire/venus/VenusStream.h"

using namespace rendersock;
using testing::ServerProcess;
namespace fb = wire::fb;
namespace fs = std::filesystem;

namespace {

struct ToolRun {
    int exit_code;
    std::string output;
};

ToolRun run_tool(const std::string& command) {
    std::FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    REQUIRE(pipe);
    std::string output;
    char buffer[4096];
    while (size_t n = std::fread(buffer, 1, sizeof(buffer), pipe)) output.append(buffer, n);
    const int status = ::pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

ToolRun replay(const std::string& file, const std::string& address) {
    return run_tool(testing::build_dir() + "/tools/rendersock-replay --timeout 5 " + file + " " +
                    address);
}

std::vector<std::byte> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::vector<char> text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::byte> bytes(text.size());
    std::memcpy(bytes.data(), text.data(), text.size());
    return bytes;
}

void write_file(const std::string& path, std::span<const std::byte> bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

// The one recording in `dir`, once its serving process has written the end
// of the connection into it.
std::string finished_recording(const std::string& dir) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (;;) {
        for (const auto& entry : fs::directory_iterator(dir)) {
            std::string error;
            const auto bytes = read_file(entry.path());
            auto recording = wire::parse_recording(bytes, error);
            if (recording && !recording->records.empty() &&
                recording->records.back().kind == wire::RecordKind::Closed)
                return entry.path();
        }
        REQUIRE(std::chrono::steady_clock::now() < deadline);
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

// A server that records into its own folder.
struct RecordingServer {
    std::string dir = make_dir();
    ServerProcess server{ServerProcess::Config{.tcp = true, .extra_args = {"--record", dir}}};

    static std::string make_dir() {
        char pattern[] = "/tmp/rendersock-record-XXXXXX";
        REQUIRE(::mkdtemp(pattern));
        return pattern;
    }
    ~RecordingServer() { fs::remove_all(dir); }
};

std::vector<std::byte> padding_stream(size_t bytes) {
    std::vector<std::byte> stream(bytes);
    wire::venus::CommandHeader header{wire::venus::kCommandPadding, static_cast<uint32_t>(bytes)};
    std::memcpy(stream.data(), &header, sizeof(header));
    return stream;
}

std::unique_ptr<client::Connection> connect_to(const std::string& address) {
    return testing::connect_to(address, "record-test");
}

// A TCP session with a blob whose contents go up as BlobTransfers.
std::string record_blob_session(RecordingServer& recorder) {
    {
        auto connection = connect_to(recorder.server.tcp_address());
        client::Context context(*connection, fb::CapsetType::Venus, 1);
        client::Blob blob(context, 4096, static_cast<uint32_t>(fb::BlobFlags::Mappable));
        std::memset(blob.data(), 0x5a, 4096);
        blob.flush(0, 4096);
        context.create_fence(0, 1);
        REQUIRE(context.wait_fence(0, 1, std::chrono::seconds(5)));
        connection->ping();
    }
    return finished_recording(recorder.dir);
}

// The recording with the first BlobTransfer naming blob `blob_id` instead.
std::vector<std::byte> with_transfer_to(const std::string& path, uint32_t blob_id) {
    const auto bytes = read_file(path);
    std::string error;
    auto recording = wire::parse_recording(bytes, error);
    REQUIRE(recording);
    std::vector<std::byte> out = wire::encode_header(recording->header);
    bool edited = false;
    for (const auto& record : recording->records) {
        std::vector<std::byte> body(record.body.begin(), record.body.end());
        const auto header = wire::frame_record_header(record.body);
        const fb::Message* message =
            record.kind == wire::RecordKind::Frame
                ? wire::verify_message(record.body.subspan(sizeof(wire::FrameHeader), header->control_size))
                : nullptr;
        if (!edited && message && message->body_as_BlobTransfer()) {
            const auto* transfer = message->body_as_BlobTransfer();
            wire::MessageBuilder builder;
            auto frame = builder.frame(
                message->serial(),
                fb::CreateBlobTransfer(builder.fbb(), blob_id, transfer->offset(), transfer->size(),
                                       transfer->direction()),
                record.body.subspan(sizeof(wire::FrameHeader) + header->control_size));
            body = frame.bytes;
            edited = true;
        }
        const uint32_t kind = static_cast<uint32_t>(record.kind), reserved = 0;
        const uint64_t length = body.size();
        for (auto [data, size] : {std::pair<const void*, size_t>{&kind, 4}, {&reserved, 4}, {&length, 8}})
            out.insert(out.end(), static_cast<const std::byte*>(data),
                       static_cast<const std::byte*>(data) + size);
        out.insert(out.end(), body.begin(), body.end());
    }
    REQUIRE(edited);
    return out;
}

}  // namespace

TEST_CASE("rendersock-info's session records and replays with the same answers") {
    RecordingServer recorder;
    REQUIRE(run_tool(testing::build_dir() + "/tools/rendersock-info " +
                     recorder.server.tcp_address()).exit_code == 0);
    const std::string file = finished_recording(recorder.dir);
    const auto bytes = read_file(file);
    std::string error;
    auto recording = wire::parse_recording(bytes, error);
    REQUIRE(recording);
    CHECK(recording->header.client_name == "rendersock-info");
    CHECK(recording->header.transport == wire::RecordingTransport::Tcp);
    CHECK(recording->header.protocol_version == wire::kProtocolVersion);

    ServerProcess fresh(ServerProcess::Config{.unix_socket = false, .tcp = true});
    const ToolRun run = replay(file, fresh.tcp_address());
    INFO(run.output);
    CHECK(run.exit_code == 0);
    CHECK(run.output.find("102 answers as recorded") != std::string::npos);  // Hello, capset, 100 pings
    CHECK(run.output.find("no divergence") != std::string::npos);
}

TEST_CASE("an edited recording diverges at the edited record; a cut one is refused") {
    RecordingServer recorder;
    const std::string file = record_blob_session(recorder);
    ServerProcess fresh(ServerProcess::Config{.unix_socket = false, .tcp = true});
    {
        const ToolRun run = replay(file, fresh.tcp_address());
        INFO(run.output);
        CHECK(run.exit_code == 0);
    }
    const std::string edited = recorder.dir + "/edited.rsrec";
    write_file(edited, with_transfer_to(file, 4242));
    {
        const ToolRun run = replay(edited, fresh.tcp_address());
        INFO(run.output);
        CHECK(run.exit_code == 1);
        CHECK(run.output.find("DIVERGED") != std::string::npos);
        CHECK(run.output.find("BlobTransfer") != std::string::npos);
        CHECK(run.output.find("expected Ok, got Error NoSuchBlob") != std::string::npos);
    }
    auto bytes = read_file(file);
    bytes.resize(bytes.size() - 3);
    const std::string cut = recorder.dir + "/cut.rsrec";
    write_file(cut, bytes);
    const ToolRun run = replay(cut, fresh.tcp_address());
    INFO(run.output);
    CHECK(run.exit_code == 2);
    CHECK(run.output.find("truncated") != std::string::npos);
}

TEST_CASE("a recording of another protocol version is refused naming both versions") {
    RecordingServer recorder;
    const std::string file = record_blob_session(recorder);
    auto bytes = read_file(file);
    const uint32_t other = wire::kProtocolVersion + 98;
    std::memcpy(bytes.data() + wire::kRecordingProtocolVersionOffset, &other, sizeof(other));
    const std::string foreign = recorder.dir + "/foreign.rsrec";
    write_file(foreign, bytes);
    const ToolRun run = replay(foreign, recorder.server.tcp_address());
    INFO(run.output);
    CHECK(run.exit_code == 2);
    CHECK(run.output.find("version " + std::to_string(other)) != std::string::npos);
    CHECK(run.output.find("version " + std::to_string(wire::kProtocolVersion)) != std::string::npos);
}

TEST_CASE("a Unix-socket session with a stream ring replays with its fd frames skipped") {
    RecordingServer recorder;
    {
        auto connection = connect_to(recorder.server.socket_path());
        client::Context context(*connection, fb::CapsetType::Venus, 1);
        client::Blob blob(context, 4096, static_cast<uint32_t>(fb::BlobFlags::Mappable));
        REQUIRE(context.enable_stream_ring(64 * 1024));
        for (size_t size : {16u, 4096u, 100000u}) context.submit(0, padding_stream(size));
        context.create_fence(0, 1);
        REQUIRE(context.wait_fence(0, 1, std::chrono::seconds(5)));
        connection->ping();
    }
    const std::string file = finished_recording(recorder.dir);
    ServerProcess fresh(ServerProcess::Config{.unix_socket = false, .tcp = true});
    const ToolRun run = replay(file, fresh.tcp_address());
    INFO(run.output);
    CHECK(run.exit_code == 0);
    CHECK(run.output.find("StreamRingCreate, serial") != std::string::npos);
    CHECK(run.output.find("skipped: it carried 2 fds") != std::string::npos);
    CHECK(run.output.find("3 ring streams sent as Submits") != std::string::npos);
    CHECK(fresh.running());
}
