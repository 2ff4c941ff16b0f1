// Garbled Venus streams from a raw client end that client's context with an
// error, while another client's real Vulkan work completes.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vulkan/vulkan.h>

#include <cstdio>
#include <cstring>
#include <random>

#include "tests/support/ServerProcess.h"
#include "tests/support/VenusScript.h"
#include "wire/client/Context.h"
#include "wire/venus/Encoder.h"
#include "wire/venus/VenusStream.h"

using namespace rendersock;
using testing::ServerProcess;
namespace fb = wire::fb;
namespace vv = wire::venus;

namespace {

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

using testing::create_instance_stream;

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

namespace {

// The VkResult of a one-command stream that asked for its reply.
int32_t result_of(client::Context& context, const std::vector<std::byte>& command) {
    const client::Reply reply = context.submit_and_wait(0, command);
    int32_t result = 1;  // not a VkResult a command returns here
    if (reply.frame.payload.size() >= 16) std::memcpy(&result, reply.frame.payload.data() + 8, sizeof(result));
    return result;
}

int32_t allocate(client::Context& context, uint64_t device, uint64_t memory_id, uint64_t bytes) {
    VkMemoryAllocateInfo info{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
    info.allocationSize = bytes;
    info.memoryTypeIndex = 0;
    VkDeviceMemory memory = testing::handle<VkDeviceMemory>(memory_id);
    testing::VenusScript s;
    s("vkAllocateMemory", testing::kWantsReply, device, testing::ptr(&info), 0, testing::ptr(&memory));
    return result_of(context, s.commands.front());
}

}  // namespace

// Device memory no blob backs (what a device-local type gets; a raw client
// can ask for it on any device) counts against --max-device-memory-bytes
// per client, across its contexts; freeing gives it back.
TEST_CASE("device memory outside blobs is held to the client's budget") {
    ServerProcess server(ServerProcess::Config{.extra_args = {"--max-device-memory-bytes", "16777216"}});
    auto connection = connect_to(server.address());
    client::Context context(*connection, fb::CapsetType::Venus, 1);
    constexpr uint64_t kInstance = 1, kPhysical = 2, kDevice = 3;
    REQUIRE(result_of(context, testing::create_instance_stream(kInstance)) == VK_SUCCESS);
    testing::VenusScript setup;
    testing::create_device(setup, kInstance, kPhysical, kDevice);
    for (const auto& command : setup.commands) REQUIRE(result_of(context, command) == VK_SUCCESS);

    CHECK(allocate(context, kDevice, 0x100, 12 << 20) == VK_SUCCESS);
    CHECK(allocate(context, kDevice, 0x101, 8 << 20) == VK_ERROR_OUT_OF_DEVICE_MEMORY);
    CHECK(allocate(context, kDevice, 0x102, 4 << 20) == VK_SUCCESS);
    CHECK(allocate(context, kDevice, 0x103, 1ull << 40) == VK_ERROR_OUT_OF_DEVICE_MEMORY);
    testing::VenusScript free_first;
    free_first("vkFreeMemory", 0, kDevice, 0x100, 0);
    context.submit(0, free_first.commands.front());
    CHECK(allocate(context, kDevice, 0x104, 8 << 20) == VK_SUCCESS);
    connection->ping();
    CHECK_FALSE(connection->context_lost_reason(context.id()).has_value());
    CHECK(server.running());
    // The refusal is explained where the operator looks.
    CHECK(server.log().find("--max-device-memory-bytes") != std::string::npos);
}

// A null handle where the API requires one never reaches the host driver
// (lavapipe read through a null vkBindBufferMemory memory: found by
// fuzz_venus): the context ends with a message naming it; the same
// connection goes on with a new context.
TEST_CASE("a null handle the API requires ends the context, not the server") {
    ServerProcess server;
    auto connection = connect_to(server.address());
    constexpr uint64_t kInstance = 1, kPhysical = 2, kDevice = 3, kBuffer = 4;
    {
        client::Context context(*connection, fb::CapsetType::Venus, 1);
        REQUIRE(result_of(context, testing::create_instance_stream(kInstance)) == VK_SUCCESS);
        testing::VenusScript s;
        testing::create_device(s, kInstance, kPhysical, kDevice);
        VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
        info.size = 4096;
        info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT;
        VkBuffer buffer = testing::handle<VkBuffer>(kBuffer);
        s("vkCreateBuffer", testing::kWantsReply, kDevice, testing::ptr(&info), 0, testing::ptr(&buffer));
        for (const auto& command : s.commands) REQUIRE(result_of(context, command) == VK_SUCCESS);
        testing::VenusScript bind;
        bind("vkBindBufferMemory", testing::kWantsReply, kDevice, kBuffer, 0, 0);
        CHECK_THROWS_WITH_AS(context.submit_and_wait(0, bind.commands.front()),
                             doctest::Contains("null VkDeviceMemory"), client::RemoteError);
    }
    client::Context fresh(*connection, fb::CapsetType::Venus, 1);
    CHECK(result_of(fresh, testing::create_instance_stream(kInstance)) == VK_SUCCESS);
    CHECK(server.running());
}

namespace {

std::vector<uint32_t> read_spirv(const std::string& path) {
    std::FILE* file = std::fopen(path.c_str(), "rb");
    std::vector<uint32_t> words;
    if (!file) return words;
    uint32_t word;
    while (std::fread(&word, sizeof(word), 1, file) == 1) words.push_back(word);
    std::fclose(file);
    return words;
}

// A context with a device (ids 1-3), ready for the shader checks below.
void make_device(client::Context& context) {
    REQUIRE(result_of(context, testing::create_instance_stream(1)) == VK_SUCCESS);
    testing::VenusScript s;
    testing::create_device(s, 1, 2, 3);
    for (const auto& command : s.commands) REQUIRE(result_of(context, command) == VK_SUCCESS);
}

std::string loss_of(client::Context& context, const std::vector<std::byte>& command) {
    try {
        context.submit_and_wait(0, command);
    } catch (const client::RemoteError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

// SPIR-V and specialization data are checked before the host compiler sees
// them (fuzz_venus found lavapipe's compiler crashing on a mutated compute
// pipeline): invalid SPIR-V and a specialization constant past its data end
// the context with the reason; valid ones go through.
TEST_CASE("invalid SPIR-V, specialization data out of range and shaders outside their layout end the context") {
    ServerProcess server;
    auto connection = connect_to(server.address());
    const auto spirv = read_spirv(testing::build_dir() + "/tests/vulkan/compute.spv");
    REQUIRE(spirv.size() > 5);

    auto module_command = [](const std::vector<uint32_t>& code, uint64_t id) {
        VkShaderModuleCreateInfo info{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
        info.codeSize = code.size() * 4;
        info.pCode = code.data();
        VkShaderModule module = testing::handle<VkShaderModule>(id);
        testing::VenusScript s;
        s("vkCreateShaderModule", testing::kWantsReply, 3, testing::ptr(&info), 0, testing::ptr(&module));
        return s.commands.front();
    };
    {
        client::Context context(*connection, fb::CapsetType::Venus, 1);
        make_device(context);
        std::vector<uint32_t> broken = spirv;
        for (size_t i = 5; i < broken.size(); i += 3) broken[i] ^= 0x5a5a5a5a;
        CHECK(loss_of(context, module_command(broken, 10)).find("does not validate") != std::string::npos);
    }
    client::Context context(*connection, fb::CapsetType::Venus, 1);
    make_device(context);
    REQUIRE(result_of(context, module_command(spirv, 10)) == VK_SUCCESS);
    VkPipelineLayoutCreateInfo layout_info{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
    VkPipelineLayout layout = testing::handle<VkPipelineLayout>(11);
    testing::VenusScript s;
    s("vkCreatePipelineLayout", testing::kWantsReply, 3, testing::ptr(&layout_info), 0, testing::ptr(&layout));
    REQUIRE(result_of(context, s.commands.front()) == VK_SUCCESS);
    const VkSpecializationMapEntry entry{0, 8, 4};  // bytes [8, 12) of 4
    const uint32_t data = 7;
    VkSpecializationInfo specialization{1, &entry, sizeof(data), &data};
    VkComputePipelineCreateInfo info{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
    info.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
    info.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
    info.stage.module = testing::handle<VkShaderModule>(10);
    info.stage.pName = "main";
    info.stage.pSpecializationInfo = &specialization;
    info.layout = layout;
    VkPipeline pipeline = testing::handle<VkPipeline>(12);
    testing::VenusScript p;
    p("vkCreateComputePipelines", testing::kWantsReply, 3, 0, 1, testing::ptr(&info), 0, testing::ptr(&pipeline));
    CHECK(loss_of(context, p.commands.front()).find("reads past") != std::string::npos);

    // The module uses set 0, binding 0 and 1; a layout without sets lacks
    // them (fuzz_control made lavapipe's compiler look up set 33 554 432).
    client::Context other(*connection, fb::CapsetType::Venus, 1);
    make_device(other);
    REQUIRE(result_of(other, module_command(spirv, 10)) == VK_SUCCESS);
    REQUIRE(result_of(other, s.commands.front()) == VK_SUCCESS);
    info.stage.pSpecializationInfo = nullptr;
    testing::VenusScript q;
    q("vkCreateComputePipelines", testing::kWantsReply, 3, 0, 1, testing::ptr(&info), 0, testing::ptr(&pipeline));
    CHECK(loss_of(other, q.commands.front()).find("the shader uses descriptor set 0, the pipeline layout has 0") !=
          std::string::npos);
    CHECK(server.running());
}

namespace {

// A device (ids 1-3) with a 4 KiB buffer (4) usable as a texel buffer and
// 8 KiB of memory (5), nothing bound yet.
void make_buffer_and_memory(client::Context& context) {
    make_device(context);
    VkBufferCreateInfo buffer_info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
    buffer_info.size = 4096;
    buffer_info.usage = VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT;
    VkBuffer buffer = testing::handle<VkBuffer>(4);
    VkMemoryAllocateInfo memory_info{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
    memory_info.allocationSize = 8192;
    VkDeviceMemory memory = testing::handle<VkDeviceMemory>(5);
    testing::VenusScript s;
    s("vkCreateBuffer", testing::kWantsReply, 3, testing::ptr(&buffer_info), 0, testing::ptr(&buffer));
    s("vkAllocateMemory", testing::kWantsReply, 3, testing::ptr(&memory_info), 0, testing::ptr(&memory));
    for (const auto& command : s.commands) REQUIRE(result_of(context, command) == VK_SUCCESS);
}

std::vector<std::byte> bind_command(uint64_t offset) {
    testing::VenusScript s;
    s("vkBindBufferMemory", testing::kWantsReply, 3, 4, 5, offset);
    return s.commands.front();
}

std::vector<std::byte> buffer_view_command(uint64_t offset, uint64_t range) {
    VkBufferViewCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_VIEW_CREATE_INFO};
    info.buffer = testing::handle<VkBuffer>(4);
    info.format = VK_FORMAT_R8G8B8A8_UNORM;
    info.offset = offset;
    info.range = range;
    VkBufferView view = testing::handle<VkBufferView>(6);
    testing::VenusScript s;
    s("vkCreateBufferView", testing::kWantsReply, 3, testing::ptr(&info), 0, testing::ptr(&view));
    return s.commands.front();
}

}  // namespace

// Host drivers follow the offsets and ranges they are given (fuzz_control
// made lavapipe's shader write 1 GiB past a 4 KiB buffer through a
// descriptor): ranges outside what the server saw created and bound end the
// context with the numbers; ranges inside go through.
TEST_CASE("buffer and memory ranges past their end end the context") {
    ServerProcess server;
    auto connection = connect_to(server.address());
    auto lost_with = [&](auto&& steps) {
        client::Context context(*connection, fb::CapsetType::Venus, 1);
        make_buffer_and_memory(context);
        return steps(context);
    };
    CHECK(lost_with([](client::Context& c) { return loss_of(c, bind_command(8192)); })
              .find("4096 bytes at offset 8192 of an allocation of 8192") != std::string::npos);
    CHECK(lost_with([](client::Context& c) { return loss_of(c, buffer_view_command(0, VK_WHOLE_SIZE)); })
              .find("no live memory bound") != std::string::npos);
    CHECK(lost_with([](client::Context& c) {
              REQUIRE(result_of(c, bind_command(4096)) == VK_SUCCESS);
              return loss_of(c, buffer_view_command(uint64_t{1} << 30, 256));
          }).find("offset 1073741824 is outside a buffer of 4096 bytes") != std::string::npos);
    CHECK(lost_with([](client::Context& c) {
              REQUIRE(result_of(c, bind_command(0)) == VK_SUCCESS);
              return loss_of(c, buffer_view_command(4000, 256));
          }).find("256 bytes at offset 4000 overrun a buffer of 4096 bytes") != std::string::npos);
    CHECK(lost_with([](client::Context& c) {
              REQUIRE(result_of(c, bind_command(0)) == VK_SUCCESS);
              testing::VenusScript free_memory;
              free_memory("vkFreeMemory", 0, 3, 5, 0);
              c.submit(0, free_memory.commands.front());
              return loss_of(c, buffer_view_command(0, VK_WHOLE_SIZE));
          }).find("no live memory bound") != std::string::npos);

    client::Context context(*connection, fb::CapsetType::Venus, 1);
    make_buffer_and_memory(context);
    REQUIRE(result_of(context, bind_command(4096)) == VK_SUCCESS);
    CHECK(result_of(context, buffer_view_command(0, VK_WHOLE_SIZE)) == VK_SUCCESS);
    CHECK(server.running());
}

namespace {

// On the device of make_device: queue 4, event 7, a command buffer 9 (from
// pool 8) that sets the event. Returns the vkQueueSubmit of that buffer.
std::vector<std::byte> record_set_event(client::Context& context) {
    make_device(context);
    testing::VenusScript s;
    VkQueue queue = testing::handle<VkQueue>(4);
    s("vkGetDeviceQueue", testing::kWantsReply, 3, 0, 0, testing::ptr(&queue));
    const VkEventCreateInfo event_info{VK_STRUCTURE_TYPE_EVENT_CREATE_INFO};
    VkEvent event = testing::handle<VkEvent>(7);
    s("vkCreateEvent", testing::kWantsReply, 3, testing::ptr(&event_info), 0, testing::ptr(&event));
    VkCommandPoolCreateInfo pool_info{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
    pool_info.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
    VkCommandPool pool = testing::handle<VkCommandPool>(8);
    s("vkCreateCommandPool", testing::kWantsReply, 3, testing::ptr(&pool_info), 0, testing::ptr(&pool));
    VkCommandBufferAllocateInfo allocate_info{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    allocate_info.commandPool = pool;
    allocate_info.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    allocate_info.commandBufferCount = 1;
    VkCommandBuffer commands = testing::handle<VkCommandBuffer>(9);
    s("vkAllocateCommandBuffers", testing::kWantsReply, 3, testing::ptr(&allocate_info), testing::ptr(&commands));
    const VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    s("vkBeginCommandBuffer", testing::kWantsReply, 9, testing::ptr(&begin));
    for (const auto& command : s.commands) REQUIRE(result_of(context, command) == VK_SUCCESS);
    testing::VenusScript record;
    record("vkCmdSetEvent", 0, 9, 7, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT);
    record("vkEndCommandBuffer", testing::kWantsReply, 9);
    context.submit(0, record.commands[0]);
    REQUIRE(result_of(context, record.commands[1]) == VK_SUCCESS);
    VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
    submit.commandBufferCount = 1;
    submit.pCommandBuffers = &commands;
    testing::VenusScript submission;
    submission("vkQueueSubmit", testing::kWantsReply, 4, 1, testing::ptr(&submit), 0);
    return submission.commands.front();
}

}  // namespace

// A command buffer names the objects it recorded; submitting it after one
// of them was destroyed would have the host use a freed object (fuzz_venus
// made lavapipe jump into a destroyed pipeline's code). The submit ends the
// context with the reason; recorded again without it, it runs.
TEST_CASE("submitting a command buffer whose objects were destroyed since ends the context") {
    ServerProcess server;
    auto connection = connect_to(server.address());
    {
        client::Context context(*connection, fb::CapsetType::Venus, 1);
        const auto submit = record_set_event(context);
        testing::VenusScript destroy;
        destroy("vkDestroyEvent", 0, 3, 7, 0);
        context.submit(0, destroy.commands.front());
        CHECK(loss_of(context, submit).find("uses object 7, destroyed since it was recorded") != std::string::npos);
    }
    client::Context context(*connection, fb::CapsetType::Venus, 1);
    const auto submit = record_set_event(context);
    CHECK(result_of(context, submit) == VK_SUCCESS);
    // The same id made again is another object: the recording still refers
    // to the old one.
    testing::VenusScript again;
    const VkEventCreateInfo event_info{VK_STRUCTURE_TYPE_EVENT_CREATE_INFO};
    VkEvent event = testing::handle<VkEvent>(7);
    again("vkDestroyEvent", 0, 3, 7, 0);
    again("vkCreateEvent", testing::kWantsReply, 3, testing::ptr(&event_info), 0, testing::ptr(&event));
    context.submit(0, again.commands[0]);
    REQUIRE(result_of(context, again.commands[1]) == VK_SUCCESS);
    CHECK(loss_of(context, submit).find("destroyed since it was recorded") != std::string::npos);
    CHECK(server.running());
}

namespace {

// On make_buffer_and_memory's device (buffer 4 bound to memory 5): a
// 16x16 RGBA8 image 10 with one level and layer, bound to memory 11, and a
// command buffer 13 (pool 12) recording.
void make_image_and_recording(client::Context& context) {
    make_buffer_and_memory(context);
    REQUIRE(result_of(context, bind_command(0)) == VK_SUCCESS);
    const VkImageCreateInfo image_info = image_2d_info(
        VK_FORMAT_R8G8B8A8_UNORM, 16, 16, VK_IMAGE_USAGE_TRANSFER_DST_BIT | VK_IMAGE_USAGE_SAMPLED_BIT);
    VkImage image = testing::handle<VkImage>(10);
    VkMemoryAllocateInfo memory_info{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
    memory_info.allocationSize = 1 << 16;
    VkDeviceMemory memory = testing::handle<VkDeviceMemory>(11);
    VkCommandPoolCreateInfo pool_info{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
    VkCommandPool pool = testing::handle<VkCommandPool>(12);
    VkCommandBufferAllocateInfo allocate_info{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    allocate_info.commandPool = pool;
    allocate_info.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    allocate_info.commandBufferCount = 1;
    VkCommandBuffer commands = testing::handle<VkCommandBuffer>(13);
    const VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    testing::VenusScript s;
    s("vkCreateImage", testing::kWantsReply, 3, testing::ptr(&image_info), 0, testing::ptr(&image));
    s("vkAllocateMemory", testing::kWantsReply, 3, testing::ptr(&memory_info), 0, testing::ptr(&memory));
    s("vkBindImageMemory", testing::kWantsReply, 3, 10, 11, 0);
    s("vkCreateCommandPool", testing::kWantsReply, 3, testing::ptr(&pool_info), 0, testing::ptr(&pool));
    s("vkAllocateCommandBuffers", testing::kWantsReply, 3, testing::ptr(&allocate_info), testing::ptr(&commands));
    s("vkBeginCommandBuffer", testing::kWantsReply, 13, testing::ptr(&begin));
    for (const auto& command : s.commands) REQUIRE(result_of(context, command) == VK_SUCCESS);
}

// Records one buffer-to-image copy into command buffer 13, then asks for
// vkEndCommandBuffer's answer. The reason the context was lost (a streamed
// command has no answer of its own to carry it), empty if it lives.
std::string copy_to_image(client::Connection& connection, client::Context& context, VkBufferImageCopy region) {
    testing::VenusScript s;
    s("vkCmdCopyBufferToImage", 0, 13, 4, 10, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, testing::ptr(&region));
    s("vkEndCommandBuffer", testing::kWantsReply, 13);
    context.submit(0, s.commands[0]);
    loss_of(context, s.commands[1]);
    return connection.context_lost_reason(context.id()).value_or("");
}

std::vector<std::byte> image_view_command(uint32_t base_level) {
    VkImageViewCreateInfo info{VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
    info.image = testing::handle<VkImage>(10);
    info.viewType = VK_IMAGE_VIEW_TYPE_2D;
    info.format = VK_FORMAT_R8G8B8A8_UNORM;
    info.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, base_level, 1, 0, 1};
    VkImageView view = testing::handle<VkImageView>(14);
    testing::VenusScript s;
    s("vkCreateImageView", testing::kWantsReply, 3, testing::ptr(&info), 0, testing::ptr(&view));
    return s.commands.front();
}

}  // namespace

// The image side of copies and views: levels, layers and boxes outside the
// image, and buffer extents a region would run past (4 bytes a texel of
// RGBA8), end the context; a copy that fits goes through.
TEST_CASE("image regions and buffer extents past their end end the context") {
    ServerProcess server;
    auto connection = connect_to(server.address());
    VkBufferImageCopy fits{};
    fits.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
    fits.imageExtent = {16, 16, 1};  // 1 KiB of the 4 KiB buffer
    auto lost_with = [&](auto&& steps) {
        client::Context context(*connection, fb::CapsetType::Venus, 1);
        make_image_and_recording(context);
        return steps(context);
    };
    CHECK(lost_with([](client::Context& c) { return loss_of(c, image_view_command(1)); })
              .find("levels from 1 (1), layers from 0 (1) of an image with 1 levels and 1 layers") != std::string::npos);
    CHECK(lost_with([&](client::Context& c) {
              VkBufferImageCopy region = fits;
              region.imageExtent = {32, 16, 1};
              return copy_to_image(*connection, c, region);
          }).find("leaves level 0 (16x16x1)") != std::string::npos);
    CHECK(lost_with([&](client::Context& c) {
              VkBufferImageCopy region = fits;
              region.imageSubresource.mipLevel = 3;
              return copy_to_image(*connection, c, region);
          }).find("mip level 3 of an image with 1") != std::string::npos);
    CHECK(lost_with([&](client::Context& c) {
              VkBufferImageCopy region = fits;
              region.bufferOffset = 3500;
              return copy_to_image(*connection, c, region);
          }).find("1024 bytes at offset 3500 overrun a buffer of 4096 bytes") != std::string::npos);

    client::Context context(*connection, fb::CapsetType::Venus, 1);
    make_image_and_recording(context);
    CHECK(result_of(context, image_view_command(0)) == VK_SUCCESS);
    CHECK(copy_to_image(*connection, context, fits).empty());
    CHECK(server.running());
}

// A query index past its pool (fuzz_control made lavapipe write a
// timestamp 4 097 queries into a pool of 2) ends the context.
TEST_CASE("queries past their pool end the context") {
    ServerProcess server;
    auto connection = connect_to(server.address());
    auto timestamp_at = [&](uint32_t query) {
        client::Context context(*connection, fb::CapsetType::Venus, 1);
        make_image_and_recording(context);
        VkQueryPoolCreateInfo pool_info{VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO};
        pool_info.queryType = VK_QUERY_TYPE_TIMESTAMP;
        pool_info.queryCount = 2;
        VkQueryPool pool = testing::handle<VkQueryPool>(15);
        testing::VenusScript s;
        s("vkCreateQueryPool", testing::kWantsReply, 3, testing::ptr(&pool_info), 0, testing::ptr(&pool));
        s("vkCmdWriteTimestamp", 0, 13, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, 15, query);
        s("vkEndCommandBuffer", testing::kWantsReply, 13);
        REQUIRE(result_of(context, s.commands[0]) == VK_SUCCESS);
        context.submit(0, s.commands[1]);
        loss_of(context, s.commands[2]);
        return connection->context_lost_reason(context.id()).value_or("");
    };
    CHECK(timestamp_at(4097).find("queries from 4097 (1) of a pool of 2") != std::string::npos);
    CHECK(timestamp_at(1).empty());
    CHECK(server.running());
}
