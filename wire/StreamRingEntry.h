#pragma once
// How command streams are cut into stream-ring entries. An entry's tag
// holds the fence ring index; a set top bit says the stream goes on in the
// next entry, so a stream larger than the ring still travels in order.

#include <cstddef>
#include <cstdint>
#include <span>

namespace rendersock::shm {
class RingProducer;
}

namespace rendersock::wire {

inline constexpr uint32_t kStreamContinues = 0x80000000u;
inline constexpr uint32_t kStreamRingMask = 0x7fffffffu;

// Writes `stream` for fence ring `ring`, waiting for room as needed.
// Throws std::runtime_error when the consumer stops taking entries.
void write_stream_ring_entries(shm::RingProducer& producer, size_t capacity, uint32_t ring,
                               std::span<const std::byte> stream);

}  // namespace rendersock::wire
