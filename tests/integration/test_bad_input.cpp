// Hostile and confused peers: each gets an error or a closed connection,
// and the server goes on serving the next client.
#include <doctest/doctest.h>

#include <cstring>

#include "tests/support/RawClient.h"
#include "tests/support/ServerProcess.h"
#include "wire/client/Connection.h"

using namespace rendersock;
using testing::RawClient;
using testing::ServerProcess;
namespace fb = wire::fb;

namespace {

void check_still_serving(const ServerProcess& server) {
    client::ConnectOptions options;
    options.address = server.address();
    auto connection = client::Connection::connect(options);
    connection->ping();
}

std::vector<std::byte> bytes_of(const void* data, size_t size) {
    const auto* begin = static_cast<const std::byte*>(data);
    return {begin, begin + size};
}

wire::OutgoingFrame header_only(uint32_t control, uint32_t payload, uint32_t fds) {
    wire::FrameHeader header = wire::header_for(control, payload, fds);
    return {bytes_of(&header, sizeof(header)), {}};
}

}  // namespace

TEST_CASE("bad input is refused and the server keeps serving") {
    for (bool fork_per_client : {true, false}) {
        CAPTURE(fork_per_client);
        ServerProcess server(ServerProcess::Config{.fork_per_client = fork_per_client});

        SUBCASE("garbage bytes instead of the preamble") {
            RawClient raw(server.address());
            const char garbage[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
            raw.send_bytes(bytes_of(garbage, sizeof(garbage)));
            CHECK(raw.closed_by_server());
        }
        SUBCASE("an upstream vtest client's first command") {
            RawClient raw(server.address());
            const uint32_t create_renderer[] = {4, 8, 0x74736574, 0};  // [len, VCMD_CREATE_RENDERER]
            raw.send_bytes(bytes_of(create_renderer, sizeof(create_renderer)));
            CHECK(raw.closed_by_server());
            CHECK(server.log().find("upstream vtest client") != std::string::npos);
        }
        SUBCASE("an oversized length is refused before anything is allocated") {
            RawClient raw(server.address());
            raw.send_preamble();
            raw.send_frame(header_only(64, 0xffffffffu, 0));
            auto reply = raw.read();
            REQUIRE(reply);
            const auto* error = testing::as_error(*reply);
            REQUIRE(error);
            CHECK(error->code() == fb::ErrorCode::Malformed);
            CHECK(error->message()->str().find("exceeds the limit") != std::string::npos);
            CHECK(raw.closed_by_server());
        }
        SUBCASE("a truncated frame followed by a hang-up") {
            RawClient raw(server.address());
            raw.handshake();
            raw.send_frame(header_only(200, 0, 0));
            const char partial[40] = {};
            raw.send_bytes(bytes_of(partial, sizeof(partial)));
        }
        SUBCASE("a frame that promises fds it does not carry") {
            RawClient raw(server.address());
            raw.handshake();
            wire::MessageBuilder builder;
            auto frame = builder.frame(5, fb::CreatePing(builder.fbb(), 1));
            wire::FrameHeader header;
            std::memcpy(&header, frame.bytes.data(), sizeof(header));
            header.fd_count = 2;
            std::memcpy(frame.bytes.data(), &header, sizeof(header));
            raw.send_frame(frame);
            CHECK(raw.closed_by_server());
        }
        SUBCASE("control bytes that are not a valid flatbuffer") {
            RawClient raw(server.address());
            raw.handshake();
            std::vector<std::byte> frame = header_only(32, 0, 0).bytes;
            for (int i = 0; i < 32; ++i) frame.push_back(std::byte{0xa5});
            raw.send_bytes(frame);
            auto reply = raw.read();
            REQUIRE(reply);
            REQUIRE(testing::as_error(*reply));
            CHECK(testing::as_error(*reply)->code() == fb::ErrorCode::Malformed);
        }
        SUBCASE("a message before the handshake") {
            RawClient raw(server.address());
            raw.send_preamble();
            wire::MessageBuilder builder;
            raw.send_frame(builder.frame(1, fb::CreatePing(builder.fbb(), 1)));
            auto reply = raw.read();
            REQUIRE(reply);
            REQUIRE(testing::as_error(*reply));
            CHECK(testing::as_error(*reply)->code() == fb::ErrorCode::BadHandshake);
            CHECK(raw.closed_by_server());
        }
        SUBCASE("a wrong protocol version") {
            RawClient raw(server.address());
            raw.send_preamble();
            wire::MessageBuilder builder;
            raw.send_frame(builder.frame(1, fb::CreateHello(builder.fbb(), wire::kHelloMagic, 999)));
            auto reply = raw.read();
            REQUIRE(reply);
            REQUIRE(testing::as_error(*reply));
            CHECK(testing::as_error(*reply)->message()->str().find("version") != std::string::npos);
        }
        SUBCASE("valid messages with ids and sizes that are wrong") {
            RawClient raw(server.address());
            raw.handshake();
            struct Case {
                wire::OutgoingFrame frame;
                fb::ErrorCode expected;
            };
            std::vector<Case> cases;
            {
                wire::MessageBuilder b;
                cases.push_back({b.frame(2, fb::CreateBlobCreate(b.fbb(), 12345, 1, 4096, 1)),
                                 fb::ErrorCode::NoSuchContext});
            }
            {
                wire::MessageBuilder b;
                cases.push_back({b.frame(3, fb::CreateContextCreate(b.fbb(), 0, fb::CapsetType::Venus, 1)),
                                 fb::ErrorCode::OutOfRange});
            }
            {
                wire::MessageBuilder b;
                cases.push_back({b.frame(4, fb::CreateContextCreate(b.fbb(), 9, fb::CapsetType::Venus, 100000)),
                                 fb::ErrorCode::OutOfRange});
            }
            {
                wire::MessageBuilder b;
                cases.push_back({b.frame(5, fb::CreateBlobDestroy(b.fbb(), 424242)),
                                 fb::ErrorCode::NoSuchBlob});
            }
            {
                wire::MessageBuilder b;
                cases.push_back({b.frame(6, fb::CreateFenceWait(b.fbb(), 77, 0, 1, 0)),
                                 fb::ErrorCode::NoSuchContext});
            }
            {
                wire::MessageBuilder b;
                cases.push_back({b.frame(7, fb::CreatePong(b.fbb(), 0)), fb::ErrorCode::UnknownMessage});
            }
            {
                wire::MessageBuilder b;
                cases.push_back({b.frame(8, fb::CreateContextCreate(b.fbb(), 10, static_cast<fb::CapsetType>(99), 1)),
                                 fb::ErrorCode::Unsupported});
            }
            for (auto& c : cases) {
                raw.send_frame(c.frame);
                auto reply = raw.read();
                REQUIRE(reply);
                const auto* error = testing::as_error(*reply);
                REQUIRE(error);
                CHECK(error->code() == c.expected);
            }
            // Huge blob and a blob with unknown flags in a real context.
            wire::MessageBuilder make;
            raw.send_frame(make.frame(20, fb::CreateContextCreate(make.fbb(), 1, fb::CapsetType::Venus, 1)));
            REQUIRE(raw.read());
            wire::MessageBuilder huge;
            raw.send_frame(huge.frame(21, fb::CreateBlobCreate(huge.fbb(), 1, 1, ~0ull, 1)));
            auto refused = raw.read();
            REQUIRE(refused);
            REQUIRE(testing::as_error(*refused));
            CHECK(testing::as_error(*refused)->code() == fb::ErrorCode::LimitExceeded);
            wire::MessageBuilder flags;
            raw.send_frame(flags.frame(22, fb::CreateBlobCreate(flags.fbb(), 1, 1, 4096, 0xff00)));
            auto bad_flags = raw.read();
            REQUIRE(bad_flags);
            REQUIRE(testing::as_error(*bad_flags));
        }
        check_still_serving(server);
        CHECK(server.running());
    }
}
