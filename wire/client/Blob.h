#pragma once
// A blob resource: memory the server allocates for a context, mapped by the
// client. On Unix sockets both sides map the same pages (zero copy); over
// TCP the client keeps a mirror and moves bytes with explicit transfers.

#include <cstddef>
#include <cstdint>

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
    void flush(uint64_t offset, uint64_t size);
    // Makes server writes in [offset, offset+size) visible to the client.
    void invalidate(uint64_t offset, uint64_t size);
    // Lets another context of the same client use this (shareable) blob.
    void attach(Context& other);

private:
    void check_range(uint64_t offset, uint64_t size) const;
    uint64_t transfer_chunk() const;

    Connection& connection_;
    uint32_t id_;
    uint64_t size_;
    bool shared_ = false;
    shm::UniqueFd memfd_;
    shm::Mapping mapping_;
};

}  // namespace rendersock::client
