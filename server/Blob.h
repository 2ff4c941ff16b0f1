#pragma once
// A blob resource: memory of one client, created for one of its contexts,
// backed by a sealed memfd (or a context's dma-buf) that both the server and
// the client map.

#include <cstdint>
#include <memory>
#include <set>

#include "shm/Mapping.h"
#include "shm/UniqueFd.h"

namespace rendersock::server {

class Blob {
public:
    // Throws std::system_error when the OS cannot provide the memory.
    Blob(uint32_t id, uint64_t size, uint32_t flags, uint32_t owner_ctx);
    // A blob over memory a context provides (a dma-buf). The server maps it
    // where the exporter allows (transfers need it); fd-passing clients map
    // the fd themselves.
    Blob(uint32_t id, uint64_t size, uint32_t flags, uint32_t owner_ctx, shm::UniqueFd memory);

    uint32_t id() const { return id_; }
    uint64_t size() const { return size_; }
    uint32_t flags() const { return flags_; }
    bool shareable() const;
    int fd() const { return memfd_.get(); }
    // Null when the server could not map the memory (some dma-bufs).
    std::byte* data() { return mapping_.data(); }

    // Memory a context provided (a dma-buf), not a memfd of the server's.
    bool context_memory() const { return context_memory_; }
    bool usable_by(uint32_t ctx_id) const { return contexts_.count(ctx_id) != 0; }
    void attach(uint32_t ctx_id) { contexts_.insert(ctx_id); }
    void detach(uint32_t ctx_id) { contexts_.erase(ctx_id); }

private:
    uint32_t id_;
    uint64_t size_;
    uint32_t flags_;
    shm::UniqueFd memfd_;
    shm::Mapping mapping_;
    std::set<uint32_t> contexts_;
    bool context_memory_ = false;
};

}  // namespace rendersock::server
