#pragma once
// Memory for one decoded command: chunks freed together after the call. The
// total is capped so a hostile count cannot make the server allocate without
// bound.

#include <cstddef>
#include <memory>
#include <vector>

namespace rendersock::wire::venus {

class Arena {
public:
    explicit Arena(size_t limit = 256u << 20) : limit_(limit) {}
    // Zeroed memory, or nullptr when the cap would be exceeded.
    void* allocate(size_t size, size_t align = 16);
    void reset();
    size_t used() const { return used_; }

private:
    struct Chunk {
        std::unique_ptr<std::byte[]> data;
        size_t size;
        size_t used;
    };
    std::vector<Chunk> chunks_;
    size_t used_ = 0;
    size_t limit_;
};

}  // namespace rendersock::wire::venus
