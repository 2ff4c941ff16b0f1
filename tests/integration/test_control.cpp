// Every control message from the client library against the real server,
// over a Unix socket and over TCP loopback.
#include <doctest/doctest.h>

#include <cstring>
#include <thread>

#include <vulkan/vulkan.h>

#include "tests/support/ServerProcess.h"
#include "wire/client/Blob.h"
#include "wire/client/Context.h"
#include "wire/venus/VenusCapset.h"
#include "wire/venus/VenusStream.h"

using namespace rendersock;
using client::Blob;
using client::Connection;
using client::Context;
using testing::ServerProcess;
namespace fb = wire::fb;

namespace {

std::unique_ptr<Connection> connect_to(const std::string& address) {
    client::ConnectOptions options;
    options.address = address;
    options.client_name = "test_control";
    return Connection::connect(options);
}

// A Venus stream of padding commands, `bytes` long.
std::vector<std::byte> padding_stream(size_t bytes) {
    std::vector<std::byte> stream(bytes);
    wire::venus::CommandHeader header{wire::venus::kCommandPadding, static_cast<uint32_t>(bytes)};
    std::memcpy(stream.data(), &header, sizeof(header));
    return stream;
}

constexpr uint32_t kMappable = static_cast<uint32_t>(fb::BlobFlags::Mappable);
constexpr uint32_t kShareable = static_cast<uint32_t>(fb::BlobFlags::Shareable);

}  // namespace

TEST_CASE("handshake reports the host's Venus device, features and limits") {
    ServerProcess server;
    auto connection = connect_to(server.address());
    const auto& info = connection->info();
    CHECK(info.version.find("rendersock") == 0);
    CHECK(info.protocol_version == wire::kProtocolVersion);
    CHECK(connection->has_feature(fb::Feature::FdPassing));
    CHECK(connection->has_feature(fb::Feature::TimelinePage));
    REQUIRE(connection->offers(fb::CapsetType::Venus));
    CHECK(info.max_message_bytes == 64ull << 20);
    connection->ping();

    wire::MessageBuilder builder;
    auto reply = connection->call(
        builder, fb::CreateCapsetQuery(builder.fbb(), fb::CapsetType::Venus, 1));
    const auto* data = reply.body<fb::CapsetData>();
    REQUIRE(data);
    REQUIRE(data->data()->size() >= sizeof(wire::venus::VenusCapset));
    wire::venus::VenusCapset capset;
    std::memcpy(&capset, data->data()->data(), sizeof(capset));
    CHECK(std::string(capset.host_device_name).find("llvmpipe") != std::string::npos);
    CHECK(capset.vk_xml_version == VK_HEADER_VERSION_COMPLETE);
}

TEST_CASE("the host device is chosen by flag, and a missing one is refused clearly") {
    ServerProcess server(ServerProcess::Config{.extra_args = {"--vulkan-device", "7"}});
    auto connection = connect_to(server.address());
    CHECK_FALSE(connection->offers(fb::CapsetType::Venus));
    wire::MessageBuilder builder;
    CHECK_THROWS_WITH_AS(
        connection->call(builder, fb::CreateContextCreate(builder.fbb(), 1, fb::CapsetType::Venus, 1)),
        doctest::Contains("device 7 does not exist"), client::RemoteError);
    ServerProcess first(ServerProcess::Config{.extra_args = {"--vulkan-device", "0"}});
    CHECK(connect_to(first.address())->offers(fb::CapsetType::Venus));
}

TEST_CASE("contexts: create, refuse duplicates and unavailable capsets, destroy") {
    ServerProcess server;
    auto connection = connect_to(server.address());
    Context context(*connection, fb::CapsetType::Venus, 2);
    CHECK(context.id() != 0);

    wire::MessageBuilder builder;
    CHECK_THROWS_WITH_AS(
        connection->call(builder, fb::CreateContextCreate(builder.fbb(), context.id(),
                                                          fb::CapsetType::Venus, 1)),
        doctest::Contains("already exists"), client::RemoteError);
    // virgl (GL) is offered on this host; DRM is not (no render node).
    REQUIRE(connection->offers(fb::CapsetType::Virgl));
    wire::MessageBuilder virgl;
    connection->call(virgl, fb::CreateContextCreate(virgl.fbb(), 77, fb::CapsetType::Virgl, 1));
    wire::MessageBuilder drm;
    CHECK_THROWS_WITH_AS(
        connection->call(drm, fb::CreateContextCreate(drm.fbb(), 78, fb::CapsetType::Drm, 1)),
        doctest::Contains("DRM"), client::RemoteError);
    wire::MessageBuilder no_rings;
    CHECK_THROWS_WITH_AS(connection->call(no_rings, fb::CreateContextCreate(
                                                        no_rings.fbb(), 79, fb::CapsetType::Venus, 0)),
                         doctest::Contains("rings"), client::RemoteError);
    connection->ping();
    CHECK_FALSE(connection->take_async_error());
}

TEST_CASE("a blob is the same memory on both sides of a Unix socket") {
    ServerProcess server;
    auto connection = connect_to(server.address());
    Context context(*connection, fb::CapsetType::Venus, 1);
    constexpr uint64_t kSize = 1 << 20;
    Blob blob(context, kSize, kMappable);
    REQUIRE(blob.is_shared());

    // Client writes through its mapping; the server reads the same bytes.
    for (uint64_t i = 0; i < kSize; ++i) blob.data()[i] = static_cast<std::byte>(i * 7 + 3);
    wire::MessageBuilder read_back;
    auto reply = connection->call(read_back, fb::CreateBlobTransfer(read_back.fbb(), blob.id(), 4096,
                                                                    8192, fb::TransferDirection::FromHost));
    REQUIRE(reply.frame.payload.size() == 8192);
    CHECK(std::memcmp(reply.frame.payload.data(), blob.data() + 4096, 8192) == 0);

    // The server writes; the client sees it through the mapping.
    std::vector<std::byte> pattern(100, std::byte{0x5a});
    wire::MessageBuilder write;
    connection->call(write,
                     fb::CreateBlobTransfer(write.fbb(), blob.id(), kSize - 100, 100,
                                            fb::TransferDirection::ToHost),
                     pattern);
    CHECK(std::memcmp(blob.data() + kSize - 100, pattern.data(), 100) == 0);

    // Out of range and unknown ids are refused; the connection lives on.
    wire::MessageBuilder outside;
    CHECK_THROWS_WITH_AS(connection->call(outside, fb::CreateBlobTransfer(
                                                       outside.fbb(), blob.id(), kSize - 10, 11,
                                                       fb::TransferDirection::FromHost)),
                         doctest::Contains("outside"), client::RemoteError);
    wire::MessageBuilder unknown;
    CHECK_THROWS_AS(connection->call(unknown, fb::CreateBlobTransfer(unknown.fbb(), 999999, 0, 1,
                                                                     fb::TransferDirection::FromHost)),
                    client::RemoteError);
    wire::MessageBuilder exported;
    auto again = connection->call(exported, fb::CreateBlobExport(exported.fbb(), blob.id()));
    REQUIRE(again.frame.fds.size() == 1);
    auto second = shm::Mapping::map(again.frame.fds[0].get(), kSize, shm::Mapping::Access::ReadOnly);
    CHECK(std::memcmp(second.data(), blob.data(), kSize) == 0);
}

TEST_CASE("over TCP a blob is a mirror kept in step by transfers") {
    ServerProcess server(ServerProcess::Config{.unix_socket = false, .tcp = true});
    auto connection = connect_to(server.tcp_address());
    CHECK_FALSE(connection->has_feature(fb::Feature::FdPassing));
    Context context(*connection, fb::CapsetType::Venus, 1);
    constexpr uint64_t kSize = 3 << 20;
    Blob blob(context, kSize, kMappable);
    CHECK_FALSE(blob.is_shared());

    // Client writes reach the server with flush.
    for (uint64_t i = 0; i < kSize; ++i) blob.data()[i] = static_cast<std::byte>(i ^ (i >> 8));
    blob.flush(0, kSize);
    wire::MessageBuilder read;
    auto on_server = connection->call(read, fb::CreateBlobTransfer(read.fbb(), blob.id(), 1 << 20, 4096,
                                                                   fb::TransferDirection::FromHost));
    REQUIRE(on_server.frame.payload.size() == 4096);
    CHECK(std::memcmp(on_server.frame.payload.data(), blob.data() + (1 << 20), 4096) == 0);

    // Server-side writes reach the mirror with invalidate; bytes the client
    // wrote meanwhile and has not flushed stay the client's.
    std::vector<std::byte> written_by_server(100, std::byte{0x77});
    wire::MessageBuilder write;
    connection->call(write,
                     fb::CreateBlobTransfer(write.fbb(), blob.id(), 5000, 100, fb::TransferDirection::ToHost),
                     written_by_server);
    blob.data()[2 << 20] = std::byte{0x42};
    blob.invalidate(0, kSize);
    CHECK(std::memcmp(blob.data() + 5000, written_by_server.data(), 100) == 0);
    CHECK(blob.data()[2 << 20] == std::byte{0x42});
    CHECK(blob.data()[4999] == static_cast<std::byte>((4999 ^ (4999 >> 8)) & 0xff));
}

TEST_CASE("over TCP a flush writes only the bytes the client changed, even inside a block") {
    ServerProcess server(ServerProcess::Config{.unix_socket = false, .tcp = true});
    auto connection = connect_to(server.tcp_address());
    Context context(*connection, fb::CapsetType::Venus, 1);
    constexpr uint64_t kSize = 1 << 20;
    Blob blob(context, kSize, kMappable);
    // The host writes [5000, 5100) (GPU work, say) while the client changes
    // every fourth byte of the whole blob except that range.
    std::vector<std::byte> host_bytes(100, std::byte{0x77});
    wire::MessageBuilder write;
    connection->call(write, fb::CreateBlobTransfer(write.fbb(), blob.id(), 5000, 100, fb::TransferDirection::ToHost),
                     host_bytes);
    for (uint64_t i = 0; i < kSize; i += 4)
        if (i < 5000 || i >= 5100) blob.data()[i] = static_cast<std::byte>(1 + i % 251);
    blob.flush(0, kSize);
    wire::MessageBuilder read;
    auto on_server = connection->call(read, fb::CreateBlobTransfer(read.fbb(), blob.id(), 0, kSize,
                                                                   fb::TransferDirection::FromHost));
    REQUIRE(on_server.frame.payload.size() == kSize);
    const std::byte* host = on_server.frame.payload.data();
    size_t wrong = 0;
    for (uint64_t i = 0; i < kSize; ++i) {
        const bool in_host_range = i >= 5000 && i < 5100;
        const std::byte expected = in_host_range ? std::byte{0x77}
                                   : i % 4 == 0  ? static_cast<std::byte>(1 + i % 251)
                                                 : std::byte{0};
        if (host[i] != expected) ++wrong;
    }
    CHECK(wrong == 0);

    // A masked transfer whose payload is not bytes plus mask is refused.
    std::vector<std::byte> short_payload(64);
    wire::MessageBuilder bad;
    CHECK_THROWS_WITH_AS(connection->call(bad,
                                          fb::CreateBlobTransfer(bad.fbb(), blob.id(), 0, 64,
                                                                 fb::TransferDirection::ToHostMasked),
                                          short_payload),
                         doctest::Contains("mask"), client::RemoteError);
}

TEST_CASE("shareable blobs attach to a second context, private ones do not") {
    ServerProcess server;
    auto connection = connect_to(server.address());
    Context first(*connection, fb::CapsetType::Venus, 1);
    Context second(*connection, fb::CapsetType::Venus, 1);
    Blob shared(first, 4096, kMappable | kShareable);
    Blob private_blob(first, 4096, kMappable);
    shared.attach(second);
    CHECK_THROWS_WITH_AS(private_blob.attach(second), doctest::Contains("not shareable"),
                         client::RemoteError);
}

TEST_CASE("blob limits: the client budget is enforced and freed on destroy") {
    ServerProcess server(ServerProcess::Config{.extra_args = {"--max-blob-bytes", "1048576"}});
    auto connection = connect_to(server.address());
    Context context(*connection, fb::CapsetType::Venus, 1);
    {
        Blob big(context, 1 << 20, kMappable);
        CHECK_THROWS_WITH_AS(Blob(context, 1, kMappable), doctest::Contains("budget"),
                             client::RemoteError);
    }
    Blob again(context, 1 << 20, kMappable);  // the first one's bytes came back
    CHECK(again.size() == 1 << 20);
}

TEST_CASE("fences signal in order on each ring, through the page and through the socket") {
    for (bool tcp : {false, true}) {
        CAPTURE(tcp);
        ServerProcess server(ServerProcess::Config{.unix_socket = !tcp, .tcp = tcp});
        auto connection = connect_to(server.address());
        Context context(*connection, fb::CapsetType::Venus, 2);
        const auto stream = padding_stream(256);
        for (uint64_t id = 1; id <= 100; ++id) {
            context.submit(id % 2, stream);
            context.create_fence(id % 2, id);
        }
        CHECK(context.wait_fence(1, 99, std::chrono::seconds(5)));
        CHECK(context.wait_fence(0, 100, std::chrono::seconds(5)));
        CHECK(context.signalled(0) == 100);
        CHECK(context.signalled(1) == 99);
        // A fence that nobody will create times out after the timeout.
        const auto start = std::chrono::steady_clock::now();
        CHECK_FALSE(context.wait_fence(0, 1000, std::chrono::milliseconds(50)));
        CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(50));
        // Ids must rise; the refusal comes back as an error for the posted message.
        context.create_fence(0, 5);
        connection->ping();
        auto error = connection->take_async_error();
        REQUIRE(error);
        CHECK(error->find("does not rise") != std::string::npos);
        // A ring that does not exist.
        CHECK_THROWS_AS(context.wait_fence(7, 1, std::chrono::milliseconds(1)), std::exception);
    }
}

TEST_CASE("a waiter blocked on a fence wakes when another thread's submit signals it") {
    ServerProcess server;
    auto connection = connect_to(server.address());
    Context context(*connection, fb::CapsetType::Venus, 1);
    std::thread waiter([&] { CHECK(context.wait_fence(0, 1, std::chrono::seconds(5))); });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    context.submit(0, padding_stream(64));
    context.create_fence(0, 1);
    waiter.join();
}

TEST_CASE("command streams through the shared-memory ring stay ordered with socket messages") {
    ServerProcess server;
    auto connection = connect_to(server.address());
    Context context(*connection, fb::CapsetType::Venus, 1);
    REQUIRE(context.enable_stream_ring(64 * 1024));
    // Streams smaller and larger than the ring, fences on the socket after them.
    for (size_t size : {16u, 4096u, 40000u, 300000u}) {
        context.submit(0, padding_stream(size));
    }
    context.create_fence(0, 1);
    CHECK(context.wait_fence(0, 1, std::chrono::seconds(5)));
    connection->ping();
    CHECK_FALSE(connection->take_async_error());
    CHECK_FALSE(connection->context_lost_reason(context.id()));
}

TEST_CASE("a broken command stream loses that context only") {
    ServerProcess server;
    auto connection = connect_to(server.address());
    Context doomed(*connection, fb::CapsetType::Venus, 1);
    Context healthy(*connection, fb::CapsetType::Venus, 1);
    std::vector<std::byte> garbage(64, std::byte{0xee});
    doomed.submit(0, garbage);
    connection->ping();
    auto reason = connection->context_lost_reason(doomed.id());
    REQUIRE(reason);
    CHECK(reason->find("Venus command") != std::string::npos);
    CHECK_THROWS_AS(doomed.wait_fence(0, 1, std::chrono::seconds(1)), client::RemoteError);
    healthy.submit(0, padding_stream(128));
    healthy.create_fence(0, 1);
    CHECK(healthy.wait_fence(0, 1, std::chrono::seconds(5)));
}
