// The Venus object table: ids to host handles by type, and the ownership
// that makes destroying a parent forget what it owned.
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "server/venus/ObjectTable.h"

using rendersock::server::venus::ObjectTable;

namespace {
constexpr uint16_t kDevice = 1, kPool = 2, kCommandBuffer = 3, kBuffer = 4;
}

TEST_CASE("a lookup checks the type, dense and sparse ids alike") {
    ObjectTable table(100);
    std::string error;
    REQUIRE(table.insert(kBuffer, 5, 0x50, 0, error));
    REQUIRE(table.insert(kBuffer, uint64_t{1} << 40, 0x60, 0, error));
    uint64_t host = 0;
    CHECK(table.lookup(kBuffer, 5, host));
    CHECK(host == 0x50);
    CHECK(table.lookup(kBuffer, uint64_t{1} << 40, host));
    CHECK(host == 0x60);
    CHECK_FALSE(table.lookup(kDevice, 5, host));
    CHECK_FALSE(table.lookup(kBuffer, 6, host));
    CHECK_FALSE(table.insert(kBuffer, 5, 0x70, 0, error));
    CHECK(error.find("already in use") != std::string::npos);
}

TEST_CASE("destroying a parent forgets its children and theirs; erase_children keeps the parent") {
    ObjectTable table(100);
    std::string error;
    REQUIRE(table.insert(kDevice, 1, 0x10, 0, error));
    REQUIRE(table.insert(kPool, 2, 0x20, 1, error));
    REQUIRE(table.insert(kCommandBuffer, 3, 0x30, 2, error));
    REQUIRE(table.insert(kCommandBuffer, 4, 0x40, 2, error));
    REQUIRE(table.insert(kBuffer, 5, 0x50, 1, error));
    uint64_t host = 0;

    table.erase_children(2);  // vkResetCommandPool-style: the pool stays
    CHECK(table.lookup(kPool, 2, host));
    CHECK_FALSE(table.lookup(kCommandBuffer, 3, host));
    CHECK_FALSE(table.lookup(kCommandBuffer, 4, host));
    REQUIRE(table.insert(kCommandBuffer, 6, 0x60, 2, error));

    table.erase(5);  // one child of the device goes, its siblings stay
    CHECK(table.lookup(kPool, 2, host));
    table.erase(1);
    CHECK(table.size() == 0);
    CHECK_FALSE(table.lookup(kCommandBuffer, 6, host));
    // Reused ids start without the old ownership.
    REQUIRE(table.insert(kPool, 2, 0x21, 0, error));
    REQUIRE(table.insert(kCommandBuffer, 3, 0x31, 2, error));
    table.erase(2);
    CHECK(table.size() == 0);
}

TEST_CASE("destroying one of many siblings does not walk the others") {
    // 100 000 buffers under one device, destroyed one by one: a list of
    // siblings walked per destruction takes minutes, a set milliseconds.
    constexpr uint64_t kCount = 100000;
    ObjectTable table(kCount + 1);
    std::string error;
    REQUIRE(table.insert(kDevice, 1, 0x10, 0, error));
    for (uint64_t id = 2; id < kCount + 1; ++id) REQUIRE(table.insert(kBuffer, id, id << 4, 1, error));
    const auto start = std::chrono::steady_clock::now();
    for (uint64_t id = kCount; id >= 2; --id) table.erase(id);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    CHECK(table.size() == 1);
    CHECK(elapsed < std::chrono::seconds(5));
}
