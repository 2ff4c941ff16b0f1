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

Blob::Blob(uint32_t id, uint64_t size, uint32_t flags, uint32_t owner_ctx, shm::UniqueFd memory)
    : id_(id), size_(size), flags_(flags), memfd_(std::move(memory)), context_memory_(true) {
    if (auto mapping = shm::Mapping::try_map(memfd_.get(), size, shm::Mapping::Access::ReadWrite))
        mapping_ = std::move(*mapping);
    contexts_.insert(owner_ctx);
}

bool Blob::shareable() const {
    return (flags_ & static_cast<uint32_t>(wire::fb::BlobFlags::Shareable)) != 0;
}

}  // namespace rendersock::server
