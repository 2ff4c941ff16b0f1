// The DRM context where the host has no usable render node (this machine,
// and a --rendernode that is not a DRM device): not offered, and a client
// that asks anyway is told why. The DRM context itself is tested inside a
// VM with real render nodes (tests/drm).
#include <doctest/doctest.h>

#include <filesystem>

#include "tests/support/ServerProcess.h"
#include "wire/client/DrmContext.h"

using namespace rendersock;
using testing::ServerProcess;
namespace fb = wire::fb;

namespace {

std::unique_ptr<client::Connection> connect_to(const std::string& address) {
    return testing::connect_to(address, "test_drm_unavailable");
}

std::string refusal_for(const std::string& address) {
    auto connection = connect_to(address);
    CHECK_FALSE(connection->offers(fb::CapsetType::Drm));
    try {
        client::DrmContext drm(*connection);
    } catch (const client::RemoteError& e) {
        CHECK(e.code() == fb::ErrorCode::Unsupported);
        connection->ping();  // the connection goes on
        return e.what();
    }
    FAIL("a DRM context was created without a render node");
    return {};
}

}  // namespace

TEST_CASE("no render node: the DRM capset is not offered and asking for it says why") {
    if (std::filesystem::exists("/dev/dri")) {
        MESSAGE("this host has /dev/dri; the no-node case cannot be shown here");
        return;
    }
    ServerProcess server;
    const std::string why = refusal_for(server.address());
    CHECK(why.find("no render node") != std::string::npos);
    CHECK(server.log().find("not offering DRM") != std::string::npos);
}

TEST_CASE("--rendernode that is not a DRM device: refused with the path in the message") {
    ServerProcess server(ServerProcess::Config{.extra_args = {"--rendernode", "/dev/null"}});
    const std::string why = refusal_for(server.address());
    CHECK(why.find("/dev/null is not a DRM device") != std::string::npos);
}

TEST_CASE("--rendernode that does not exist: refused with the OS's reason") {
    ServerProcess server(ServerProcess::Config{.extra_args = {"--rendernode", "/nonexistent/renderD200"}});
    const std::string why = refusal_for(server.address());
    CHECK(why.find("cannot open /nonexistent/renderD200") != std::string::npos);
}
