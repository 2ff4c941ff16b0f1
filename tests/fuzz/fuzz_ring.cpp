// fuzz_ring: a RingConsumer over shared memory whose header and data come
// from the input, as a hostile client could write them, then the server's
// StreamRingReader reassembling streams (continuation tags) from it.
//
// Input: u64 head, u64 tail, u8 flags, u8 limit, then the data area (up to
// 64 KiB, copied from offset 0 of the ring's data).
//   flags bit 0: read through StreamRingReader::drain (else RingConsumer::read)
//   flags bit 1: producer_waiting set, with a producer doorbell to ring
//   flags bit 2: the consumer announces sleep when the ring is empty
//   limit: 0 = 64 MiB (the server's default), else limit * 64 bytes
#include <unistd.h>

#include <asio/io_context.hpp>
#include <cstring>

#include "server/StreamRingReader.h"
#include "shm/Doorbell.h"
#include "shm/Mapping.h"
#include "shm/Memfd.h"
#include "shm/Ring.h"
#include "wire/Log.h"
#include "wire/StreamRingEntry.h"

using namespace rendersock;

namespace {

constexpr size_t kCapacity = 64 * 1024;
constexpr size_t kPrefix = 18;

struct Shared {
    shm::UniqueFd memfd = shm::create_sealed_memfd("fuzz-ring", shm::Ring::bytes_for(kCapacity));
    shm::Mapping writer = shm::Mapping::map(memfd.get(), shm::Ring::bytes_for(kCapacity),
                                            shm::Mapping::Access::ReadWrite);
    asio::io_context io;
};

Shared* shared = nullptr;

uint64_t checksum(std::span<const std::byte> bytes) {
    uint64_t sum = 0;
    for (std::byte b : bytes) sum = sum * 31 + static_cast<uint8_t>(b);
    return sum;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    log::set_level(log::Level::Error);
    shared = new Shared();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < kPrefix) return -1;
    uint64_t head, tail;
    std::memcpy(&head, data, 8);
    std::memcpy(&tail, data + 8, 8);
    const uint8_t flags = data[16];
    const uint64_t limit = data[17] ? uint64_t{data[17]} * 64 : 64ull << 20;

    // The client's view of the pages: zero, then whatever it wrote.
    std::byte* memory = shared->writer.data();
    std::memset(memory, 0, shm::Ring::bytes_for(kCapacity));
    auto& header = *reinterpret_cast<shm::Ring::Header*>(memory);
    header.head.store(head);
    header.tail.store(tail);
    header.producer_waiting.store((flags & 2) ? 1 : 0);
    std::memcpy(memory + shm::Ring::kHeaderBytes, data + kPrefix,
                std::min(size - kPrefix, kCapacity));

    // The server's own mapping of the same memfd, as on_stream_ring_create makes.
    std::optional<shm::Doorbell> producer_bell;
    if (flags & 2) producer_bell = shm::Doorbell::create();
    shm::RingConsumer consumer(shm::Mapping::map(shared->memfd.get(), shm::Ring::bytes_for(kCapacity),
                                                 shm::Mapping::Access::ReadWrite),
                               kCapacity, std::move(producer_bell));
    volatile uint64_t sink = 0;
    if (flags & 1) {
        shm::Doorbell client_bell = shm::Doorbell::create();
        auto reader = std::make_shared<server::StreamRingReader>(
            shared->io, std::move(consumer), shm::UniqueFd(::dup(client_bell.fd())), limit,
            [&sink](uint32_t ring, std::span<const std::byte> stream) {
                sink = sink + checksum(stream) + ring;
                return server::Status::ok();
            },
            [](const server::Status&) {});
        // Bounded: every entry consumes at least 8 of at most 64 KiB published bytes.
        server::Status status = reader->drain();
        (void)status;
        reader->stop();
        return 0;
    }
    std::vector<std::byte> payload;
    for (int i = 0; i < 16384; ++i) {
        uint32_t tag = 0;
        const auto status = consumer.read(tag, payload, limit);
        if (status == shm::RingConsumer::ReadStatus::Corrupt) break;
        if (status == shm::RingConsumer::ReadStatus::Empty) {
            if ((flags & 4) && !consumer.prepare_to_sleep()) continue;
            break;
        }
        sink = sink + checksum(payload) + tag;
    }
    return 0;
}
