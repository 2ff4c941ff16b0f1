#pragma once
// Shared pieces of the fuzz targets and make_seeds: an outbox and a context
// host that discard what the server sends, and realistic Venus / control
// streams built with the real encoders (wire/venus/Encoder, MessageBuilder).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "server/Context.h"
#include "server/Outbox.h"
#include "wire/Message.h"
#include "wire/venus/Encoder.h"

namespace rendersock::fuzz {

// The connection's write queue, minus the socket.
class DiscardOutbox final : public server::Outbox {
public:
    void send(wire::OutgoingFrame frame) override { sent_bytes += frame.bytes.size(); }
    void close_after_flush(const std::string& /*reason*/) override { closing = true; }
    size_t sent_bytes = 0;
    bool closing = false;
};

// A ContextHost without blobs: replies are dropped, no blob is ever found.
class NoBlobHost final : public server::ContextHost {
public:
    void reply(uint32_t, uint64_t, std::span<const std::byte>) override {}
    std::shared_ptr<server::Blob> find_blob(uint32_t, uint32_t) override { return nullptr; }
    void when_readable(int, std::function<void()>) override {}  // never: fuzzing needs no ordering
    // A budget as a shared server would set (--max-device-memory-bytes):
    // without one, a 4 GiB vkAllocateMemory is a 4 GiB malloc in lavapipe,
    // which libFuzzer reports as running out of memory.
    bool charge_device_memory(uint64_t bytes) override {
        if (bytes > kDeviceMemoryBudget - charged) return false;
        charged += bytes;
        return true;
    }
    void release_device_memory(uint64_t bytes) override { charged -= std::min(bytes, charged); }
    static constexpr uint64_t kDeviceMemoryBudget = uint64_t{1} << 30;
    uint64_t charged = 0;
};

// Handles are their own ids, as in the codec tests.
struct IdentityIds final : wire::venus::HandleIds {
    uint64_t id_of(uint16_t, uint64_t native) override { return native; }
};

// The object ids the realistic stream uses.
inline constexpr uint64_t kInstanceId = 1;
inline constexpr uint64_t kPhysicalDeviceId = 2;
inline constexpr uint64_t kDeviceId = 3;
inline constexpr uint64_t kQueueId = 4;
inline constexpr uint64_t kCommandBufferId = 5;

// vkCreateInstance (API 1.3) creating instance kInstanceId.
std::vector<std::byte> create_instance_stream();

// A realistic session after vkCreateInstance, one encoded command per entry:
// enumerate, device, queue, buffers, memory, image, command pool and
// buffers, recorded copies/fills/barriers, submit, fences, waits, and (with
// SPIR-V) a compute pipeline with descriptors and a dispatch; then teardown.
std::vector<std::vector<std::byte>> realistic_venus_commands(const std::vector<uint32_t>& spirv);

// Concatenation helper.
void append(std::vector<std::byte>& out, const std::vector<std::byte>& bytes);

// Bytes of one whole frame built with wire::MessageBuilder.
std::vector<std::byte> frame_bytes(const wire::OutgoingFrame& frame);

// Hello as a client would send it.
wire::OutgoingFrame hello_frame(uint64_t features);

}  // namespace rendersock::fuzz
