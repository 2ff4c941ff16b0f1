#include <doctest/doctest.h>

#include <cstdlib>

#include "wire/Address.h"

using rendersock::wire::Address;

TEST_CASE("addresses: Unix paths and tcp:HOST:PORT") {
    auto unix_path = Address::parse("/tmp/x.sock");
    REQUIRE(unix_path);
    CHECK(unix_path->kind == Address::Kind::Unix);
    CHECK(unix_path->path == "/tmp/x.sock");
    CHECK(Address::parse("unix:/tmp/y")->path == "/tmp/y");

    auto tcp = Address::parse("tcp:127.0.0.1:5555");
    REQUIRE(tcp);
    CHECK(tcp->kind == Address::Kind::Tcp);
    CHECK(tcp->host == "127.0.0.1");
    CHECK(tcp->port == 5555);
    CHECK(tcp->is_loopback());
    auto v6 = Address::parse("tcp:[::1]:80");
    REQUIRE(v6);
    CHECK(v6->host == "::1");
    CHECK(v6->is_loopback());
    CHECK_FALSE(Address::parse("tcp:10.0.0.1:80")->is_loopback());

    std::string error;
    CHECK_FALSE(Address::parse("tcp:host:99999", &error));
    CHECK(error.find("port") != std::string::npos);
    CHECK_FALSE(Address::parse("tcp:host", &error));
    CHECK_FALSE(Address::parse("", &error));
    CHECK_FALSE(Address::parse(std::string(200, 'a'), &error));
}

TEST_CASE("the default address follows VTEST_SOCKET_NAME like upstream vtest") {
    ::unsetenv("VTEST_SOCKET_NAME");
    CHECK(Address::default_text() == "/tmp/.virgl_test");
    ::setenv("VTEST_SOCKET_NAME", "tcp:localhost:1234", 1);
    CHECK(Address::default_text() == "tcp:localhost:1234");
    ::unsetenv("VTEST_SOCKET_NAME");
}
