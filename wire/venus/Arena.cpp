#include "wire/venus/Arena.h"

#include <algorithm>
#include <cstring>

namespace rendersock::wire::venus {

void* Arena::allocate(size_t size, size_t align) {
    if (size > limit_ || used_ > limit_ - size) return nullptr;
    size = std::max<size_t>(size, 1);
    if (!chunks_.empty()) {
        Chunk& chunk = chunks_.back();
        const size_t start = (chunk.used + align - 1) & ~(align - 1);
        if (start + size <= chunk.size) {
            chunk.used = start + size;
            used_ += size;
            std::memset(chunk.data.get() + start, 0, size);
            return chunk.data.get() + start;
        }
    }
    const size_t chunk_size = std::max<size_t>(size + align, 64 * 1024);
    chunks_.push_back({std::make_unique<std::byte[]>(chunk_size), chunk_size, 0});
    Chunk& chunk = chunks_.back();
    const auto address = reinterpret_cast<uintptr_t>(chunk.data.get());
    const size_t start = ((address + align - 1) & ~(uintptr_t{align} - 1)) - address;
    chunk.used = start + size;
    used_ += size;
    std::memset(chunk.data.get() + start, 0, size);
    return chunk.data.get() + start;
}

void Arena::reset() {
    // Keep the first chunk: most commands fit in it.
    if (chunks_.size() > 1) chunks_.resize(1);
    if (!chunks_.empty()) chunks_[0].used = 0;
    used_ = 0;
}

}  // namespace rendersock::wire::venus
