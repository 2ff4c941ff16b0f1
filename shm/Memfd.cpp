#include "shm/Memfd.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <limits>

#include "shm/SystemError.h"

namespace rendersock::shm {

UniqueFd create_sealed_memfd(const char* name, size_t size) {
    if (size > static_cast<size_t>(std::numeric_limits<off_t>::max())) {
        throw_system_error(EFBIG, "create_sealed_memfd: size");
    }
    UniqueFd fd(::memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING));
    if (!fd) {
        throw_errno("memfd_create");
    }
    if (::ftruncate(fd.get(), static_cast<off_t>(size)) != 0) {
        throw_errno("ftruncate(memfd)");
    }
    if (::fcntl(fd.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0) {
        throw_errno("fcntl(F_ADD_SEALS)");
    }
    return fd;
}

std::optional<size_t> sealed_memfd_size(int fd) {
    // F_GET_SEALS fails with EINVAL on anything that is not shmem/hugetlbfs;
    // plain tmpfs files report only F_SEAL_SEAL and are rejected below.
    const int seals = ::fcntl(fd, F_GET_SEALS);
    if (seals < 0) {
        return std::nullopt;
    }
    constexpr int kRequired = F_SEAL_SHRINK | F_SEAL_GROW;
    if ((seals & kRequired) != kRequired) {
        return std::nullopt;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 0) {
        return std::nullopt;
    }
    return static_cast<size_t>(st.st_size);
}

}  // namespace rendersock::shm
