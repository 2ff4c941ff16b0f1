#include "wire/StreamRingEntry.h"

#include <algorithm>
#include <stdexcept>

#include "shm/Ring.h"

namespace rendersock::wire {

void write_stream_ring_entries(shm::RingProducer& producer, size_t capacity, uint32_t ring,
                               std::span<const std::byte> stream) {
    // Half the ring per entry keeps the producer and consumer overlapping.
    const size_t chunk = std::max<size_t>(shm::RingProducer::max_payload(capacity) / 2, 1);
    constexpr auto kStallLimit = std::chrono::seconds(30);
    size_t offset = 0;
    do {
        const size_t size = std::min(chunk, stream.size() - offset);
        const bool last = offset + size == stream.size();
        const uint32_t tag = (ring & kStreamRingMask) | (last ? 0 : kStreamContinues);
        if (!producer.write(tag, stream.subspan(offset, size), kStallLimit))
            throw std::runtime_error("the server stopped reading the command ring");
        offset += size;
    } while (offset < stream.size());
}

}  // namespace rendersock::wire
