// Vulkan API benchmarks: an ordinary Vulkan program (it knows nothing of
// rendersock), run natively and through rendersock by vulkan_compare.py.
// Prints progress to stderr and, last on stdout, one JSON object whose
// values are numbers:
//   command_rate_dispatches_per_s  20000 vkCmdDispatch(1,1,1) of a trivial
//       compute shader in one command buffer (pipeline, descriptor set and
//       push constant bound once), timed over record + submit + wait
//   command_rate_draws_per_s       20000 vkCmdDraw(3,1,0,0) into a 16x16
//       image with dynamic rendering, the same way (only with VERT and FRAG)
//   record_draws_per_s             the same draws, timed over the recording
//       alone (begin, draws, end): through rendersock, the client's side
//       of the draw rate
//   fence_status_us                mean vkGetFenceStatus on a signalled fence
//   empty_submit_wait_us           mean vkQueueSubmit(no command buffers,
//       fence) + vkWaitForFences + vkResetFences
//   mapped_write_gbps, mapped_read_gbps  memcpy into / out of a 64 MiB
//       HOST_VISIBLE|HOST_COHERENT mapping, 256 MiB a round, >= 0.3 s
//   buffer_create_destroy_per_s    vkCreateBuffer + vkDestroyBuffer pairs
//   descriptor_set_alloc_free_per_s  vkAllocateDescriptorSets +
//       vkFreeDescriptorSets pairs
//
// usage: vulkan_bench [--quick] COMP.spv [VERT.spv FRAG.spv]
//   --quick  10x fewer iterations (a smoke run)
#include <chrono>
#include <cstring>
#include <string>
#include <utility>

#include "VulkanApp.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr uint64_t MiB = 1024 * 1024;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

struct Options {
    bool quick = false;
    const char* comp = nullptr;
    const char* vert = nullptr;
    const char* frag = nullptr;
    uint32_t scaled(uint32_t n) const { return quick ? n / 10 : n; }
};

VkFence make_fence(VkDevice device) {
    VkFenceCreateInfo info{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    VkFence fence;
    VK_CHECK(vkCreateFence(device, &info, nullptr, &fence));
    return fence;
}

void submit_wait_reset(VkQueue queue, VkDevice device, VkCommandBuffer commands, VkFence fence) {
    VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
    submit.commandBufferCount = commands ? 1 : 0;
    submit.pCommandBuffers = commands ? &commands : nullptr;
    VK_CHECK(vkQueueSubmit(queue, commands ? 1 : 0, commands ? &submit : nullptr, fence));
    VK_CHECK(vkWaitForFences(device, 1, &fence, VK_TRUE, UINT64_MAX));
    VK_CHECK(vkResetFences(device, 1, &fence));
}

// Records `count` commands with `record` (called between begin and end),
// submits and waits, `rounds` times after one warm-up round; returns
// commands per second over the timed rounds.
template <typename Record>
double command_rate(const VulkanApp& app, VkCommandBuffer commands, VkFence fence, uint32_t count,
                    uint32_t rounds, Record record) {
    VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    auto one_round = [&] {
        VK_CHECK(vkResetCommandBuffer(commands, 0));
        VK_CHECK(vkBeginCommandBuffer(commands, &begin));
        record(commands, count);
        VK_CHECK(vkEndCommandBuffer(commands));
        submit_wait_reset(app.queue, app.device, commands, fence);
    };
    one_round();
    const auto start = Clock::now();
    for (uint32_t r = 0; r < rounds; ++r) one_round();
    return double(count) * rounds / seconds_since(start);
}

// The same rounds, timing only the recording (the submit and wait between
// rounds are not counted).
template <typename Record>
double record_rate(const VulkanApp& app, VkCommandBuffer commands, VkFence fence, uint32_t count, uint32_t rounds,
                   Record record) {
    VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    double recording = 0;
    for (uint32_t r = 0; r <= rounds; ++r) {
        VK_CHECK(vkResetCommandBuffer(commands, 0));
        const auto start = Clock::now();
        VK_CHECK(vkBeginCommandBuffer(commands, &begin));
        record(commands, count);
        VK_CHECK(vkEndCommandBuffer(commands));
        if (r > 0) recording += seconds_since(start);  // round 0 warms up
        submit_wait_reset(app.queue, app.device, commands, fence);
    }
    return double(count) * rounds / recording;
}

struct ComputeSetup {
    VkDescriptorSetLayout set_layout;
    VkPipelineLayout pipeline_layout;
    VkShaderModule module;
    VkPipeline pipeline;
};

ComputeSetup make_compute(const VulkanApp& app, const char* path) {
    VkDevice device = app.device;
    ComputeSetup s{};
    VkDescriptorSetLayoutBinding binding{0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT,
                                         nullptr};
    VkDescriptorSetLayoutCreateInfo layout_info{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
    layout_info.bindingCount = 1;
    layout_info.pBindings = &binding;
    VK_CHECK(vkCreateDescriptorSetLayout(device, &layout_info, nullptr, &s.set_layout));
    VkPushConstantRange push_range{VK_SHADER_STAGE_COMPUTE_BIT, 0, 4};
    VkPipelineLayoutCreateInfo pipeline_layout_info{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
    pipeline_layout_info.setLayoutCount = 1;
    pipeline_layout_info.pSetLayouts = &s.set_layout;
    pipeline_layout_info.pushConstantRangeCount = 1;
    pipeline_layout_info.pPushConstantRanges = &push_range;
    VK_CHECK(vkCreatePipelineLayout(device, &pipeline_layout_info, nullptr, &s.pipeline_layout));
    s.module = app.shader(path);
    VkComputePipelineCreateInfo info{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
    info.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
    info.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
    info.stage.module = s.module;
    info.stage.pName = "main";
    info.layout = s.pipeline_layout;
    VK_CHECK(vkCreateComputePipelines(device, VK_NULL_HANDLE, 1, &info, nullptr, &s.pipeline));
    return s;
}

void destroy(VkDevice device, const ComputeSetup& s) {
    vkDestroyPipeline(device, s.pipeline, nullptr);
    vkDestroyShaderModule(device, s.module, nullptr);
    vkDestroyPipelineLayout(device, s.pipeline_layout, nullptr);
    vkDestroyDescriptorSetLayout(device, s.set_layout, nullptr);
}

// A 16x16 color image and a pipeline that draws a small triangle into it
// with dynamic rendering.
struct GraphicsSetup {
    VkImage image;
    VkDeviceMemory memory;
    VkImageView view;
    VkPipelineLayout layout;
    VkShaderModule vert, frag;
    VkPipeline pipeline;
};

constexpr uint32_t kSize = 16;
constexpr VkFormat kFormat = VK_FORMAT_R8G8B8A8_UNORM;

GraphicsSetup make_graphics(const VulkanApp& app, const char* vert, const char* frag) {
    VkDevice device = app.device;
    GraphicsSetup g{};
    const VkImageCreateInfo image_info = image_2d_info(kFormat, kSize, kSize, VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT);
    VK_CHECK(vkCreateImage(device, &image_info, nullptr, &g.image));
    VkMemoryRequirements requirements;
    vkGetImageMemoryRequirements(device, g.image, &requirements);
    g.memory = app.allocate(requirements, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
    VK_CHECK(vkBindImageMemory(device, g.image, g.memory, 0));
    VkImageViewCreateInfo view_info{VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
    view_info.image = g.image;
    view_info.viewType = VK_IMAGE_VIEW_TYPE_2D;
    view_info.format = kFormat;
    view_info.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    VK_CHECK(vkCreateImageView(device, &view_info, nullptr, &g.view));

    VkPipelineLayoutCreateInfo layout_info{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
    VK_CHECK(vkCreatePipelineLayout(device, &layout_info, nullptr, &g.layout));
    g.vert = app.shader(vert);
    g.frag = app.shader(frag);
    VkPipelineShaderStageCreateInfo stages[2] = {};
    for (auto& stage : stages) {
        stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
        stage.pName = "main";
    }
    stages[0].stage = VK_SHADER_STAGE_VERTEX_BIT;
    stages[0].module = g.vert;
    stages[1].stage = VK_SHADER_STAGE_FRAGMENT_BIT;
    stages[1].module = g.frag;
    VkPipelineVertexInputStateCreateInfo vertex_input{VK_STRUCTURE_TYPE_PIPELINE_VERTEX_INPUT_STATE_CREATE_INFO};
    VkPipelineInputAssemblyStateCreateInfo assembly{VK_STRUCTURE_TYPE_PIPELINE_INPUT_ASSEMBLY_STATE_CREATE_INFO};
    assembly.topology = VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST;
    VkViewport viewport{0, 0, float(kSize), float(kSize), 0, 1};
    VkRect2D scissor{{0, 0}, {kSize, kSize}};
    VkPipelineViewportStateCreateInfo viewport_state{VK_STRUCTURE_TYPE_PIPELINE_VIEWPORT_STATE_CREATE_INFO};
    viewport_state.viewportCount = 1;
    viewport_state.pViewports = &viewport;
    viewport_state.scissorCount = 1;
    viewport_state.pScissors = &scissor;
    VkPipelineRasterizationStateCreateInfo raster{VK_STRUCTURE_TYPE_PIPELINE_RASTERIZATION_STATE_CREATE_INFO};
    raster.polygonMode = VK_POLYGON_MODE_FILL;
    raster.cullMode = VK_CULL_MODE_NONE;
    raster.lineWidth = 1.0f;
    VkPipelineMultisampleStateCreateInfo multisample{VK_STRUCTURE_TYPE_PIPELINE_MULTISAMPLE_STATE_CREATE_INFO};
    multisample.rasterizationSamples = VK_SAMPLE_COUNT_1_BIT;
    VkPipelineColorBlendAttachmentState blend_attachment{};
    blend_attachment.colorWriteMask = VK_COLOR_COMPONENT_R_BIT | VK_COLOR_COMPONENT_G_BIT |
                                      VK_COLOR_COMPONENT_B_BIT | VK_COLOR_COMPONENT_A_BIT;
    VkPipelineColorBlendStateCreateInfo blend{VK_STRUCTURE_TYPE_PIPELINE_COLOR_BLEND_STATE_CREATE_INFO};
    blend.attachmentCount = 1;
    blend.pAttachments = &blend_attachment;
    VkPipelineRenderingCreateInfo rendering{VK_STRUCTURE_TYPE_PIPELINE_RENDERING_CREATE_INFO};
    rendering.colorAttachmentCount = 1;
    rendering.pColorAttachmentFormats = &kFormat;
    VkGraphicsPipelineCreateInfo info{VK_STRUCTURE_TYPE_GRAPHICS_PIPELINE_CREATE_INFO};
    info.pNext = &rendering;
    info.stageCount = 2;
    info.pStages = stages;
    info.pVertexInputState = &vertex_input;
    info.pInputAssemblyState = &assembly;
    info.pViewportState = &viewport_state;
    info.pRasterizationState = &raster;
    info.pMultisampleState = &multisample;
    info.pColorBlendState = &blend;
    info.layout = g.layout;
    VK_CHECK(vkCreateGraphicsPipelines(device, VK_NULL_HANDLE, 1, &info, nullptr, &g.pipeline));
    return g;
}

void destroy(VkDevice device, const GraphicsSetup& g) {
    vkDestroyPipeline(device, g.pipeline, nullptr);
    vkDestroyShaderModule(device, g.vert, nullptr);
    vkDestroyShaderModule(device, g.frag, nullptr);
    vkDestroyPipelineLayout(device, g.layout, nullptr);
    vkDestroyImageView(device, g.view, nullptr);
    vkDestroyImage(device, g.image, nullptr);
    vkFreeMemory(device, g.memory, nullptr);
}

// Records the draws of one round: a layout transition to color attachment
// (from UNDEFINED: the contents are not kept), then `count` draws inside one
// dynamic rendering pass.
void record_draws(const GraphicsSetup& g, VkCommandBuffer commands, uint32_t count) {
    VkImageMemoryBarrier2 barrier{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER_2};
    barrier.srcStageMask = VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT;
    barrier.dstStageMask = VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT;
    barrier.dstAccessMask = VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT;
    barrier.oldLayout = VK_IMAGE_LAYOUT_UNDEFINED;
    barrier.newLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL;
    barrier.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    barrier.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    barrier.image = g.image;
    barrier.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    VkDependencyInfo dependency{VK_STRUCTURE_TYPE_DEPENDENCY_INFO};
    dependency.imageMemoryBarrierCount = 1;
    dependency.pImageMemoryBarriers = &barrier;
    vkCmdPipelineBarrier2(commands, &dependency);
    VkRenderingAttachmentInfo attachment{VK_STRUCTURE_TYPE_RENDERING_ATTACHMENT_INFO};
    attachment.imageView = g.view;
    attachment.imageLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL;
    attachment.loadOp = VK_ATTACHMENT_LOAD_OP_CLEAR;
    attachment.storeOp = VK_ATTACHMENT_STORE_OP_STORE;
    VkRenderingInfo rendering{VK_STRUCTURE_TYPE_RENDERING_INFO};
    rendering.renderArea = {{0, 0}, {kSize, kSize}};
    rendering.layerCount = 1;
    rendering.colorAttachmentCount = 1;
    rendering.pColorAttachments = &attachment;
    vkCmdBeginRendering(commands, &rendering);
    vkCmdBindPipeline(commands, VK_PIPELINE_BIND_POINT_GRAPHICS, g.pipeline);
    for (uint32_t i = 0; i < count; ++i) vkCmdDraw(commands, 3, 1, 0, 0);
    vkCmdEndRendering(commands);
}

// GB/s (1e9 bytes) of memcpy between `mapped` and ordinary memory, `bytes`
// per pass, 4 passes a round (256 MiB for 64 MiB), rounds until `min_seconds`.
double copy_rate(void* mapped, std::vector<char>& host, bool to_mapped, double min_seconds) {
    const size_t bytes = host.size();
    uint64_t total = 0;
    const auto start = Clock::now();
    double elapsed = 0;
    do {
        for (int pass = 0; pass < 4; ++pass) {
            if (to_mapped)
                std::memcpy(mapped, host.data(), bytes);
            else
                std::memcpy(host.data(), mapped, bytes);
            total += bytes;
        }
        elapsed = seconds_since(start);
    } while (elapsed < min_seconds);
    // Keep the copies observable.
    volatile char sink = host[bytes / 2];
    (void)sink;
    return double(total) / elapsed / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
    Options options;
    std::vector<const char*> paths;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--quick") == 0)
            options.quick = true;
        else
            paths.push_back(argv[i]);
    }
    if (paths.size() != 1 && paths.size() != 3) {
        std::fprintf(stderr, "usage: vulkan_bench [--quick] COMP.spv [VERT.spv FRAG.spv]\n");
        return 2;
    }
    options.comp = paths[0];
    if (paths.size() == 3) {
        options.vert = paths[1];
        options.frag = paths[2];
    }

    VulkanApp app("vulkan_bench", VK_QUEUE_GRAPHICS_BIT | VK_QUEUE_COMPUTE_BIT);
    VkDevice device = app.device;
    std::vector<std::pair<std::string, double>> results;
    auto report = [&](const char* name, double value) {
        std::fprintf(stderr, "%-34s %14.3f\n", name, value);
        results.emplace_back(name, value);
    };

    VkCommandPool command_pool = app.command_pool();
    VkCommandBuffer commands = app.command_buffer(command_pool);
    VkFence fence = make_fence(device);
    const uint32_t draw_count = options.scaled(20000);
    const uint32_t rounds = 5;

    // A small storage buffer for the compute shader's descriptor set.
    VkBufferCreateInfo storage_info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
    storage_info.size = 256;
    storage_info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT;
    VkBuffer storage;
    VK_CHECK(vkCreateBuffer(device, &storage_info, nullptr, &storage));
    VkMemoryRequirements storage_requirements;
    vkGetBufferMemoryRequirements(device, storage, &storage_requirements);
    VkDeviceMemory storage_memory = app.allocate(storage_requirements, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
    VK_CHECK(vkBindBufferMemory(device, storage, storage_memory, 0));

    ComputeSetup compute = make_compute(app, options.comp);
    VkDescriptorPoolSize pool_size{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 2};
    VkDescriptorPoolCreateInfo pool_info{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
    pool_info.flags = VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT;
    pool_info.maxSets = 2;
    pool_info.poolSizeCount = 1;
    pool_info.pPoolSizes = &pool_size;
    VkDescriptorPool descriptor_pool;
    VK_CHECK(vkCreateDescriptorPool(device, &pool_info, nullptr, &descriptor_pool));
    VkDescriptorSetAllocateInfo set_info{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
    set_info.descriptorPool = descriptor_pool;
    set_info.descriptorSetCount = 1;
    set_info.pSetLayouts = &compute.set_layout;
    VkDescriptorSet set;
    VK_CHECK(vkAllocateDescriptorSets(device, &set_info, &set));
    VkDescriptorBufferInfo buffer_info{storage, 0, VK_WHOLE_SIZE};
    VkWriteDescriptorSet write{VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
    write.dstSet = set;
    write.dstBinding = 0;
    write.descriptorCount = 1;
    write.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    write.pBufferInfo = &buffer_info;
    vkUpdateDescriptorSets(device, 1, &write, 0, nullptr);

    // Command rate, compute: pipeline, descriptor set and push constant once,
    // then only dispatches.
    report("command_rate_dispatches_per_s",
           command_rate(app, commands, fence, draw_count, rounds, [&](VkCommandBuffer cb, uint32_t count) {
               vkCmdBindPipeline(cb, VK_PIPELINE_BIND_POINT_COMPUTE, compute.pipeline);
               vkCmdBindDescriptorSets(cb, VK_PIPELINE_BIND_POINT_COMPUTE, compute.pipeline_layout, 0, 1, &set, 0,
                                       nullptr);
               const uint32_t no_write = 0;
               vkCmdPushConstants(cb, compute.pipeline_layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, 4, &no_write);
               for (uint32_t i = 0; i < count; ++i) vkCmdDispatch(cb, 1, 1, 1);
           }));

    // Command rate, graphics.
    if (options.vert) {
        GraphicsSetup graphics = make_graphics(app, options.vert, options.frag);
        report("command_rate_draws_per_s",
               command_rate(app, commands, fence, draw_count, rounds,
                            [&](VkCommandBuffer cb, uint32_t count) { record_draws(graphics, cb, count); }));
        report("record_draws_per_s",
               record_rate(app, commands, fence, draw_count, rounds,
                           [&](VkCommandBuffer cb, uint32_t count) { record_draws(graphics, cb, count); }));
        destroy(device, graphics);
    }

    // vkGetFenceStatus on a fence signalled by a (finished) submission.
    {
        VK_CHECK(vkQueueSubmit(app.queue, 0, nullptr, fence));
        VK_CHECK(vkWaitForFences(device, 1, &fence, VK_TRUE, UINT64_MAX));
        const uint32_t calls = options.scaled(10000);
        const auto start = Clock::now();
        for (uint32_t i = 0; i < calls; ++i) {
            VkResult status = vkGetFenceStatus(device, fence);
            if (status != VK_SUCCESS) {
                std::fprintf(stderr, "vkGetFenceStatus on a signalled fence returned %d\n", int(status));
                return 1;
            }
        }
        report("fence_status_us", seconds_since(start) * 1e6 / calls);
        VK_CHECK(vkResetFences(device, 1, &fence));
    }

    // Empty submission with a fence, waited for and reset.
    {
        const uint32_t count = options.scaled(2000);
        submit_wait_reset(app.queue, device, VK_NULL_HANDLE, fence);
        const auto start = Clock::now();
        for (uint32_t i = 0; i < count; ++i) submit_wait_reset(app.queue, device, VK_NULL_HANDLE, fence);
        report("empty_submit_wait_us", seconds_since(start) * 1e6 / count);
    }

    // Mapped memory bandwidth: 64 MiB host-visible, host-coherent.
    {
        const VkDeviceSize bytes = 64 * MiB;
        VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
        info.size = bytes;
        info.usage = VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT;
        VkBuffer buffer;
        VK_CHECK(vkCreateBuffer(device, &info, nullptr, &buffer));
        VkMemoryRequirements requirements;
        vkGetBufferMemoryRequirements(device, buffer, &requirements);
        VkDeviceMemory memory = app.allocate(
            requirements, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);
        VK_CHECK(vkBindBufferMemory(device, buffer, memory, 0));
        void* mapped;
        VK_CHECK(vkMapMemory(device, memory, 0, VK_WHOLE_SIZE, 0, &mapped));
        std::vector<char> host(bytes);
        for (size_t i = 0; i < host.size(); i += 4096) host[i] = char(i >> 12);
        // Fault every page in, on both sides, before timing.
        std::memset(mapped, 1, bytes);
        const double min_seconds = options.quick ? 0.1 : 0.3;
        report("mapped_write_gbps", copy_rate(mapped, host, true, min_seconds));
        report("mapped_read_gbps", copy_rate(mapped, host, false, min_seconds));
        vkUnmapMemory(device, memory);
        vkDestroyBuffer(device, buffer, nullptr);
        vkFreeMemory(device, memory, nullptr);
    }

    // Buffer create + destroy.
    {
        const uint32_t count = options.scaled(20000);
        VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
        info.size = 4096;
        info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT;
        const auto start = Clock::now();
        for (uint32_t i = 0; i < count; ++i) {
            VkBuffer buffer;
            VK_CHECK(vkCreateBuffer(device, &info, nullptr, &buffer));
            vkDestroyBuffer(device, buffer, nullptr);
        }
        report("buffer_create_destroy_per_s", count / seconds_since(start));
    }

    // Descriptor set allocate + free (the pool has FREE_DESCRIPTOR_SET).
    {
        const uint32_t count = options.scaled(20000);
        const auto start = Clock::now();
        for (uint32_t i = 0; i < count; ++i) {
            VkDescriptorSet extra;
            VK_CHECK(vkAllocateDescriptorSets(device, &set_info, &extra));
            VK_CHECK(vkFreeDescriptorSets(device, descriptor_pool, 1, &extra));
        }
        report("descriptor_set_alloc_free_per_s", count / seconds_since(start));
    }

    VK_CHECK(vkDeviceWaitIdle(device));
    vkDestroyDescriptorPool(device, descriptor_pool, nullptr);
    destroy(device, compute);
    vkDestroyBuffer(device, storage, nullptr);
    vkFreeMemory(device, storage_memory, nullptr);
    vkDestroyFence(device, fence, nullptr);
    vkDestroyCommandPool(device, command_pool, nullptr);

    std::string json = "{";
    for (size_t i = 0; i < results.size(); ++i) {
        char value[64];
        std::snprintf(value, sizeof(value), "%.6g", results[i].second);
        json += (i ? ", \"" : "\"") + results[i].first + "\": " + value;
    }
    json += "}";
    std::printf("%s\n", json.c_str());
    return 0;
}
