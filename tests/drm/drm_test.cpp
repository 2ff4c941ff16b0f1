// The DRM context against a real render node (run inside the test VM, see
// tests/drm/vm_session.sh): buffers of every offered format written through
// one mapping and read through another, timelines signalled in and out of
// order, sync_file export and import, and what the server must refuse
// (unknown formats, foreign and stale ids, bad sizes, points that never
// come) with the context and the server going on.
//
// usage: drm_test ADDRESS [--tcp]   (--tcp: fds do not travel)
#include <GLES2/gl2.h>
#include <drm_fourcc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "GlOps.h"
#include "tests/drm/GlReadback.h"
#include "tests/support/GlStreamBuilder.h"
#include "wire/client/Context.h"
#include "wire/client/DrmContext.h"

namespace {

using namespace rendersock;
namespace dw = wire::drm;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

int failures = 0;

bool check(bool condition, const std::string& name, const std::string& detail = {}) {
    std::printf("%-64s %s%s%s\n", name.c_str(), condition ? "ok" : "FAILED", detail.empty() ? "" : "  ",
                detail.c_str());
    std::fflush(stdout);
    if (!condition) ++failures;
    return condition;
}

std::string fourcc(uint32_t format) {
    std::string name;
    for (int shift = 0; shift < 32; shift += 8) name += static_cast<char>((format >> shift) & 0xff);
    return name;
}

std::unique_ptr<client::Connection> connect_to(const std::string& address) {
    client::ConnectOptions options;
    options.address = address;
    options.client_name = "drm_test";
    return client::Connection::connect(options);
}

// The error a command got, or 0.
template <typename Call>
int error_of(Call call, std::string* message = nullptr) {
    if (message) message->clear();
    try {
        call();
    } catch (const client::DrmError& e) {
        if (message) *message = e.what();
        return e.error();
    }
    return 0;
}

double elapsed_ms(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Where each of R, G, B, A lives in a pixel's 4 bytes, for the formats GL
// reads here; alpha -1 means "X": GL reads it as opaque.
struct ChannelBytes {
    uint32_t format;
    int r, g, b, a;
};
constexpr ChannelBytes kGlReadable[] = {
    {DRM_FORMAT_XRGB8888, 2, 1, 0, -1},
    {DRM_FORMAT_ARGB8888, 2, 1, 0, 3},
    {DRM_FORMAT_XBGR8888, 0, 1, 2, -1},
    {DRM_FORMAT_ABGR8888, 0, 1, 2, 3},
};

// GL (EGL on GBM on the server's node, in this VM) reads what the client
// wrote through its mapping, pixel for pixel.
void check_through_gl(testing::GlReadback& gl, client::Blob& mapping, const dw::DrmBufferAnswer& buffer,
                      uint32_t format, uint32_t width, uint32_t height, const std::string& name) {
    const ChannelBytes* layout = nullptr;
    for (const auto& entry : kGlReadable)
        if (entry.format == format) layout = &entry;
    if (!layout) return;
    std::string why;
    auto pixels = gl.read(mapping.fd(), width, height, format, buffer.stride, buffer.offset, why);
    if (!check(pixels.has_value(), name + ": GL imports the dma-buf", why)) return;
    size_t mismatches = 0;
    for (uint32_t y = 0; y < height; ++y) {
        for (uint32_t x = 0; x < width; ++x) {
            const auto* in = reinterpret_cast<const uint8_t*>(mapping.data()) + buffer.offset +
                             size_t{y} * buffer.stride + size_t{x} * 4;
            const uint8_t* out = pixels->data() + (size_t{y} * width + x) * 4;
            const uint8_t alpha = layout->a < 0 ? 255 : in[layout->a];
            if (out[0] != in[layout->r] || out[1] != in[layout->g] || out[2] != in[layout->b] || out[3] != alpha)
                ++mismatches;
        }
    }
    check(mismatches == 0, name + ": GL reads every pixel the mapping wrote",
          std::to_string(mismatches) + " of " + std::to_string(width * height) + " differ");
}

// Pixels of a GL-readable format as GL_RGBA bytes would show them.
std::vector<uint8_t> expected_rgba(const std::byte* mapped, const dw::DrmBufferAnswer& buffer,
                                   const ChannelBytes& layout, uint32_t width, uint32_t height) {
    std::vector<uint8_t> rgba(size_t{width} * height * 4);
    for (uint32_t y = 0; y < height; ++y) {
        for (uint32_t x = 0; x < width; ++x) {
            const auto* in = reinterpret_cast<const uint8_t*>(mapped) + buffer.offset +
                             size_t{y} * buffer.stride + size_t{x} * 4;
            uint8_t* out = rgba.data() + (size_t{y} * width + x) * 4;
            out[0] = in[layout.r];
            out[1] = in[layout.g];
            out[2] = in[layout.b];
            out[3] = layout.a < 0 ? 255 : in[layout.a];
        }
    }
    return rgba;
}

// The answer of a stream's last command: its value slot.
int64_t last_value(const client::Reply& reply) {
    int64_t value = -1;
    const auto& payload = reply.frame.payload;
    if (payload.size() >= 8) std::memcpy(&value, payload.data() + payload.size() - 8, 8);
    return value;
}

// A DRM buffer shared with the same client's virgl context: attached, made
// a texture's storage on the server (an EGLImage of the dma-buf, no copy),
// and read back by the host's GL through a framebuffer: the pixels the
// client wrote through its mapping. A Venus context refuses it with the
// reason (lavapipe has no VK_EXT_external_memory_dma_buf).
void shared_with_other_contexts(client::Connection& connection, client::DrmContext& drm) {
    namespace gl = wire::gl;
    const ChannelBytes* layout = nullptr;
    uint64_t modifier = DRM_FORMAT_MOD_INVALID;
    for (const auto& entry : drm.formats())
        for (const auto& readable : kGlReadable)
            if (!layout && entry.format == readable.format) {
                layout = &readable;
                modifier = entry.modifier;
            }
    if (!check(layout != nullptr, "sharing: a format GL can read is offered")) return;
    const uint32_t width = 96, height = 40;
    const auto buffer = drm.create_buffer(width, height, layout->format, modifier, 0);
    auto mapping = drm.map_buffer(buffer);
    for (uint64_t i = 0; i < buffer.size; ++i) mapping->data()[i] = static_cast<std::byte>((i * 7 + 3) & 0xff);
    mapping->flush(0, buffer.size);
    const std::string name = "sharing " + fourcc(layout->format) + " " + std::to_string(width) + "x" +
                             std::to_string(height);

    if (connection.offers(wire::fb::CapsetType::Venus)) {
        client::Context venus(connection, wire::fb::CapsetType::Venus, 1);
        std::string why;
        bool refused = false;
        try {
            mapping->attach(venus);
        } catch (const client::RemoteError& e) {
            refused = e.code() == wire::fb::ErrorCode::Unsupported;
            why = e.what();
        }
        check(refused && why.find("VK_EXT_external_memory_dma_buf") != std::string::npos,
              name + ": a Venus context on lavapipe refuses it, naming the extension", why);
    }

    if (!check(connection.offers(wire::fb::CapsetType::Virgl), name + ": the server offers virgl")) return;
    client::Context virgl(connection, wire::fb::CapsetType::Virgl, 1);
    std::string why;
    try {
        mapping->attach(virgl);
    } catch (const std::exception& e) {
        why = e.what();
    }
    if (!why.empty()) {
        // A host whose EGL reads the node's buffers wrong (kms_swrast on
        // virtio-gpu's render node reads zeros) refuses at attach, saying so
        // (server/virgl/DmaBufProbe.h). vgem's buffers are read right.
        const bool probe_refused = why.find("reads other bytes than they hold") != std::string::npos ||
                                   why.find("cannot read one back") != std::string::npos;
        check(probe_refused && std::strcmp(drm.device().driver, "vgem") != 0,
              name + ": the host's GL cannot read it, and the attach is refused saying why", why);
        return;
    }
    testing::GlStreamBuilder stream = testing::GlStreamBuilder::context_prologue();
    stream.command(gl::kOp_glBindTexture).value(GL_TEXTURE_2D).value(1);
    stream.command(gl::kOpImageFromBlob).value(mapping->id()).value(width).value(height).value(layout->format)
        .value(buffer.offset).value(buffer.stride).value(modifier);
    const int64_t imported = last_value(virgl.submit_and_wait(0, stream.done()));
    if (!check(imported == 0, name + ": the server's GL makes it a texture", "EGL error " + std::to_string(imported)))
        return;
    testing::GlStreamBuilder read;
    read.command(gl::kOp_glBindFramebuffer).value(GL_FRAMEBUFFER).value(1);
    read.command(gl::kOp_glFramebufferTexture2D).value(GL_FRAMEBUFFER).value(GL_COLOR_ATTACHMENT0)
        .value(GL_TEXTURE_2D).value(1).value(0);
    read.command(gl::kOp_glReadPixels).value(0).value(0).value(width).value(height).value(GL_RGBA)
        .value(GL_UNSIGNED_BYTE).capacity(size_t{width} * height * 4);
    const client::Reply reply = virgl.submit_and_wait(0, read.done());
    uint64_t count = 0;
    const auto& payload = reply.frame.payload;
    if (payload.size() >= 8) std::memcpy(&count, payload.data(), 8);
    const auto expected = expected_rgba(mapping->data(), buffer, *layout, width, height);
    if (!check(count == expected.size() && payload.size() >= 8 + count,
               name + ": glReadPixels answers the whole image", std::to_string(count) + " bytes"))
        return;
    size_t mismatches = 0;
    std::string first;
    for (size_t i = 0; i < expected.size(); i += 4) {
        if (std::memcmp(expected.data() + i, payload.data() + 8 + i, 4) == 0) continue;
        if (mismatches++ == 0) {
            const auto* got = reinterpret_cast<const uint8_t*>(payload.data() + 8 + i);
            char text[96];
            std::snprintf(text, sizeof(text), "; first at pixel %zu: %02x%02x%02x%02x, expected %02x%02x%02x%02x",
                          i / 4, got[0], got[1], got[2], got[3], expected[i], expected[i + 1], expected[i + 2],
                          expected[i + 3]);
            first = text;
        }
    }
    const std::string detail = std::to_string(mismatches) + " of " + std::to_string(width * height) + " differ" + first;
    check(mismatches == 0, name + ": the server's GL reads every pixel the client wrote", detail);

    // The op refuses what is not a DRM buffer of this context, and a layout
    // larger than the buffer, by ending the context.
    client::Context other(connection, wire::fb::CapsetType::Virgl, 1);
    testing::GlStreamBuilder too_big = testing::GlStreamBuilder::context_prologue();
    too_big.command(gl::kOp_glBindTexture).value(GL_TEXTURE_2D).value(1);
    too_big.command(gl::kOpImageFromBlob).value(mapping->id()).value(width).value(height * 4)
        .value(layout->format).value(buffer.offset).value(buffer.stride).value(modifier);
    bool lost = false;
    try {
        other.submit_and_wait(0, too_big.done());
    } catch (const client::RemoteError& e) {
        lost = true;
        why = e.what();
    }
    check(lost, name + ": a blob not attached to the context is refused", why);
    drm.destroy_buffer(buffer.id);
}

void buffers_of_every_format(client::DrmContext& drm, testing::GlReadback* gl) {
    const auto formats = drm.formats();
    check(!formats.empty(), "QueryFormats lists formats", std::to_string(formats.size()) + " entries");
    const uint32_t sizes[][2] = {{64, 64}, {333, 17}};
    for (const auto& entry : formats) {
        for (const auto& size : sizes) {
            const std::string name = "buffer " + fourcc(entry.format) + " " + std::to_string(size[0]) + "x" +
                                     std::to_string(size[1]) +
                                     (entry.modifier == DRM_FORMAT_MOD_LINEAR ? " linear" : " implicit");
            dw::DrmBufferAnswer buffer{};
            std::string why;
            const int error = error_of(
                [&] { buffer = drm.create_buffer(size[0], size[1], entry.format, entry.modifier, 0); }, &why);
            if (!check(error == 0, name + ": create", why)) continue;
            auto writer = drm.map_buffer(buffer);
            auto reader = drm.map_buffer(buffer);
            for (uint64_t i = 0; i < buffer.size; ++i)
                writer->data()[i] = static_cast<std::byte>((i * 131 + entry.format) & 0xff);
            writer->flush(0, buffer.size);
            reader->invalidate(0, buffer.size);
            check(std::memcmp(writer->data(), reader->data(), buffer.size) == 0,
                  name + ": second mapping reads the first's writes",
                  std::to_string(buffer.size) + " bytes, stride " + std::to_string(buffer.stride));
            if (gl && writer->is_shared()) check_through_gl(*gl, *writer, buffer, entry.format, size[0], size[1], name);
            writer.reset();
            reader.reset();
            drm.destroy_buffer(buffer.id);
        }
    }
}

void mapping_outlives_buffer(client::DrmContext& drm, bool shared) {
    const auto buffer = drm.create_buffer(64, 64, DRM_FORMAT_XRGB8888, DRM_FORMAT_MOD_INVALID, 0);
    auto mapping = drm.map_buffer(buffer);
    std::memset(mapping->data(), 0x7e, buffer.size);
    mapping->flush(0, buffer.size);
    drm.destroy_buffer(buffer.id);
    // The blob holds the dma-buf, so its memory stays.
    mapping->invalidate(0, buffer.size);
    check(mapping->data()[buffer.size - 1] == std::byte{0x7e}, "a mapping outlives its destroyed buffer");
    check(mapping->is_shared() == shared, shared ? "the mapping is the dma-buf itself (Unix)"
                                                 : "the mapping is a mirror (TCP)");
}

void timelines(client::DrmContext& drm) {
    if (!(drm.device().caps & dw::kCapSyncobjTimeline)) {
        check(false, "the device has timeline syncobjs");
        return;
    }
    const uint32_t a = drm.create_syncobj();
    const uint32_t b = drm.create_syncobj();
    drm.signal(a, 1);
    drm.signal(a, 3);  // 2 skipped: waiting for 2 is satisfied by 3
    check(drm.query(a) == 3, "timeline: signal 1 then 3, query says 3", std::to_string(drm.query(a)));
    const dw::DrmSyncobjPoint two{a, 0, 2};
    check(drm.wait({&two, 1}, milliseconds(100)).has_value(), "timeline: point 2 counts as signalled by 3");
    // Out of order across two timelines: b's later point first, then a's.
    drm.signal(b, 10);
    drm.signal(a, 4);
    const dw::DrmSyncobjPoint both[] = {{a, 0, 4}, {b, 0, 10}};
    check(drm.wait(both, milliseconds(100), dw::kWaitAll).has_value(), "timeline: wait-all on a:4 and b:10");
    const dw::DrmSyncobjPoint any[] = {{a, 0, 50}, {b, 0, 9}};
    auto first = drm.wait(any, milliseconds(100), dw::kWaitForSubmit);
    check(first && *first == 1, "timeline: wait-any picks the signalled point", first ? std::to_string(*first) : "none");
    // A point that never comes: the timeout is honoured, the context goes on.
    const dw::DrmSyncobjPoint never{a, 0, 1000};
    auto start = Clock::now();
    const bool timed_out = !drm.wait({&never, 1}, milliseconds(300), dw::kWaitForSubmit).has_value();
    const double waited = elapsed_ms(start);
    check(timed_out && waited >= 290 && waited < 1500, "timeline: a point that never comes times out on time",
          std::to_string(static_cast<int>(waited)) + " ms for 300");
    // Longer than the server's cap of one wait: the client waits in slices.
    start = Clock::now();
    const bool long_timed_out = !drm.wait({&never, 1}, milliseconds(5600), dw::kWaitForSubmit).has_value();
    const double long_waited = elapsed_ms(start);
    check(long_timed_out && long_waited >= 5590 && long_waited < 7500,
          "timeline: a wait longer than the server's cap, in slices",
          std::to_string(static_cast<int>(long_waited)) + " ms for 5600");
    std::string why;
    check(error_of([&] { drm.wait({&never, 1}, milliseconds(10), 0); }, &why) == -EINVAL,
          "timeline: waiting for an unsubmitted point without wait-for-submit is refused", why);
    drm.reset(b);
    check(drm.query(b) == 0, "syncobj reset: query says 0");
    drm.destroy_syncobj(a);
    drm.destroy_syncobj(b);
}

// Syncobj points bound to the context's ring timelines: a ring's fence waits
// for a point signalled later; a signal bound behind it follows it.
void ring_bindings(client::DrmContext& drm) {
    client::Context& context = drm.context();
    const uint32_t gate = drm.create_syncobj();
    const uint32_t after = drm.create_syncobj();
    context.create_fence(1, 1);  // before any wait: signals at once
    check(context.wait_fence(1, 1, milliseconds(2000)), "rings: a fence with nothing before it signals");
    drm.ring_wait(1, gate, 5);
    context.create_fence(1, 2);
    drm.ring_signal(1, after, 2);
    context.create_fence(0, 1);  // another ring is not held
    check(context.wait_fence(0, 1, milliseconds(2000)), "rings: ring 0 goes on while ring 1 waits");
    check(!context.wait_fence(1, 2, milliseconds(200)), "rings: a fence behind an unsignalled point waits");
    check(drm.query(after) == 0, "rings: a signal behind the wait has not happened");
    drm.signal(gate, 5);
    check(context.wait_fence(1, 2, milliseconds(2000)), "rings: the fence signals once the point does");
    const auto start = Clock::now();
    uint64_t point = 0;
    while ((point = drm.query(after)) != 2 && elapsed_ms(start) < 2000) {
    }
    check(point == 2, "rings: the bound signal followed", "point " + std::to_string(point));
    std::string why;
    check(error_of([&] { drm.ring_wait(7, gate, 1); }, &why) == -EINVAL, "rings: a ring the context lacks is refused",
          why);
    check(error_of([&] { drm.ring_wait(1, 4242, 1); }, &why) == -ENOENT, "rings: a syncobj never made is refused",
          why);
    // A wait left pending when the context goes away must not outlive it.
    drm.ring_wait(1, gate, 99);
    context.create_fence(1, 3);
    drm.destroy_syncobj(gate);
    drm.destroy_syncobj(after);
}

void sync_files(client::DrmContext& drm) {
    const uint32_t timeline = drm.create_syncobj();
    drm.signal(timeline, 7);
    shm::UniqueFd exported = drm.export_sync_file(timeline, 7);
    check(static_cast<bool>(exported), "sync_file: export timeline point 7");
    const uint32_t binary = drm.create_syncobj();
    drm.import_sync_file(binary, exported.get());
    const dw::DrmSyncobjPoint binary_point{binary, 0, 0};
    check(drm.wait({&binary_point, 1}, milliseconds(100)).has_value(), "sync_file: import into a binary syncobj, wait");
    const uint32_t other = drm.create_syncobj();
    drm.import_sync_file(other, exported.get(), 12);
    check(drm.query(other) == 12, "sync_file: import as timeline point 12, query", std::to_string(drm.query(other)));
    std::string why;
    check(error_of([&] { drm.export_sync_file(timeline, 99); }, &why) != 0,
          "sync_file: exporting a point with no fence is refused", why);
    // Not a sync_file: a memfd.
    const int memfd = memfd_create("not-a-sync-file", MFD_CLOEXEC);
    check(error_of([&] { drm.import_sync_file(binary, memfd); }, &why) != 0,
          "sync_file: importing a memfd as a sync_file is refused", why);
    ::close(memfd);
    drm.destroy_syncobj(timeline);
    drm.destroy_syncobj(binary);
    drm.destroy_syncobj(other);
}

void dmabuf_import(client::DrmContext& drm) {
    // A dma-buf of ours: the server's own buffer, mapped as a blob, is one.
    const auto buffer = drm.create_buffer(32, 32, DRM_FORMAT_XRGB8888, DRM_FORMAT_MOD_INVALID, 0);
    auto mapping = drm.map_buffer(buffer);
    std::memset(mapping->data(), 0x42, buffer.size);
    std::string why;
    check(error_of([&] { drm.import_buffer(mapping->fd(), buffer.size); }, &why) == -EEXIST,
          "import: a dma-buf the context already holds is refused", why);
    const int memfd = memfd_create("not-a-dma-buf", MFD_CLOEXEC);
    check(ftruncate(memfd, 4096) == 0 &&
              error_of([&] { drm.import_buffer(memfd, 4096); }, &why) != 0,
          "import: a memfd is not a dma-buf", why);
    ::close(memfd);
    drm.destroy_buffer(buffer.id);
    // Once the buffer is gone, the same dma-buf imports as a new buffer.
    dw::DrmBufferAnswer imported{};
    check(error_of([&] { imported = drm.import_buffer(mapping->fd(), buffer.size); }, &why) == 0,
          "import: a client's dma-buf becomes a buffer", why);
    if (imported.id) {
        auto again = drm.map_buffer(imported);
        check(again->data()[100] == std::byte{0x42}, "import: its blob maps the same memory");
        again.reset();
        // (Destroyed first: while it is held, a second import is refused as
        // a duplicate before its size is looked at.)
        drm.destroy_buffer(imported.id);
        check(error_of([&] { drm.import_buffer(mapping->fd(), buffer.size * 4); }, &why) == -EINVAL,
              "import: more bytes than the dma-buf holds is refused", why);
    }
}

void refusals(client::DrmContext& drm) {
    std::string why;
    check(error_of([&] { drm.create_buffer(64, 64, fourcc_code('N', 'O', 'P', 'E'), DRM_FORMAT_MOD_INVALID, 0); },
                   &why) == -EINVAL,
          "refused: an unknown format", why);
    check(error_of([&] { drm.create_buffer(0, 64, DRM_FORMAT_XRGB8888, DRM_FORMAT_MOD_INVALID, 0); }, &why) == -EINVAL,
          "refused: a zero width", why);
    check(error_of([&] { drm.create_buffer(70000, 64, DRM_FORMAT_XRGB8888, DRM_FORMAT_MOD_INVALID, 0); }, &why) ==
              -EINVAL,
          "refused: a width over the maximum", why);
    check(error_of([&] { drm.destroy_buffer(4242); }, &why) == -ENOENT, "refused: a buffer id never made", why);
    const auto buffer = drm.create_buffer(16, 16, DRM_FORMAT_XRGB8888, DRM_FORMAT_MOD_INVALID, 0);
    drm.destroy_buffer(buffer.id);
    check(error_of([&] { drm.destroy_buffer(buffer.id); }, &why) == -ENOENT, "refused: a stale buffer id", why);
    bool blob_refused = false;
    try {
        drm.map_buffer(buffer);
    } catch (const client::RemoteError& e) {
        blob_refused = e.code() == wire::fb::ErrorCode::OutOfRange;
        why = e.what();
    }
    check(blob_refused, "refused: a blob over a destroyed buffer", why);
    if (!(drm.device().caps & dw::kCapSyncobj)) return;
    const uint32_t syncobj = drm.create_syncobj();
    drm.destroy_syncobj(syncobj);
    check(error_of([&] { drm.signal(syncobj, 1); }, &why) == -ENOENT, "refused: a stale syncobj id", why);
    const dw::DrmSyncobjPoint foreign{9999, 0, 1};
    check(error_of([&] { drm.wait({&foreign, 1}, milliseconds(10)); }, &why) == -ENOENT,
          "refused: waiting on a syncobj id never made", why);
}

// Malformed streams end the context, not the connection or the server.
void malformed_streams(const std::string& address) {
    auto connection = connect_to(address);
    client::DrmContext drm(*connection);
    bool lost = false;
    std::string why;
    try {
        const std::byte short_body[3]{};
        drm.run(dw::DrmOp::CreateBuffer, short_body);
    } catch (const client::RemoteError& e) {
        lost = e.code() == wire::fb::ErrorCode::ContextLost;
        why = e.what();
    }
    check(lost, "malformed: a body of the wrong size ends the context", why);
    connection->ping();
    client::DrmContext fresh(*connection);
    bool serving = true;
    try {
        fresh.formats();
    } catch (const std::exception&) {
        serving = false;
    }
    check(serving, "malformed: the same connection makes a new DRM context");
    lost = false;
    try {
        fresh.run(static_cast<dw::DrmOp>(77), {});
    } catch (const client::RemoteError& e) {
        lost = e.code() == wire::fb::ErrorCode::ContextLost;
        why = e.what();
    }
    check(lost, "malformed: an unknown op ends the context", why);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: drm_test ADDRESS [--tcp]\n");
        return 2;
    }
    const std::string address = argv[1];
    const bool tcp = argc > 2 && std::strcmp(argv[2], "--tcp") == 0;
    try {
        auto connection = connect_to(address);
        client::DrmContext drm(*connection, 2);
        const auto& device = drm.device();
        std::printf("device: %s on %s, caps 0x%x\n", device.driver, device.node, device.caps);
        const bool allocates = !drm.formats().empty();
        std::unique_ptr<testing::GlReadback> gl;
        if (!tcp && (device.caps & dw::kCapGbm)) {
            std::string why;
            gl = testing::GlReadback::open(device.node, why);
            check(gl != nullptr, "EGL on GBM on the same node, to read buffers through GL", why);
        }
        if (allocates) {
            buffers_of_every_format(drm, gl.get());
            mapping_outlives_buffer(drm, !tcp);
        } else {
            // Render nodes refuse dumb buffers and Mesa has no GBM backend
            // for these drivers: the node can only do syncobjs.
            std::string why;
            check(error_of([&] { drm.create_buffer(64, 64, DRM_FORMAT_XRGB8888, DRM_FORMAT_MOD_INVALID, 0); },
                           &why) == -EINVAL,
                  "a node that cannot allocate refuses buffers, clearly", why);
        }
        const bool syncobjs = (device.caps & dw::kCapSyncobj) != 0;
        if (!syncobjs) {
            std::string why;
            check(error_of([&] { drm.create_syncobj(); }, &why) == -EOPNOTSUPP,
                  "no syncobjs on this driver: creating one is refused, clearly", why);
        }
        if (syncobjs) timelines(drm);
        if (device.caps & dw::kCapSyncobjTimeline) ring_bindings(drm);
        if (!syncobjs) {
            // nothing more to do with syncobjs
        } else if (tcp) {
            const uint32_t syncobj = drm.create_syncobj(true);
            std::string why;
            check(error_of([&] { drm.export_sync_file(syncobj, 0); }, &why) == -EOPNOTSUPP,
                  "TCP: sync_file export is refused, clearly", why);
        } else {
            sync_files(drm);
        }
        if (!tcp && allocates) dmabuf_import(drm);
        if (!tcp && allocates) shared_with_other_contexts(*connection, drm);
        if (allocates) refusals(drm);
        malformed_streams(address);
        bool serving = true;
        try {
            drm.formats();
        } catch (const std::exception&) {
            serving = false;
        }
        check(serving, "the first context still serves after all of it");
    } catch (const std::exception& e) {
        std::printf("drm_test: %s\n", e.what());
        return 1;
    }
    std::printf("%s\n", failures ? "SOME CHECKS FAILED" : "all checks passed");
    return failures ? 1 : 0;
}
