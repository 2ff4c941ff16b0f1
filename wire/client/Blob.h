#pragma once
// A blob resource: memory the server allocates for a context, mapped by the
// client. On Unix sockets both sides map the same pages (zero copy); over
// TCP the client keeps a mirror and moves bytes with explicit transfers.

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

#include "shm/Mapping.h"
#include "wire/client/Context.h"

namespace rendersock::client {

class Blob {
public:
    Blob(Context& context, uint64_t size, uint32_t flags, uint64_t object_id = 0);
    ~Blob();
    Blob(const Blob&) = delete;
    Blob& operator=(const Blob&) = delete;

    uint32_t id() const { return id_; }
    uint64_t size() const { return size_; }
    std::byte* data() { return mapping_.data(); }
    // True when the pages are shared with the server, so no transfers are needed.
    bool is_shared() const { return shared_; }
    // The memfd behind a shared blob (to hand to others, e.g. an X server
    // through MIT-SHM), or -1.
    int fd() const { return memfd_.get(); }

    // Makes client writes in [offset, offset+size) visible to the server.
    // A mirror sends only the bytes the client changed since the two sides
    // last agreed, so it never overwrites what the server side wrote
    // meanwhile (another thread's GPU work in the same allocation).
    void flush(uint64_t offset, uint64_t size);
    // Makes server writes in [offset, offset+size) visible to the client:
    // only bytes the server changed are written into the mirror.
    void invalidate(uint64_t offset, uint64_t size);
    // Lets another context of the same client use this (shareable) blob.
    void attach(Context& other);

private:
    void check_range(uint64_t offset, uint64_t size) const;
    void send_changes(uint64_t from, uint64_t to);
    uint64_t transfer_chunk() const;

    Connection& connection_;
    uint32_t id_;
    uint64_t size_;
    bool shared_ = false;
    // Mirrors only: what both sides last agreed on.
    std::vector<std::byte> agreed_;
    std::mutex sync_mutex_;
    shm::UniqueFd memfd_;
    shm::Mapping mapping_;
};

}  // namespace rendersock::client
