// fuzz_control: bytes from a client into the server's control path, as
// Session does it: a FrameReader expecting the preamble, every complete frame
// verified (verify_message) and handled by a real ClientSession whose
// contexts are real (Venus on the host's Vulkan).
//
// Input: one mode byte, then the client's bytes.
//   bit 0: inject the preamble and a valid Hello first, so that the bytes
//          reach the handlers (else the bytes must start with the preamble)
//   bits 1-3: features the injected Hello asks for (FdPassing, StreamRing,
//          TimelinePage)
//   bit 4: the connection is a Unix socket (features can be granted)
//   bits 5-7: bytes per read (0: as much as fits, n: 1 << (2 * n))
// At most 64 frames per input are handled.
#include <asio/io_context.hpp>
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "server/ClientSession.h"
#include "server/ContextRegistry.h"
#include "server/Options.h"
#include "tests/fuzz/FuzzSupport.h"
#include "wire/FrameReader.h"
#include "wire/Log.h"

using namespace rendersock;

namespace {

constexpr int kMaxFrames = 64;

struct Server {
    server::Options options;
    server::ContextRegistry registry{options};
    asio::io_context io;
};

Server* srv = nullptr;

void run_ready_handlers() {
    srv->io.restart();
    srv->io.poll();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    log::set_level(log::Level::Error);
    srv = new Server();
    // As a shared server would (see NoBlobHost): a 4 GiB allocation must be
    // refused, not reported by libFuzzer as running out of memory.
    srv->options.limits.max_device_memory_bytes = fuzz::NoBlobHost::kDeviceMemoryBudget;
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return -1;
    const uint8_t mode = data[0];
    std::vector<std::byte> bytes;
    if (mode & 1) {
        bytes.assign(reinterpret_cast<const std::byte*>(wire::kPreamble.data()),
                     reinterpret_cast<const std::byte*>(wire::kPreamble.data()) + wire::kPreamble.size());
        fuzz::append(bytes, fuzz::hello_frame((mode >> 1) & 7).bytes);
    }
    bytes.insert(bytes.end(), reinterpret_cast<const std::byte*>(data + 1),
                 reinterpret_cast<const std::byte*>(data + size));
    const unsigned read_shift = (mode >> 5) & 7;
    const size_t chunk = read_shift ? size_t{1} << (2 * read_shift) : SIZE_MAX;

    // As Session: limits from the options, the preamble first.
    wire::FrameLimits limits;
    limits.max_payload_bytes = srv->options.limits.max_message_bytes;
    limits.max_fds = 4;
    wire::FrameReader reader(limits, /*expect_preamble=*/true);
    fuzz::DiscardOutbox outbox;
    {
        server::SessionConfig config{srv->options, srv->registry, 1, (mode & 0x10) != 0, ""};
        server::ClientSession session(srv->io, config, outbox);
        size_t offset = 0;
        int frames = 0;
        bool done = false;
        while (!done && offset < bytes.size()) {
            auto span = reader.writable();
            const size_t n = std::min({span.size(), bytes.size() - offset, chunk});
            if (n == 0) break;
            std::memcpy(span.data(), bytes.data() + offset, n);
            offset += n;
            reader.commit(n);
            wire::Frame frame;
            for (;;) {
                const auto status = reader.next(frame);
                if (status == wire::FrameReader::Status::NeedMore) break;
                if (status == wire::FrameReader::Status::Error || ++frames > kMaxFrames) {
                    done = true;
                    break;
                }
                const wire::fb::Message* message = wire::verify_message(frame.control);
                if (!message) {
                    if (!session.handshaken()) done = true;  // malformed handshake: closed
                    if (done) break;
                    continue;
                }
                session.handle(*message, frame);
                run_ready_handlers();
                if (outbox.closing) {
                    done = true;
                    break;
                }
            }
        }
    }
    run_ready_handlers();  // handlers of cancelled waits
    return 0;
}
