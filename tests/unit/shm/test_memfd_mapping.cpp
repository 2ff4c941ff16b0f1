#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <system_error>

#include "shm/Mapping.h"
#include "shm/Memfd.h"
#include "shm/UniqueFd.h"

using namespace rendersock::shm;

namespace {

bool fd_is_open(int fd) { return ::fcntl(fd, F_GETFD) >= 0; }

}  // namespace

TEST_CASE("UniqueFd owns, moves, releases and resets") {
    int raw[2];
    REQUIRE(::pipe(raw) == 0);
    {
        UniqueFd a(raw[0]);
        UniqueFd b(raw[1]);
        CHECK(a);
        UniqueFd moved(std::move(a));
        CHECK_FALSE(a);
        CHECK(moved.get() == raw[0]);
        moved.reset(moved.get());  // self-reset keeps the fd
        CHECK(fd_is_open(raw[0]));
        b = std::move(moved);  // closes raw[1]
        CHECK_FALSE(fd_is_open(raw[1]));
        CHECK(b.get() == raw[0]);
        const int released = b.release();
        CHECK_FALSE(b);
        CHECK(fd_is_open(released));
        b.reset(released);
    }
    CHECK_FALSE(fd_is_open(raw[0]));
}

TEST_CASE("sealed memfd cannot shrink, grow or be unsealed") {
    UniqueFd fd = create_sealed_memfd("test-sealed", 8192);
    REQUIRE(fd);
    CHECK((::fcntl(fd.get(), F_GETFD) & FD_CLOEXEC) != 0);
    CHECK(sealed_memfd_size(fd.get()) == 8192u);
    CHECK(::ftruncate(fd.get(), 4096) != 0);
    CHECK(::ftruncate(fd.get(), 16384) != 0);
    CHECK(::fcntl(fd.get(), F_ADD_SEALS, F_SEAL_WRITE) != 0);
    CHECK(sealed_memfd_size(fd.get()) == 8192u);
}

TEST_CASE("two mappings of one memfd see each other's writes") {
    UniqueFd fd = create_sealed_memfd("test-shared", 4096);
    Mapping a = Mapping::map(fd.get(), 4096, Mapping::Access::ReadWrite);
    Mapping b = Mapping::map(fd.get(), 4096, Mapping::Access::ReadWrite);
    REQUIRE(a.size() == 4096);
    REQUIRE(a.bytes().size() == 4096);
    CHECK(a.data() != b.data());
    std::memcpy(a.data() + 100, "hello", 5);
    CHECK(std::memcmp(b.data() + 100, "hello", 5) == 0);
    b.data()[4095] = std::byte{0x5a};
    CHECK(a.data()[4095] == std::byte{0x5a});

    Mapping ro = Mapping::map(fd.get(), 4096, Mapping::Access::ReadOnly);
    CHECK(ro.data()[4095] == std::byte{0x5a});

    Mapping moved = std::move(a);
    CHECK(a.data() == nullptr);
    CHECK(a.size() == 0);
    CHECK(moved.data()[100] == std::byte{'h'});
}

TEST_CASE("sealed_memfd_size rejects what a peer must not be trusted with") {
    SUBCASE("memfd without seals") {
        UniqueFd fd(::memfd_create("unsealed", MFD_CLOEXEC | MFD_ALLOW_SEALING));
        REQUIRE(::ftruncate(fd.get(), 4096) == 0);
        CHECK_FALSE(sealed_memfd_size(fd.get()).has_value());
    }
    SUBCASE("memfd with only one of the two seals") {
        UniqueFd fd(::memfd_create("half", MFD_CLOEXEC | MFD_ALLOW_SEALING));
        REQUIRE(::fcntl(fd.get(), F_ADD_SEALS, F_SEAL_SHRINK) == 0);
        CHECK_FALSE(sealed_memfd_size(fd.get()).has_value());
    }
    SUBCASE("memfd that does not allow sealing") {
        UniqueFd fd(::memfd_create("nosealing", MFD_CLOEXEC));
        CHECK_FALSE(sealed_memfd_size(fd.get()).has_value());
    }
    SUBCASE("pipe") {
        int raw[2];
        REQUIRE(::pipe(raw) == 0);
        UniqueFd r(raw[0]);
        UniqueFd w(raw[1]);
        CHECK_FALSE(sealed_memfd_size(r.get()).has_value());
    }
    SUBCASE("closed fd") { CHECK_FALSE(sealed_memfd_size(-1).has_value()); }
}

TEST_CASE("Mapping edge cases") {
    UniqueFd fd = create_sealed_memfd("test-edge", 4096);
    Mapping empty = Mapping::map(fd.get(), 0, Mapping::Access::ReadWrite);
    CHECK(empty.size() == 0);
    CHECK(empty.bytes().empty());

    Mapping anon = Mapping::anonymous(8192);
    REQUIRE(anon.size() == 8192);
    CHECK(anon.data()[8191] == std::byte{0});
    anon.data()[0] = std::byte{1};

    try {
        (void)Mapping::map(-1, 4096, Mapping::Access::ReadOnly);
        FAIL("expected system_error");
    } catch (const std::system_error& e) {
        CHECK(std::string(e.what()).find("mmap") != std::string::npos);
    }

    // A peer that write-sealed its memfd cannot be mapped writable: a value, not a throw.
    UniqueFd sealed(::memfd_create("wseal", MFD_CLOEXEC | MFD_ALLOW_SEALING));
    REQUIRE(::ftruncate(sealed.get(), 4096) == 0);
    REQUIRE(::fcntl(sealed.get(), F_ADD_SEALS, F_SEAL_WRITE) == 0);
    CHECK_FALSE(Mapping::try_map(sealed.get(), 4096, Mapping::Access::ReadWrite).has_value());
    CHECK(Mapping::try_map(sealed.get(), 4096, Mapping::Access::ReadOnly).has_value());
}
