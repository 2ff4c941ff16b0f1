// The generated tables and the one interpreter that walks them: what the
// client encodes, the server decodes to the same native values; outputs
// land in the application's memory; hostile bytes are refused cleanly.
#include <doctest/doctest.h>
#include <vulkan/vulkan.h>

#include <cstring>
#include <map>
#include <random>

#include "wire/venus/Decoder.h"
#include "wire/venus/Encoder.h"
#include "wire/venus/OutputDecoder.h"
#include "wire/venus/VenusStream.h"

using namespace rendersock::wire::venus;

namespace {

// Handles are their own ids in these tests; the resolver knows a few.
struct TestHandles : HandleIds, HandleResolver {
    std::map<uint64_t, uint16_t> live;
    uint64_t id_of(uint16_t, uint64_t native) override { return native; }
    bool resolve(uint16_t type, uint64_t id, uint64_t& host) override {
        auto it = live.find(id);
        if (it == live.end() || it->second != type) return false;
        host = id + 0x1000;
        return true;
    }
};

template <typename... Args>
std::vector<std::byte> encode(const char* name, TestHandles& handles, Args... args) {
    uint64_t slots[] = {uint64_t(args)...};
    std::vector<std::byte> out;
    Encoder encoder(out, handles);
    encoder.command(static_cast<uint32_t>(command_index(name)), 0, slots);
    return out;
}

uint64_t slot(const void* pointer) { return reinterpret_cast<uint64_t>(pointer); }

// Skips the command header and flags, as the server's dispatcher does.
std::span<const std::byte> params_of(const std::vector<std::byte>& command) {
    return std::span(command).subspan(sizeof(CommandHeader) + sizeof(uint32_t));
}

uint16_t handle_index(const char* name) {
    for (uint32_t i = 0; i < handle_type_count(); ++i)
        if (std::strcmp(handle_types()[i].name, name) == 0) return static_cast<uint16_t>(i);
    FAIL("no handle type " << name);
    return 0;
}

}  // namespace

TEST_CASE("the tables cover core Vulkan") {
    CHECK(command_index("vkCreateGraphicsPipelines") >= 0);
    CHECK(command_index("vkCmdDraw") >= 0);
    CHECK(command_index("vkQueueSubmit2") >= 0);
    CHECK(command_index("vkGetInstanceProcAddr") < 0);  // hand-written
    const StructType* info = struct_for_stype(VK_STRUCTURE_TYPE_GRAPHICS_PIPELINE_CREATE_INFO);
    REQUIRE(info);
    CHECK(std::strcmp(info->name, "VkGraphicsPipelineCreateInfo") == 0);
    CHECK(info->size == sizeof(VkGraphicsPipelineCreateInfo));
    CHECK(struct_for_stype(VK_STRUCTURE_TYPE_PIPELINE_RENDERING_CREATE_INFO));
}

TEST_CASE("a graphics pipeline round-trips with arrays, strings, specialization and pNext") {
    TestHandles handles;
    const uint64_t device = 7, layout = 11, module = 12, cache = 0;
    handles.live = {{device, handle_index("VkDevice")},
                    {layout, handle_index("VkPipelineLayout")},
                    {module, handle_index("VkShaderModule")}};
    const uint32_t spec_data[2] = {42, 99};
    VkSpecializationMapEntry entries[2] = {{0, 0, 4}, {1, 4, 4}};
    VkSpecializationInfo specialization{2, entries, sizeof(spec_data), spec_data};
    VkPipelineShaderStageCreateInfo stages[2]{};
    for (int i = 0; i < 2; ++i) {
        stages[i].sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
        stages[i].stage = i ? VK_SHADER_STAGE_FRAGMENT_BIT : VK_SHADER_STAGE_VERTEX_BIT;
        stages[i].module = reinterpret_cast<VkShaderModule>(module);
        stages[i].pName = i ? "frag_main" : "main";
    }
    stages[1].pSpecializationInfo = &specialization;
    const VkSampleMask mask[1] = {0xf0f0u};
    VkPipelineMultisampleStateCreateInfo multisample{};
    multisample.sType = VK_STRUCTURE_TYPE_PIPELINE_MULTISAMPLE_STATE_CREATE_INFO;
    multisample.rasterizationSamples = VK_SAMPLE_COUNT_4_BIT;
    multisample.minSampleShading = 0.25f;
    multisample.pSampleMask = mask;
    VkDynamicState dynamic_states[3] = {VK_DYNAMIC_STATE_VIEWPORT, VK_DYNAMIC_STATE_SCISSOR,
                                        VK_DYNAMIC_STATE_LINE_WIDTH};
    VkPipelineDynamicStateCreateInfo dynamic{VK_STRUCTURE_TYPE_PIPELINE_DYNAMIC_STATE_CREATE_INFO,
                                             nullptr, 0, 3, dynamic_states};
    VkFormat color_format = VK_FORMAT_R8G8B8A8_UNORM;
    VkPipelineRenderingCreateInfo rendering{VK_STRUCTURE_TYPE_PIPELINE_RENDERING_CREATE_INFO};
    rendering.colorAttachmentCount = 1;
    rendering.pColorAttachmentFormats = &color_format;
    rendering.depthAttachmentFormat = VK_FORMAT_D32_SFLOAT;
    // An extension structure we do not forward sits in the chain: dropped.
    VkBaseInStructure unknown{static_cast<VkStructureType>(1000999000),
                              reinterpret_cast<const VkBaseInStructure*>(&rendering)};
    VkGraphicsPipelineCreateInfo info{VK_STRUCTURE_TYPE_GRAPHICS_PIPELINE_CREATE_INFO};
    info.pNext = &unknown;
    info.stageCount = 2;
    info.pStages = stages;
    info.pMultisampleState = &multisample;
    info.pDynamicState = &dynamic;
    info.layout = reinterpret_cast<VkPipelineLayout>(layout);
    VkPipeline pipeline = reinterpret_cast<VkPipeline>(uint64_t{555});

    auto stream = encode("vkCreateGraphicsPipelines", handles, device, cache, 1, slot(&info),
                         0, slot(&pipeline));
    Arena arena;
    Decoder decoder(params_of(stream), arena, handles);
    uint64_t slots[6] = {};
    const auto& command = command_types()[command_index("vkCreateGraphicsPipelines")];
    REQUIRE_MESSAGE(decoder.command_params(command, slots), decoder.error());
    CHECK(decoder.remaining() == 0);
    CHECK(slots[0] == device + 0x1000);
    CHECK(slots[4] == 0);  // pAllocator never travels
    const auto* decoded = reinterpret_cast<const VkGraphicsPipelineCreateInfo*>(slots[3]);
    REQUIRE(decoded);
    CHECK(decoded->stageCount == 2);
    CHECK(std::string(decoded->pStages[0].pName) == "main");
    CHECK(std::string(decoded->pStages[1].pName) == "frag_main");
    CHECK(reinterpret_cast<uint64_t>(decoded->pStages[1].module) == module + 0x1000);
    REQUIRE(decoded->pStages[1].pSpecializationInfo);
    CHECK(decoded->pStages[1].pSpecializationInfo->pMapEntries[1].offset == 4);
    CHECK(std::memcmp(decoded->pStages[1].pSpecializationInfo->pData, spec_data, 8) == 0);
    CHECK(decoded->pStages[0].pSpecializationInfo == nullptr);
    CHECK(decoded->pMultisampleState->pSampleMask[0] == 0xf0f0u);
    CHECK(decoded->pMultisampleState->minSampleShading == 0.25f);
    CHECK(decoded->pDynamicState->pDynamicStates[2] == VK_DYNAMIC_STATE_LINE_WIDTH);
    CHECK(decoded->pVertexInputState == nullptr);
    const auto* chain = static_cast<const VkPipelineRenderingCreateInfo*>(decoded->pNext);
    REQUIRE(chain);
    CHECK(chain->sType == VK_STRUCTURE_TYPE_PIPELINE_RENDERING_CREATE_INFO);
    CHECK(chain->pColorAttachmentFormats[0] == VK_FORMAT_R8G8B8A8_UNORM);
    CHECK(chain->depthAttachmentFormat == VK_FORMAT_D32_SFLOAT);
    CHECK(chain->pNext == nullptr);
    REQUIRE(decoder.created().size() == 1);
    CHECK(decoder.created()[0].id == 555);

    SUBCASE("every truncation is refused without reading past the end") {
        for (size_t length = 0; length < params_of(stream).size(); ++length) {
            Arena scratch;
            Decoder partial(params_of(stream).first(length), scratch, handles);
            uint64_t partial_slots[6] = {};
            CHECK_FALSE(partial.command_params(command, partial_slots));
        }
    }
    SUBCASE("a handle of the wrong type or another context is refused") {
        handles.live[layout] = handle_index("VkBuffer");
        Arena scratch;
        Decoder wrong(params_of(stream), scratch, handles);
        uint64_t wrong_slots[6] = {};
        CHECK_FALSE(wrong.command_params(command, wrong_slots));
        CHECK(wrong.error().find("VkPipelineLayout") != std::string::npos);
    }
}

TEST_CASE("random corruption of a command never crashes the decoder") {
    TestHandles handles;
    handles.live = {{1, handle_index("VkInstance")}};
    const char* layers[] = {"VK_LAYER_one", "VK_LAYER_two"};
    VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO, nullptr, "app", 1, "engine", 2,
                          VK_API_VERSION_1_3};
    VkInstanceCreateInfo info{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO, nullptr, 0, &app, 2, layers,
                              0, nullptr};
    VkDevice device_out = reinterpret_cast<VkDevice>(uint64_t{9});
    VkDeviceQueueCreateInfo queue{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
    float priority = 1.0f;
    queue.queueCount = 1;
    queue.pQueuePriorities = &priority;
    VkDeviceCreateInfo device_info{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
    device_info.queueCreateInfoCount = 1;
    device_info.pQueueCreateInfos = &queue;
    device_info.enabledExtensionCount = 2;
    device_info.ppEnabledExtensionNames = layers;
    handles.live[2] = handle_index("VkPhysicalDevice");
    auto stream = encode("vkCreateDevice", handles, 2, slot(&device_info), 0, slot(&device_out));
    const auto& command = command_types()[command_index("vkCreateDevice")];
    (void)info;
    std::mt19937 random(1234);
    auto params = params_of(stream);
    std::vector<std::byte> copy(params.begin(), params.end());
    int accepted = 0;
    for (int round = 0; round < 20000; ++round) {
        std::vector<std::byte> mutated = copy;
        const int flips = 1 + static_cast<int>(random() % 4);
        for (int i = 0; i < flips; ++i)
            mutated[random() % mutated.size()] = static_cast<std::byte>(random());
        Arena arena(1 << 20);
        Decoder decoder(mutated, arena, handles);
        uint64_t slots[4] = {};
        accepted += decoder.command_params(command, slots) ? 1 : 0;
    }
    CHECK(accepted < 20000);  // most corruptions are caught
}

TEST_CASE("outputs land in the application's structs, arrays and pNext chain") {
    // The server side: fill a VkPhysicalDeviceProperties2 chain and encode it.
    TestHandles handles;
    VkPhysicalDeviceVulkan12Properties server_v12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_PROPERTIES};
    server_v12.driverID = VK_DRIVER_ID_MESA_LLVMPIPE;
    std::strcpy(server_v12.driverName, "llvmpipe");
    VkPhysicalDeviceProperties2 server_props{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2, &server_v12};
    server_props.properties.apiVersion = VK_API_VERSION_1_3;
    server_props.properties.limits.maxImageDimension2D = 16384;
    std::strcpy(server_props.properties.deviceName, "llvmpipe (LLVM 15)");
    uint64_t server_slots[2] = {1, slot(&server_props)};
    std::vector<std::byte> reply;
    Encoder encoder(reply, handles);
    const auto& command = command_types()[command_index("vkGetPhysicalDeviceProperties2")];
    encoder.outputs(command, server_slots);

    // The client side: the application's own chain, in a different order of
    // memory, with a link the server did not fill.
    VkPhysicalDeviceVulkan11Properties app_v11{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_PROPERTIES};
    VkPhysicalDeviceVulkan12Properties app_v12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_PROPERTIES, &app_v11};
    VkPhysicalDeviceProperties2 app_props{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2, &app_v12};
    uint64_t app_slots[2] = {1, slot(&app_props)};
    OutputDecoder decoder(reply);
    REQUIRE_MESSAGE(decoder.outputs(command, app_slots), decoder.error());
    CHECK(app_props.properties.apiVersion == VK_API_VERSION_1_3);
    CHECK(app_props.properties.limits.maxImageDimension2D == 16384);
    CHECK(std::string(app_props.properties.deviceName) == "llvmpipe (LLVM 15)");
    CHECK(app_props.pNext == &app_v12);  // the application's pointers are kept
    CHECK(app_v12.driverID == VK_DRIVER_ID_MESA_LLVMPIPE);
    CHECK(std::string(app_v12.driverName) == "llvmpipe");
    CHECK(app_v12.pNext == &app_v11);
}

TEST_CASE("two-call enumeration: counts in and out, never past the capacity") {
    TestHandles handles;
    VkExtensionProperties server_props[3] = {{"VK_KHR_a", 1}, {"VK_KHR_b", 2}, {"VK_KHR_c", 3}};
    uint32_t server_count = 3;
    uint64_t server_slots[4] = {1, 0, slot(&server_count), slot(server_props)};
    std::vector<std::byte> reply;
    Encoder encoder(reply, handles);
    const auto& command = command_types()[command_index("vkEnumerateDeviceExtensionProperties")];
    encoder.outputs(command, server_slots);

    VkExtensionProperties app_props[3] = {};
    uint32_t app_count = 3;
    uint64_t app_slots[4] = {1, 0, slot(&app_count), slot(app_props)};
    OutputDecoder decoder(reply);
    REQUIRE_MESSAGE(decoder.outputs(command, app_slots), decoder.error());
    CHECK(app_count == 3);
    CHECK(std::string(app_props[2].extensionName) == "VK_KHR_c");
    CHECK(app_props[1].specVersion == 2);

    // A server that claims more elements than the application has room for
    // is refused.
    uint32_t claimed = 3;
    std::vector<std::byte> lie;
    Encoder lying(lie, handles);
    uint64_t lying_slots[4] = {1, 0, slot(&claimed), slot(server_props)};
    lying.outputs(command, lying_slots);
    VkExtensionProperties small[2] = {};
    uint32_t capacity = 2;
    uint64_t small_slots[4] = {1, 0, slot(&capacity), slot(small)};
    OutputDecoder refuse(lie);
    CHECK_FALSE(refuse.outputs(command, small_slots));
}

TEST_CASE("flat commands encode exactly as the table walk would decode them") {
    TestHandles handles;
    handles.live = {{5, handle_index("VkCommandBuffer")}, {9, handle_index("VkBuffer")}};
    for (const char* name : {"vkCmdDraw", "vkCmdBindIndexBuffer", "vkCmdSetLineWidth", "vkCmdDispatch"}) {
        CAPTURE(name);
        const auto index = static_cast<uint32_t>(command_index(name));
        const auto& command = command_types()[index];
        uint64_t slots[8] = {5, 9, 12, 3, 4, 5, 6, 7};
        if (std::string(name) == "vkCmdSetLineWidth") {
            const float width = 2.5f;
            slots[1] = 0;
            std::memcpy(&slots[1], &width, sizeof(width));
        }
        if (std::string(name) != "vkCmdBindIndexBuffer") slots[1] &= 0xffffffffu;
        std::vector<std::byte> stream;
        Encoder encoder(stream, handles);
        encoder.command(index, 0, slots);
        Arena arena;
        Decoder generic(params_of(stream), arena, handles);
        uint64_t decoded[8] = {};
        REQUIRE_MESSAGE(generic.command_params(command, decoded), generic.error());
        CHECK(generic.remaining() == 0);
        CHECK(decoded[0] == 5 + 0x1000);
        for (uint16_t i = 1; i < command.param_count; ++i) {
            const Field& param = command.params[i];
            const uint64_t mask = param.kind == FieldKind::Handle || param.elem_size == 8
                                      ? ~0ull : (1ull << (8 * param.elem_size)) - 1;
            const uint64_t expected = param.kind == FieldKind::Handle ? slots[i] + 0x1000 : slots[i] & mask;
            CHECK(decoded[i] == expected);
        }
    }
}

TEST_CASE("strided arrays travel packed and reach the host with the packed stride") {
    // vk.xml: pVertexInfo / pIndexInfo elements lie `stride` bytes apart
    // (Zink passes 12 for the 8-byte VkMultiDrawInfoEXT).
    TestHandles handles;
    handles.live = {{5, handle_index("VkCommandBuffer")}};
    struct Padded {
        VkMultiDrawInfoEXT info;
        uint32_t junk[2];
    };
    const Padded draws[3] = {{{0, 3}, {0xdead, 0xbeef}}, {{3, 6}, {0xdead, 0xbeef}}, {{9, 4}, {0xdead, 0xbeef}}};
    static_assert(sizeof(Padded) == 16);
    auto stream = encode("vkCmdDrawMultiEXT", handles, 5, 3, slot(draws), 2, 1, sizeof(Padded));
    Arena arena;
    Decoder decoder(params_of(stream), arena, handles);
    uint64_t slots[6] = {};
    REQUIRE_MESSAGE(decoder.command_params(command_types()[command_index("vkCmdDrawMultiEXT")], slots),
                    decoder.error());
    CHECK(decoder.remaining() == 0);
    CHECK(slots[5] == sizeof(VkMultiDrawInfoEXT));
    const auto* packed = reinterpret_cast<const VkMultiDrawInfoEXT*>(slots[2]);
    for (int i = 0; i < 3; ++i) {
        CHECK(packed[i].firstVertex == draws[i].info.firstVertex);
        CHECK(packed[i].vertexCount == draws[i].info.vertexCount);
    }
    CHECK(slots[3] == 2);
    CHECK(slots[4] == 1);

    struct PaddedIndexed {
        VkMultiDrawIndexedInfoEXT info;
        uint32_t junk;
    };
    const PaddedIndexed indexed[2] = {{{0, 6, 0}, 0xdead}, {{6, 3, -2}, 0xbeef}};
    const int32_t vertex_offset = 7;
    auto indexed_stream = encode("vkCmdDrawMultiIndexedEXT", handles, 5, 2, slot(indexed), 1, 0,
                                 sizeof(PaddedIndexed), slot(&vertex_offset));
    Decoder indexed_decoder(params_of(indexed_stream), arena, handles);
    uint64_t indexed_slots[7] = {};
    REQUIRE_MESSAGE(indexed_decoder.command_params(command_types()[command_index("vkCmdDrawMultiIndexedEXT")],
                                                   indexed_slots),
                    indexed_decoder.error());
    CHECK(indexed_slots[5] == sizeof(VkMultiDrawIndexedInfoEXT));
    const auto* packed_indexed = reinterpret_cast<const VkMultiDrawIndexedInfoEXT*>(indexed_slots[2]);
    CHECK(packed_indexed[1].firstIndex == 6);
    CHECK(packed_indexed[1].indexCount == 3);
    CHECK(packed_indexed[1].vertexOffset == -2);
    CHECK(*reinterpret_cast<const int32_t*>(indexed_slots[6]) == 7);
}

TEST_CASE("a null array is refused where the API requires one and its length is not zero") {
    // The client encodes what the application gave; a hostile one gives
    // signalSemaphoreCount 131328 and no semaphores, which lavapipe reads.
    TestHandles handles;
    handles.live = {{7, handle_index("VkQueue")}, {8, handle_index("VkCommandBuffer")}};
    const uint64_t command_buffer = 8;
    VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
    submit.commandBufferCount = 1;
    submit.pCommandBuffers = reinterpret_cast<const VkCommandBuffer*>(&command_buffer);
    const CommandType& queue_submit = command_types()[command_index("vkQueueSubmit")];
    auto decodes = [&](const VkSubmitInfo& info, std::string* error = nullptr) {
        auto stream = encode("vkQueueSubmit", handles, 7, 1, slot(&info), 0);
        Arena arena;
        Decoder decoder(params_of(stream), arena, handles);
        uint64_t slots[4] = {};
        const bool ok = decoder.command_params(queue_submit, slots);
        if (error) *error = decoder.error();
        return ok;
    };
    CHECK(decodes(submit));
    submit.signalSemaphoreCount = 131328;
    std::string error;
    CHECK_FALSE(decodes(submit, &error));
    CHECK(error.find("pSignalSemaphores") != std::string::npos);

    // vk.xml leaves pViewports to other state (dynamic viewports): null with
    // a count of one stays allowed.
    VkPipelineViewportStateCreateInfo viewport{VK_STRUCTURE_TYPE_PIPELINE_VIEWPORT_STATE_CREATE_INFO};
    viewport.viewportCount = 1;
    viewport.scissorCount = 1;
    VkGraphicsPipelineCreateInfo pipeline{VK_STRUCTURE_TYPE_GRAPHICS_PIPELINE_CREATE_INFO};
    pipeline.pViewportState = &viewport;
    handles.live[9] = handle_index("VkDevice");
    VkPipeline created = reinterpret_cast<VkPipeline>(uint64_t{556});  // the id the client names it by
    auto stream = encode("vkCreateGraphicsPipelines", handles, 9, 0, 1, slot(&pipeline), 0, slot(&created));
    Arena arena;
    Decoder decoder(params_of(stream), arena, handles);
    uint64_t slots[6] = {};
    CHECK_MESSAGE(decoder.command_params(command_types()[command_index("vkCreateGraphicsPipelines")], slots),
                  decoder.error());
}
