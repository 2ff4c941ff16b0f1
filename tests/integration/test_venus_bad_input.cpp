// Garbled Venus streams from a raw client end that client's context with an
// error, while another client's real Vulkan work completes.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vulkan/vulkan.h>

#include <cstring>
#include <random>

#include "tests/support/ServerProcess.h"
#include "wire/client/Context.h"
#include "wire/venus/Encoder.h"
#include "wire/venus/VenusStream.h"

using namespace rendersock;
using testing::ServerProcess;
namespace fb = wire::fb;
namespace vv = wire::venus;

namespace {

struct IdentityIds : vv::HandleIds {
    uint64_t id_of(uint16_t, uint64_t native) override { return native; }
};

using testing::connect_to;

// A real Vulkan program through the ICD, in its own process.
pid_t start_compute(const ServerProcess& server) {
    pid_t pid = ::fork();
    if (pid == 0) {
        ::setenv("VTEST_SOCKET_NAME", server.socket_path().c_str(), 1);
        ::setenv("VK_DRIVER_FILES", (testing::build_dir() + "/icd/rendersock_icd.x86_64.json").c_str(), 1);
        ::setenv("XDG_RUNTIME_DIR", server.directory().c_str(), 1);
        ::freopen("/dev/null", "w", stdout);
        const std::string program = testing::build_dir() + "/tests/vulkan/compute_test";
        const std::string shader = testing::build_dir() + "/tests/vulkan/compute.spv";
        ::execl(program.c_str(), "compute_test", shader.c_str(), "4000000", static_cast<char*>(nullptr));
        ::_exit(127);
    }
    return pid;
}

std::vector<std::byte> create_instance_stream() {
    VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
    app.apiVersion = VK_API_VERSION_1_3;
    VkInstanceCreateInfo info{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
    info.pApplicationInfo = &app;
    VkInstance instance = reinterpret_cast<VkInstance>(uint64_t{1});
    uint64_t slots[3] = {reinterpret_cast<uint64_t>(&info), 0, reinterpret_cast<uint64_t>(&instance)};
    std::vector<std::byte> stream;
    IdentityIds ids;
    vv::Encoder encoder(stream, ids);
    encoder.command(static_cast<uint32_t>(vv::command_index("vkCreateInstance")), 0, slots);
    return stream;
}

}  // namespace

TEST_CASE("garbled Venus streams lose their context only, and real work goes on") {
    ServerProcess server;
    pid_t compute = start_compute(server);
    auto attacker = connect_to(server.address());
    std::mt19937 random(42);
    const auto valid = create_instance_stream();
    int lost = 0;
    for (int round = 0; round < 40; ++round) {
        client::Context context(*attacker, fb::CapsetType::Venus, 1);
        std::vector<std::byte> stream = valid;  // a real instance first, then trouble
        std::vector<std::byte> garbage(64 + random() % 512);
        for (auto& b : garbage) b = static_cast<std::byte>(random());
        if (round % 4 == 1) {
            // A plausible header: a real command index with a random body.
            vv::CommandHeader header{vv::kCommandBase + static_cast<uint32_t>(random() % vv::command_type_count()),
                                     static_cast<uint32_t>(garbage.size())};
            std::memcpy(garbage.data(), &header, sizeof(header));
        } else if (round % 4 == 2) {
            // A command that names objects that do not exist.
            vv::CommandHeader header{vv::kCommandBase + static_cast<uint32_t>(vv::command_index("vkCmdDraw")), 36};
            garbage.assign(36, std::byte{0});
            std::memcpy(garbage.data(), &header, sizeof(header));
            const uint64_t bogus = 0xdeadbeef;
            std::memcpy(garbage.data() + 12, &bogus, sizeof(bogus));
        }
        stream.insert(stream.end(), garbage.begin(), garbage.end());
        context.submit(0, stream);
        attacker->ping();
        if (attacker->context_lost_reason(context.id())) ++lost;
    }
    CHECK(lost == 40);
    attacker->ping();  // the attacker's connection itself is still served
    int status = 0;
    REQUIRE(::waitpid(compute, &status, 0) == compute);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(server.running());
}
