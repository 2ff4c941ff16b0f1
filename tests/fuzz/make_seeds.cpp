// make_seeds OUT_DIR [SHADER.spv]: seed corpora for the fuzz targets, built
// from realistic sessions with the real encoders: a Vulkan application's
// Venus stream (wire/venus/Encoder), a client's control frames
// (wire::MessageBuilder), and stream-ring pages written by a real
// RingProducer (write_stream_ring_entries, with continuation entries).
#include <sys/stat.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "shm/Doorbell.h"
#include "shm/Mapping.h"
#include "shm/Memfd.h"
#include "shm/Ring.h"
#include "tests/fuzz/FuzzSupport.h"
#include "wire/Frame.h"
#include "wire/StreamRingEntry.h"
#include "wire/venus/VenusStream.h"
#include "GlOps.h"
#include "wire/drm/DrmWire.h"
#include "tests/support/GlStreamBuilder.h"

using namespace rendersock;
namespace fs = std::filesystem;
namespace fb = wire::fb;

namespace {

void write_seed(const fs::path& dir, const std::string& name, const std::vector<std::byte>& bytes) {
    fs::create_directories(dir);
    std::ofstream out(dir / name, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

std::vector<std::byte> join(const std::vector<std::vector<std::byte>>& commands, size_t count) {
    std::vector<std::byte> out;
    for (size_t i = 0; i < count && i < commands.size(); ++i) fuzz::append(out, commands[i]);
    return out;
}

// The control frames of a client session that uses a Venus context.
std::vector<std::byte> session_frames(const std::vector<std::byte>& venus_stream, bool full) {
    std::vector<std::byte> out;
    uint32_t serial = 2;
    auto add = [&](wire::OutgoingFrame frame) { fuzz::append(out, frame.bytes); };
    {
        wire::MessageBuilder b;
        add(b.frame(serial++, fb::CreatePing(b.fbb(), 42)));
    }
    {
        wire::MessageBuilder b;
        add(b.frame(serial++, fb::CreateCapsetQuery(b.fbb(), fb::CapsetType::Venus, 0)));
    }
    {
        wire::MessageBuilder b;
        auto& fbb = b.fbb();
        add(b.frame(serial++, fb::CreateContextCreate(fbb, 1, fb::CapsetType::Venus, 2,
                                                      fbb.CreateString("seed"))));
    }
    {
        wire::MessageBuilder b;
        add(b.frame(serial++, fb::CreateSubmit(b.fbb(), 1, 0, true), venus_stream));
    }
    if (!full) return out;
    {
        wire::MessageBuilder b;
        add(b.frame(serial++, fb::CreateFenceCreate(b.fbb(), 1, 0, 1)));
    }
    {
        wire::MessageBuilder b;
        add(b.frame(serial++, fb::CreateFenceWait(b.fbb(), 1, 0, 1, 1000)));
    }
    {
        wire::MessageBuilder b;
        add(b.frame(serial++, fb::CreateFenceWait(b.fbb(), 1, 1, 5, 0)));
    }
    {
        wire::MessageBuilder b;
        add(b.frame(serial++, fb::CreateBlobCreate(b.fbb(), 1, 7, 65536,
                                                   static_cast<uint32_t>(fb::BlobFlags::Mappable) |
                                                       static_cast<uint32_t>(fb::BlobFlags::Shareable),
                                                   0)));
    }
    {
        std::vector<std::byte> bytes(256, std::byte{0x5a});
        wire::MessageBuilder b;
        add(b.frame(serial++, fb::CreateBlobTransfer(b.fbb(), 7, 128, 256, fb::TransferDirection::ToHost),
                    bytes));
    }
    {
        wire::MessageBuilder b;
        add(b.frame(serial++,
                    fb::CreateBlobTransfer(b.fbb(), 7, 0, 512, fb::TransferDirection::FromHost)));
    }
    {
        wire::MessageBuilder b;
        auto& fbb = b.fbb();
        add(b.frame(serial++, fb::CreateContextCreate(fbb, 2, fb::CapsetType::Venus, 1,
                                                      fbb.CreateString("second"))));
    }
    {
        wire::MessageBuilder b;
        add(b.frame(serial++, fb::CreateBlobAttach(b.fbb(), 7, 2)));
    }
    {
        wire::MessageBuilder b;
        add(b.frame(serial++, fb::CreateBlobExport(b.fbb(), 7)));
    }
    {
        wire::MessageBuilder b;
        add(b.frame(serial++, fb::CreateStreamRingCreate(b.fbb(), 1, 65536)));
    }
    {
        wire::MessageBuilder b;
        add(b.frame(serial++, fb::CreateSubmit(b.fbb(), 2, 0, false), fuzz::create_instance_stream()));
    }
    {
        wire::MessageBuilder b;
        add(b.frame(serial++, fb::CreateBlobDestroy(b.fbb(), 7)));
    }
    {
        wire::MessageBuilder b;
        add(b.frame(serial++, fb::CreateContextDestroy(b.fbb(), 2)));
    }
    {
        wire::MessageBuilder b;
        add(b.frame(serial++, fb::CreateContextDestroy(b.fbb(), 1)));
    }
    return out;
}

// A ring page as a real producer leaves it, in fuzz_ring's input format.
std::vector<std::byte> ring_seed(const std::vector<std::pair<uint32_t, std::vector<std::byte>>>& streams,
                                 uint8_t flags, uint8_t limit, size_t capacity_for_split) {
    constexpr size_t kCapacity = 64 * 1024;
    auto fd = shm::create_sealed_memfd("seed-ring", shm::Ring::bytes_for(kCapacity));
    auto view = shm::Mapping::map(fd.get(), shm::Ring::bytes_for(kCapacity), shm::Mapping::Access::ReadWrite);
    shm::RingProducer producer(shm::Mapping::map(fd.get(), shm::Ring::bytes_for(kCapacity),
                                                 shm::Mapping::Access::ReadWrite),
                               kCapacity, shm::Doorbell::create());
    for (const auto& [ring, stream] : streams) {
        if (capacity_for_split) {
            // Split as a smaller ring would: continuation entries.
            size_t offset = 0;
            const size_t piece = capacity_for_split;
            while (stream.size() - offset > piece) {
                producer.try_write(ring | wire::kStreamContinues,
                                   std::span(stream).subspan(offset, piece));
                offset += piece;
            }
            producer.try_write(ring, std::span(stream).subspan(offset));
        } else {
            wire::write_stream_ring_entries(producer, kCapacity, ring, stream);
        }
    }
    const auto& header = *reinterpret_cast<const shm::Ring::Header*>(view.data());
    const uint64_t head = header.head.load();
    const uint64_t tail = 0;
    std::vector<std::byte> out(18);
    std::memcpy(out.data(), &head, 8);
    std::memcpy(out.data() + 8, &tail, 8);
    out[16] = std::byte{flags};
    out[17] = std::byte{limit};
    const size_t used = std::min<size_t>(head, kCapacity);
    out.insert(out.end(), view.data() + shm::Ring::kHeaderBytes,
               view.data() + shm::Ring::kHeaderBytes + used);
    return out;
}

std::vector<uint32_t> read_spirv(const char* path) {
    std::ifstream in(path, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<uint32_t> words(bytes.size() / 4);
    std::memcpy(words.data(), bytes.data(), words.size() * 4);
    return words;
}

}  // namespace

// fuzz_gl: the stream after the create-context/make-current prologue (the
// target prepends it): state, a texture upload, a buffer, a draw, queries.
void write_gl_seeds(const fs::path& folder) {
    namespace gl = wire::gl;
    using Builder = testing::GlStreamBuilder;
    std::vector<uint8_t> pixels(16 * 16 * 4, 0x80);
    const float vertices[] = {-1, -1, 1, -1, 0, 1};
    const uint16_t indices[] = {0, 1, 2};
    Builder state;
    state.command(gl::kOp_glClearColor).value(0x3f800000).value(0).value(0).value(0x3f800000);
    state.command(gl::kOp_glClear).value(0x4000);
    state.command(gl::kOp_glEnable).value(0x0B71);  // GL_DEPTH_TEST
    state.command(gl::kOp_glViewport).value(0).value(0).value(16).value(16);
    write_seed(folder, "state", state.done());
    Builder texture;
    texture.command(gl::kOp_glPixelStorei).value(0x0CF5).value(1);  // GL_UNPACK_ALIGNMENT
    texture.command(gl::kOp_glTexImage2D).value(0x0DE1).value(0).value(0x8058).value(16).value(16).value(0)
        .value(0x1908).value(0x1401).array(pixels.data(), pixels.size());
    texture.command(gl::kOp_glTexSubImage2D).value(0x0DE1).value(0).value(2).value(2).value(4).value(4)
        .value(0x1908).value(0x1401).array(pixels.data(), 4 * 4 * 4);
    texture.command(gl::kOp_glGenerateMipmap).value(0x0DE1);
    write_seed(folder, "texture", texture.done());
    Builder draw;
    draw.command(gl::kOp_glBindBuffer).value(0x8892).value(1);  // GL_ARRAY_BUFFER
    // Values first, then arrays (wire/gl/GlWire.h).
    draw.command(gl::kOp_glBufferData).value(0x8892).value(sizeof(vertices)).value(0x88E4)
        .array(vertices, sizeof(vertices));
    draw.command(gl::kOp_glVertexAttribPointer).value(0).value(2).value(0x1406).value(0).value(0).offset(0);
    draw.command(gl::kOp_glEnableVertexAttribArray).value(0);
    draw.command(gl::kOp_glDrawElements).value(0x0004).value(3).value(0x1403).array(indices, sizeof(indices));
    draw.command(gl::kOp_glDrawArrays).value(0x0004).value(0).value(3);
    write_seed(folder, "draw", draw.done());
    Builder queries;
    queries.command(gl::kOp_glGetIntegerv).value(0x0D33).capacity(512 * 4);  // GL_MAX_TEXTURE_SIZE
    queries.command(gl::kOp_glGetError);
    queries.command(gl::kOp_glReadPixels).value(0).value(0).value(4).value(4).value(0x1908).value(0x1401)
        .capacity(64);
    queries.command(gl::kOpGetString).value(0x1F01).value(uint64_t(-1));  // GL_RENDERER
    write_seed(folder, "queries", queries.done());
}

// fuzz_drm: DRM command streams as rendersock-drm-info and drm_test send
// them, after the byte that says which fds travel (fuzz_drm.cpp).
class DrmStream {
public:
    explicit DrmStream(uint8_t fds = 0) : bytes_{std::byte{fds}} {}
    template <typename T>
    DrmStream& command(wire::drm::DrmOp op, const T& body) {
        return raw(op, &body, sizeof(T));
    }
    DrmStream& command(wire::drm::DrmOp op) { return raw(op, nullptr, 0); }
    std::vector<std::byte> done() const { return bytes_; }

private:
    DrmStream& raw(wire::drm::DrmOp op, const void* body, size_t size) {
        const wire::drm::DrmCommandHeader header{static_cast<uint32_t>(op), static_cast<uint32_t>(size)};
        const auto* h = reinterpret_cast<const std::byte*>(&header);
        bytes_.insert(bytes_.end(), h, h + sizeof(header));
        const auto* b = static_cast<const std::byte*>(body);
        if (size) bytes_.insert(bytes_.end(), b, b + size);
        return *this;
    }
    std::vector<std::byte> bytes_;
};

void write_drm_seeds(const fs::path& folder) {
    namespace dw = wire::drm;
    using Op = dw::DrmOp;
    constexpr uint32_t kXrgb8888 = 0x34325258;
    constexpr uint64_t kImplicit = 0x00ffffffffffffffull;
    write_seed(folder, "formats", DrmStream().command(Op::QueryFormats).done());
    write_seed(folder, "buffers",
               DrmStream()
                   .command(Op::CreateBuffer, dw::DrmCreateBuffer{1, 256, 64, kXrgb8888, kImplicit, dw::kUsageLinear, 0})
                   .command(Op::CreateBuffer, dw::DrmCreateBuffer{2, 333, 17, kXrgb8888, kImplicit, 0, 0})
                   .command(Op::DestroyBuffer, dw::DrmObjectId{1, 0})
                   .command(Op::DestroyBuffer, dw::DrmObjectId{2, 0})
                   .done());
    write_seed(folder, "import", DrmStream(3)
                                     .command(Op::ImportBuffer, dw::DrmImportBuffer{3, 0, 4096})
                                     .command(Op::SyncobjCreate, dw::DrmSyncobjCreate{4, 0})
                                     .command(Op::SyncobjImport, dw::DrmSyncobjPoint{4, 0, 0})
                                     .done());
    std::vector<std::byte> wait = DrmStream(0)
                                      .command(Op::SyncobjCreate, dw::DrmSyncobjCreate{1, 0})
                                      .command(Op::SyncobjCreate, dw::DrmSyncobjCreate{2, dw::kSyncobjCreateSignaled})
                                      .command(Op::SyncobjSignal, dw::DrmSyncobjPoint{1, 0, 3})
                                      .command(Op::SyncobjQuery, dw::DrmObjectId{1, 0})
                                      .command(Op::SyncobjExport, dw::DrmSyncobjPoint{1, 0, 3})
                                      .command(Op::SyncobjReset, dw::DrmObjectId{2, 0})
                                      .done();
    const dw::DrmSyncobjWait request{1000000, 2, dw::kWaitForSubmit};
    const dw::DrmSyncobjPoint points[] = {{1, 0, 2}, {2, 0, 0}};
    const dw::DrmCommandHeader header{static_cast<uint32_t>(Op::SyncobjWait),
                                      static_cast<uint32_t>(sizeof(request) + sizeof(points))};
    for (const auto& [pointer, bytes] : {std::pair<const void*, size_t>{&header, sizeof(header)},
                                         {&request, sizeof(request)},
                                         {points, sizeof(points)}}) {
        const auto* b = static_cast<const std::byte*>(pointer);
        wait.insert(wait.end(), b, b + bytes);
    }
    write_seed(folder, "syncobjs", DrmStream()
                                       .command(Op::SyncobjCreate, dw::DrmSyncobjCreate{1, 0})
                                       .command(Op::SyncobjSignal, dw::DrmSyncobjPoint{1, 0, 0})
                                       .command(Op::SyncobjDestroy, dw::DrmObjectId{1, 0})
                                       .command(Op::SyncobjSignal, dw::DrmSyncobjPoint{1, 0, 0})
                                       .done());
    write_seed(folder, "timeline", wait);
    write_seed(folder, "rings", DrmStream()
                                    .command(Op::SyncobjCreate, dw::DrmSyncobjCreate{1, 0})
                                    .command(Op::RingWaitSyncobj, dw::DrmRingSyncobj{1, 1, 5})
                                    .command(Op::RingSignalSyncobj, dw::DrmRingSyncobj{0, 1, 2})
                                    .command(Op::SyncobjSignal, dw::DrmSyncobjPoint{1, 0, 5})
                                    .done());
}

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: make_seeds OUT_DIR [SHADER.spv]\n");
        return 2;
    }
    const fs::path root = argv[1];
    const std::vector<uint32_t> spirv = argc > 2 ? read_spirv(argv[2]) : std::vector<uint32_t>{};
    const auto commands = fuzz::realistic_venus_commands(spirv);
    const auto instance = fuzz::create_instance_stream();

    // fuzz_venus: the stream after vkCreateInstance (the target prepends it),
    // whole and cut at several points.
    int n = 0;
    for (size_t count : {size_t{2}, size_t{11}, size_t{13}, size_t{20}, size_t{40}, commands.size()}) {
        write_seed(root / "fuzz_venus", "session-" + std::to_string(n++), join(commands, count));
    }
    {
        // Padding commands, as encoders align with them.
        std::vector<std::byte> padded = join(commands, 13);
        wire::venus::CommandHeader pad{wire::venus::kCommandPadding, 16};
        std::vector<std::byte> pad_bytes(16);
        std::memcpy(pad_bytes.data(), &pad, sizeof(pad));
        fuzz::append(padded, pad_bytes);
        write_seed(root / "fuzz_venus", "padding", padded);
    }

    write_gl_seeds(root / "fuzz_gl");
    write_drm_seeds(root / "fuzz_drm");

    // fuzz_control: mode byte, then frames.
    std::vector<std::byte> full_stream = instance;
    fuzz::append(full_stream, join(commands, commands.size()));
    std::vector<std::byte> short_stream = instance;
    fuzz::append(short_stream, join(commands, 13));
    const uint8_t unix_all = 0x01 | (7 << 1) | 0x10;
    const uint8_t tcp = 0x01;
    auto control_seed = [&](uint8_t mode, const std::vector<std::byte>& frames) {
        std::vector<std::byte> out{std::byte{mode}};
        fuzz::append(out, frames);
        return out;
    };
    write_seed(root / "fuzz_control", "unix-full", control_seed(unix_all, session_frames(full_stream, true)));
    write_seed(root / "fuzz_control", "tcp-short", control_seed(tcp, session_frames(short_stream, true)));
    write_seed(root / "fuzz_control", "unix-small-reads",
               control_seed(unix_all | (2 << 5), session_frames(short_stream, false)));
    {
        // Raw: the client's own preamble and Hello.
        std::vector<std::byte> raw(reinterpret_cast<const std::byte*>(wire::kPreamble.data()),
                                   reinterpret_cast<const std::byte*>(wire::kPreamble.data()) + 8);
        fuzz::append(raw, fuzz::hello_frame(7).bytes);
        fuzz::append(raw, session_frames(short_stream, true));
        write_seed(root / "fuzz_control", "raw-handshake", control_seed(0x10, raw));
    }

    // fuzz_ring: pages a real producer wrote.
    std::vector<std::byte> ring_stream = instance;
    fuzz::append(ring_stream, join(commands, 13));
    write_seed(root / "fuzz_ring", "consumer", ring_seed({{0, ring_stream}, {1, instance}}, 0, 0, 0));
    write_seed(root / "fuzz_ring", "reader", ring_seed({{0, ring_stream}, {1, instance}}, 1, 0, 0));
    write_seed(root / "fuzz_ring", "reader-continued", ring_seed({{3, ring_stream}}, 1, 0, 256));
    write_seed(root / "fuzz_ring", "reader-small-limit", ring_seed({{0, ring_stream}}, 1 | 2 | 4, 16, 512));
    write_seed(root / "fuzz_ring", "empty-sleep", ring_seed({}, 4, 0, 0));
    std::printf("make_seeds: wrote seeds under %s (%zu Venus commands%s)\n", root.c_str(), commands.size(),
                spirv.empty() ? ", no SPIR-V" : "");
    return 0;
}
