#include "server/Blob.h"

#include "shm/Memfd.h"
#include "wire/Message.h"

namespace rendersock::server {

Blob::Blob(uint32_t id, uint64_t size, uint32_t flags, uint32_t owner_ctx)
    : id_(id),
      size_(size),
      flags_(flags),
      memfd_(shm::create_sealed_memfd("rendersock-blob", size)),
      mapping_(shm::Mapping::map(memfd_.get(), size, shm::Mapping::Access::ReadWrite)) {
    contexts_.insert(owner_ctx);
}

bool Blob::shareable() const {
    return (flags_ & static_cast<uint32_t>(wire::fb::BlobFlags::Shareable)) != 0;
}

}  // namespace rendersock::server
