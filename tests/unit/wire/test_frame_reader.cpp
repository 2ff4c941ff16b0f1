#include <doctest/doctest.h>

#include <cstring>
#include <sys/socket.h>
#include <unistd.h>

#include "shm/Memfd.h"
#include "wire/FrameReader.h"
#include "wire/Message.h"

using namespace rendersock;
using wire::FrameReader;

namespace {

// Feeds `bytes` the way a transport does: read what fits, then pull every
// complete frame, then read again.
template <typename OnFrame>
void feed(FrameReader& reader, std::span<const std::byte> bytes, OnFrame on_frame) {
    while (!bytes.empty()) {
        auto room = reader.writable();
        REQUIRE(!room.empty());
        const size_t n = std::min(room.size(), bytes.size());
        std::memcpy(room.data(), bytes.data(), n);
        reader.commit(n);
        bytes = bytes.subspan(n);
        wire::Frame frame;
        while (reader.next(frame) == FrameReader::Status::Complete) on_frame(frame);
    }
}

void feed(FrameReader& reader, std::span<const std::byte> bytes) {
    while (!bytes.empty()) {
        auto room = reader.writable();
        REQUIRE(!room.empty());
        const size_t n = std::min(room.size(), bytes.size());
        std::memcpy(room.data(), bytes.data(), n);
        reader.commit(n);
        bytes = bytes.subspan(n);
    }
}

wire::OutgoingFrame ping_frame(uint32_t serial, size_t payload_size = 0) {
    std::vector<std::byte> payload(payload_size);
    for (size_t i = 0; i < payload_size; ++i) payload[i] = static_cast<std::byte>(i * 13);
    wire::MessageBuilder builder;
    return builder.frame(serial, wire::fb::CreatePing(builder.fbb(), serial), payload);
}

std::vector<std::byte> preamble() {
    auto bytes = std::as_bytes(std::span(wire::kPreamble));
    return {bytes.begin(), bytes.end()};
}

}  // namespace

TEST_CASE("frames arrive whole whatever the read boundaries") {
    std::vector<std::byte> stream = preamble();
    for (uint32_t serial = 1; serial <= 50; ++serial) {
        auto frame = ping_frame(serial, serial * 37);
        stream.insert(stream.end(), frame.bytes.begin(), frame.bytes.end());
    }
    for (size_t chunk : {1u, 7u, 64u, 4096u}) {
        CAPTURE(chunk);
        FrameReader reader({}, true, 1024);
        uint32_t expected = 1;
        for (size_t offset = 0; offset < stream.size(); offset += chunk) {
            feed(reader, std::span(stream).subspan(offset, std::min(chunk, stream.size() - offset)),
                 [&](const wire::Frame& frame) {
                     const auto* message = wire::verify_message(frame.control);
                     REQUIRE(message);
                     CHECK(message->serial() == expected);
                     REQUIRE(frame.payload.size() == expected * 37);
                     for (size_t i = 0; i < frame.payload.size(); ++i)
                         REQUIRE(frame.payload[i] == static_cast<std::byte>((i * 13) & 0xff));
                     ++expected;
                 });
        }
        CHECK(expected == 51);
    }
}

TEST_CASE("payloads larger than the staging buffer are read straight into place") {
    FrameReader reader({}, false, 4096);
    auto frame_bytes = ping_frame(9, 1 << 20).bytes;
    int frames = 0;
    feed(reader, frame_bytes, [&](const wire::Frame& frame) {
        ++frames;
        CHECK(frame.payload.size() == 1 << 20);
        CHECK(frame.payload[12345] == static_cast<std::byte>((12345 * 13) & 0xff));
        CHECK(wire::verify_message(frame.control)->serial() == 9);
    });
    CHECK(frames == 1);
}

TEST_CASE("limits are enforced on the header, before allocation") {
    wire::FrameLimits limits;
    limits.max_payload_bytes = 1000;
    SUBCASE("payload") {
        FrameReader reader(limits);
        feed(reader, ping_frame(1, 1001).bytes);
        wire::Frame frame;
        CHECK(reader.next(frame) == FrameReader::Status::Error);
        CHECK(reader.error().find("exceeds the limit") != std::string::npos);
        CHECK(reader.next(frame) == FrameReader::Status::Error);  // sticky
    }
    SUBCASE("control, fds, reserved, empty control") {
        for (auto header : {wire::FrameHeader{1 << 20, 0, 0, 0}, wire::FrameHeader{16, 0, 99, 0},
                            wire::FrameHeader{16, 0, 0, 1}, wire::FrameHeader{0, 0, 0, 0}}) {
            FrameReader reader(limits);
            feed(reader, std::as_bytes(std::span(&header, 1)));
            wire::Frame frame;
            CHECK(reader.next(frame) == FrameReader::Status::Error);
        }
    }
}

TEST_CASE("the preamble tells rendersock, upstream vtest and garbage apart") {
    wire::Frame frame;
    FrameReader vtest({}, true);
    const uint32_t create_renderer[] = {4, 8};
    feed(vtest, std::as_bytes(std::span(create_renderer)));
    CHECK(vtest.next(frame) == FrameReader::Status::Error);
    CHECK(vtest.error().find("upstream vtest") != std::string::npos);

    FrameReader garbage({}, true);
    const char text[] = "GET / HTTP/1.1";
    feed(garbage, std::as_bytes(std::span(text)));
    CHECK(garbage.next(frame) == FrameReader::Status::Error);
    CHECK(garbage.error().find("not a rendersock client") != std::string::npos);

    FrameReader partial({}, true);
    const auto bytes = preamble();
    feed(partial, std::span(bytes).first(5));
    CHECK(partial.next(frame) == FrameReader::Status::NeedMore);
}

TEST_CASE("fds travel with their frame and a frame that promises missing fds is an error") {
    FrameReader reader({});
    wire::MessageBuilder builder;
    std::vector<shm::UniqueFd> fds;
    fds.push_back(shm::create_sealed_memfd("a", 4096));
    auto frame_bytes = builder.frame(3, wire::fb::CreatePing(builder.fbb(), 3), {}, std::move(fds));
    feed(reader, frame_bytes.bytes);
    std::vector<shm::UniqueFd> arrived;
    arrived.push_back(shm::create_sealed_memfd("b", 8192));
    reader.add_fds(arrived);
    wire::Frame frame;
    REQUIRE(reader.next(frame) == FrameReader::Status::Complete);
    REQUIRE(frame.fds.size() == 1);
    CHECK(shm::sealed_memfd_size(frame.fds[0].get()) == 8192);

    FrameReader missing({});
    feed(missing, frame_bytes.bytes);
    CHECK(missing.next(frame) == FrameReader::Status::Error);
    CHECK(missing.error().find("fds") != std::string::npos);
}

TEST_CASE("the verifier rejects bytes that are not a Message") {
    std::vector<std::byte> garbage(64, std::byte{0xa5});
    CHECK(wire::verify_message(garbage) == nullptr);
    CHECK(wire::verify_message({}) == nullptr);
    auto frame = ping_frame(1);
    std::span<const std::byte> control(frame.bytes.data() + sizeof(wire::FrameHeader),
                                       frame.bytes.size() - sizeof(wire::FrameHeader));
    CHECK(wire::verify_message(control) != nullptr);
    // Every truncation of a valid message is refused, none crashes.
    for (size_t length = 0; length < control.size(); ++length)
        CHECK(wire::verify_message(control.first(length)) == nullptr);
    // Flipping any single byte never crashes the verifier.
    std::vector<std::byte> copy(control.begin(), control.end());
    for (size_t i = 0; i < copy.size(); ++i) {
        copy[i] ^= std::byte{0xff};
        (void)wire::verify_message(copy);
        copy[i] ^= std::byte{0xff};
    }
}
