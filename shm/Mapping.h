#pragma once

#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <span>

namespace rendersock::shm {

// An mmap'ed range unmapped on destruction. Move-only: exactly one owner
// decides when the memory goes away.
class Mapping {
  public:
    enum class Access { ReadOnly, ReadWrite };

    Mapping() noexcept = default;
    ~Mapping();
    Mapping(Mapping&& other) noexcept;
    Mapping& operator=(Mapping&& other) noexcept;
    Mapping(const Mapping&) = delete;
    Mapping& operator=(const Mapping&) = delete;

    // MAP_SHARED view of `fd`. Throws std::system_error on failure. size 0 maps
    // nothing and yields an empty mapping. The caller must know the file is at
    // least offset + size long (see sealed_memfd_size), or touching the tail
    // raises SIGBUS.
    static Mapping map(int fd, size_t size, Access access, off_t offset = 0);

    // Same, for fds a peer sent: failures the fd itself causes (wrong mode,
    // write seal, not mappable) come back as nullopt; only local resource
    // exhaustion (ENOMEM...) still throws.
    static std::optional<Mapping> try_map(int fd, size_t size, Access access, off_t offset = 0);

    // Private zero-filled memory, for local mirrors of shared state.
    static Mapping anonymous(size_t size);

    std::byte* data() const noexcept { return data_; }
    size_t size() const noexcept { return size_; }
    std::span<std::byte> bytes() const noexcept { return {data_, size_}; }

  private:
    Mapping(std::byte* data, size_t size) noexcept : data_(data), size_(size) {}
    void reset() noexcept;

    std::byte* data_ = nullptr;
    size_t size_ = 0;
};

}  // namespace rendersock::shm
