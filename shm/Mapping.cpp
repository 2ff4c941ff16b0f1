#include "shm/Mapping.h"

#include <sys/mman.h>

#include <utility>

#include "shm/SystemError.h"

namespace rendersock::shm {
namespace {

int protection(Mapping::Access access) {
    return access == Mapping::Access::ReadWrite ? PROT_READ | PROT_WRITE : PROT_READ;
}

// Errors a peer-supplied fd can provoke, as opposed to us running out of memory.
bool caused_by_fd(int error) {
    switch (error) {
        case EACCES:
        case EPERM:
        case EINVAL:
        case ENODEV:
        case EBADF:
        case EOVERFLOW:
        case ETXTBSY:
            return true;
        default:
            return false;
    }
}

void* map_shared(int fd, size_t size, Mapping::Access access, off_t offset) {
    return ::mmap(nullptr, size, protection(access), MAP_SHARED, fd, offset);
}

}  // namespace

Mapping::~Mapping() { reset(); }

Mapping::Mapping(Mapping&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

Mapping& Mapping::operator=(Mapping&& other) noexcept {
    if (this != &other) {
        reset();
        data_ = std::exchange(other.data_, nullptr);
        size_ = std::exchange(other.size_, 0);
    }
    return *this;
}

void Mapping::reset() noexcept {
    if (data_ != nullptr) {
        ::munmap(data_, size_);
    }
    data_ = nullptr;
    size_ = 0;
}

Mapping Mapping::map(int fd, size_t size, Access access, off_t offset) {
    if (size == 0) {
        return Mapping();
    }
    void* addr = map_shared(fd, size, access, offset);
    if (addr == MAP_FAILED) {
        throw_errno("mmap(MAP_SHARED)");
    }
    return Mapping(static_cast<std::byte*>(addr), size);
}

std::optional<Mapping> Mapping::try_map(int fd, size_t size, Access access, off_t offset) {
    if (size == 0) {
        return Mapping();
    }
    void* addr = map_shared(fd, size, access, offset);
    if (addr == MAP_FAILED) {
        if (caused_by_fd(errno)) {
            return std::nullopt;
        }
        throw_errno("mmap(MAP_SHARED)");
    }
    return Mapping(static_cast<std::byte*>(addr), size);
}

Mapping Mapping::anonymous(size_t size) {
    if (size == 0) {
        return Mapping();
    }
    void* addr = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (addr == MAP_FAILED) {
        throw_errno("mmap(MAP_ANONYMOUS)");
    }
    return Mapping(static_cast<std::byte*>(addr), size);
}

}  // namespace rendersock::shm
