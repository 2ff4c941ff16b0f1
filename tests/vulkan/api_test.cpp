// A differential test of many Vulkan API features whose results are
// observable and deterministic: secondary command buffers, queries, pipeline
// caches, events, timeline semaphores, descriptor update templates,
// specialization and push constants, transfer/blit/resolve operations,
// dynamic state, resource and format queries, and submissions from several
// threads. Every observed result is written, labelled, to a text file, so
// that a native run and a run through rendersock can be compared byte for
// byte; results that can be predicted are also checked on the CPU.
// Nothing timing- or address-dependent goes into the file.
// usage: api_test DRAW_VERT.spv DRAW_FRAG.spv TEMPLATE_COMP.spv OUT.txt
#include <cinttypes>
#include <cstdarg>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "VulkanApp.h"  // VK_CHECK

namespace {

constexpr VkFormat kColorFormat = VK_FORMAT_R8G8B8A8_UNORM;
constexpr VkFormat kDepthFormat = VK_FORMAT_D32_SFLOAT;

// ---------------------------------------------------------------- output --

struct Output {
    std::string text;
    int checks = 0;
    int failures = 0;
    std::string section = "?";

    __attribute__((format(printf, 2, 3))) void line(const char* format, ...) {
        char buffer[4096];
        va_list args;
        va_start(args, format);
        std::vsnprintf(buffer, sizeof(buffer), format, args);
        va_end(args);
        text += section + "." + buffer + "\n";
    }
    void check(bool condition, const char* what) {
        ++checks;
        if (!condition) {
            ++failures;
            std::fprintf(stderr, "CHECK FAILED: %s: %s\n", section.c_str(), what);
        }
        text += section + ".check " + what + ": " + (condition ? "ok" : "FAILED") + "\n";
    }
    void hex(const char* label, const void* data, size_t size) {
        static const char digits[] = "0123456789abcdef";
        const auto* bytes = static_cast<const uint8_t*>(data);
        std::string value;
        value.reserve(size * 2);
        for (size_t i = 0; i < size; ++i) {
            value += digits[bytes[i] >> 4];
            value += digits[bytes[i] & 15];
        }
        text += section + "." + label + ": " + value + "\n";
    }
};

Output out;

// The validation layer's messages (when it is enabled) go to stderr and fail the run.
int validation_messages = 0;

VKAPI_ATTR VkBool32 VKAPI_CALL debug_callback(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                              VkDebugUtilsMessageTypeFlagsEXT type,
                                              const VkDebugUtilsMessengerCallbackDataEXT* data, void*) {
    // Errors of any kind, and the validation layer's warnings (not, say, the loader's
    // notes about the layers it adds).
    if ((severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT) ||
        ((severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT) &&
         (type & VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT))) {
        ++validation_messages;
        std::fprintf(stderr, "Validation Error (api_test messenger): %s\n", data->pMessage);
    }
    return VK_FALSE;
}

// --------------------------------------------------------------- context --

struct Context {
    VkInstance instance = VK_NULL_HANDLE;
    VkDebugUtilsMessengerEXT messenger = VK_NULL_HANDLE;
    VkPhysicalDevice physical_device = VK_NULL_HANDLE;
    VkDevice device = VK_NULL_HANDLE;
    VkQueue queue = VK_NULL_HANDLE;
    uint32_t queue_family = 0;
    uint32_t timestamp_valid_bits = 0;
    VkPhysicalDeviceProperties properties{};
    VkPhysicalDeviceMemoryProperties memory{};
    VkPhysicalDeviceFeatures enabled{};
    VkShaderModule draw_vert = VK_NULL_HANDLE, draw_frag = VK_NULL_HANDLE, template_comp = VK_NULL_HANDLE;

    uint32_t memory_type(uint32_t bits, VkMemoryPropertyFlags flags) const {
        for (uint32_t i = 0; i < memory.memoryTypeCount; ++i)
            if ((bits & (1u << i)) && (memory.memoryTypes[i].propertyFlags & flags) == flags) return i;
        std::fprintf(stderr, "no memory type for flags 0x%x\n", flags);
        std::exit(1);
    }

    VkDeviceMemory allocate(VkMemoryRequirements requirements, VkMemoryPropertyFlags flags) const {
        VkMemoryAllocateInfo info{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
        info.allocationSize = requirements.size;
        info.memoryTypeIndex = memory_type(requirements.memoryTypeBits, flags);
        VkDeviceMemory result;
        VK_CHECK(vkAllocateMemory(device, &info, nullptr, &result));
        return result;
    }

    VkShaderModule shader(const char* path) const {
        std::ifstream in(path, std::ios::binary);
        std::vector<char> code((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (code.empty() || code.size() % 4) {
            std::fprintf(stderr, "cannot read SPIR-V from %s\n", path);
            std::exit(1);
        }
        VkShaderModuleCreateInfo info{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
        info.codeSize = code.size();
        info.pCode = reinterpret_cast<const uint32_t*>(code.data());
        VkShaderModule module;
        VK_CHECK(vkCreateShaderModule(device, &info, nullptr, &module));
        return module;
    }

    VkCommandPool command_pool() const {
        VkCommandPoolCreateInfo info{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
        info.queueFamilyIndex = queue_family;
        info.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
        VkCommandPool pool;
        VK_CHECK(vkCreateCommandPool(device, &info, nullptr, &pool));
        return pool;
    }

    VkCommandBuffer command_buffer(VkCommandPool pool,
                                   VkCommandBufferLevel level = VK_COMMAND_BUFFER_LEVEL_PRIMARY) const {
        VkCommandBufferAllocateInfo info{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
        info.commandPool = pool;
        info.level = level;
        info.commandBufferCount = 1;
        VkCommandBuffer buffer;
        VK_CHECK(vkAllocateCommandBuffers(device, &info, &buffer));
        return buffer;
    }

    VkFence fence() const {
        VkFenceCreateInfo info{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
        VkFence result;
        VK_CHECK(vkCreateFence(device, &info, nullptr, &result));
        return result;
    }

    void submit_and_wait(VkCommandBuffer buffer) const {
        VkFence done = fence();
        VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
        submit.commandBufferCount = 1;
        submit.pCommandBuffers = &buffer;
        VK_CHECK(vkQueueSubmit(queue, 1, &submit, done));
        VK_CHECK(vkWaitForFences(device, 1, &done, VK_TRUE, UINT64_MAX));
        vkDestroyFence(device, done, nullptr);
    }
};

void begin(VkCommandBuffer commands, VkCommandBufferUsageFlags flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT) {
    VkCommandBufferBeginInfo info{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    info.flags = flags;
    VK_CHECK(vkBeginCommandBuffer(commands, &info));
}

// ------------------------------------------------------------- resources --

struct Buffer {
    VkBuffer buffer = VK_NULL_HANDLE;
    VkDeviceMemory memory = VK_NULL_HANDLE;
    uint8_t* mapped = nullptr;
    VkDeviceSize size = 0;
    uint32_t* words() const { return reinterpret_cast<uint32_t*>(mapped); }
};

// Host-visible, coherent and mapped: written and read by the host directly.
Buffer make_buffer(const Context& ctx, VkDeviceSize size, VkBufferUsageFlags usage) {
    Buffer result;
    result.size = size;
    VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
    info.size = size;
    info.usage = usage;
    VK_CHECK(vkCreateBuffer(ctx.device, &info, nullptr, &result.buffer));
    VkMemoryRequirements requirements;
    vkGetBufferMemoryRequirements(ctx.device, result.buffer, &requirements);
    result.memory = ctx.allocate(requirements, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);
    VK_CHECK(vkBindBufferMemory(ctx.device, result.buffer, result.memory, 0));
    VK_CHECK(vkMapMemory(ctx.device, result.memory, 0, VK_WHOLE_SIZE, 0, reinterpret_cast<void**>(&result.mapped)));
    std::memset(result.mapped, 0, size);
    return result;
}

void destroy(const Context& ctx, Buffer& buffer) {
    vkUnmapMemory(ctx.device, buffer.memory);
    vkDestroyBuffer(ctx.device, buffer.buffer, nullptr);
    vkFreeMemory(ctx.device, buffer.memory, nullptr);
    buffer = {};
}

struct Image {
    VkImage image = VK_NULL_HANDLE;
    VkDeviceMemory memory = VK_NULL_HANDLE;
    VkImageView view = VK_NULL_HANDLE;
    uint32_t width = 0, height = 0;
};

Image make_image(const Context& ctx, uint32_t width, uint32_t height, VkFormat format, VkSampleCountFlagBits samples,
                 VkImageUsageFlags usage, bool with_view) {
    Image result;
    result.width = width;
    result.height = height;
    VkImageCreateInfo info{VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO};
    info.imageType = VK_IMAGE_TYPE_2D;
    info.format = format;
    info.extent = {width, height, 1};
    info.mipLevels = 1;
    info.arrayLayers = 1;
    info.samples = samples;
    info.tiling = VK_IMAGE_TILING_OPTIMAL;
    info.usage = usage;
    info.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
    VK_CHECK(vkCreateImage(ctx.device, &info, nullptr, &result.image));
    VkMemoryRequirements requirements;
    vkGetImageMemoryRequirements(ctx.device, result.image, &requirements);
    result.memory = ctx.allocate(requirements, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
    VK_CHECK(vkBindImageMemory(ctx.device, result.image, result.memory, 0));
    if (with_view) {
        VkImageViewCreateInfo view_info{VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
        view_info.image = result.image;
        view_info.viewType = VK_IMAGE_VIEW_TYPE_2D;
        view_info.format = format;
        const VkImageAspectFlags aspect =
            format == kDepthFormat ? VK_IMAGE_ASPECT_DEPTH_BIT : VK_IMAGE_ASPECT_COLOR_BIT;
        view_info.subresourceRange = {aspect, 0, 1, 0, 1};
        VK_CHECK(vkCreateImageView(ctx.device, &view_info, nullptr, &result.view));
    }
    return result;
}

void destroy(const Context& ctx, Image& image) {
    if (image.view) vkDestroyImageView(ctx.device, image.view, nullptr);
    vkDestroyImage(ctx.device, image.image, nullptr);
    vkFreeMemory(ctx.device, image.memory, nullptr);
    image = {};
}

// ------------------------------------------------------------- barriers --

void memory_barrier(VkCommandBuffer commands, VkPipelineStageFlags2 src_stage, VkAccessFlags2 src_access,
                    VkPipelineStageFlags2 dst_stage, VkAccessFlags2 dst_access) {
    VkMemoryBarrier2 barrier{VK_STRUCTURE_TYPE_MEMORY_BARRIER_2};
    barrier.srcStageMask = src_stage;
    barrier.srcAccessMask = src_access;
    barrier.dstStageMask = dst_stage;
    barrier.dstAccessMask = dst_access;
    VkDependencyInfo dependency{VK_STRUCTURE_TYPE_DEPENDENCY_INFO};
    dependency.memoryBarrierCount = 1;
    dependency.pMemoryBarriers = &barrier;
    vkCmdPipelineBarrier2(commands, &dependency);
}

void transfer_to_transfer(VkCommandBuffer commands) {
    memory_barrier(commands, VK_PIPELINE_STAGE_2_ALL_TRANSFER_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT,
                   VK_PIPELINE_STAGE_2_ALL_TRANSFER_BIT, VK_ACCESS_2_TRANSFER_READ_BIT | VK_ACCESS_2_TRANSFER_WRITE_BIT);
}

void transfer_to_host(VkCommandBuffer commands) {
    memory_barrier(commands, VK_PIPELINE_STAGE_2_ALL_TRANSFER_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT,
                   VK_PIPELINE_STAGE_2_HOST_BIT, VK_ACCESS_2_HOST_READ_BIT);
}

struct Layout {
    VkImageLayout layout;
    VkPipelineStageFlags2 stage;
    VkAccessFlags2 access;
};
constexpr Layout kUndefined{VK_IMAGE_LAYOUT_UNDEFINED, VK_PIPELINE_STAGE_2_NONE, VK_ACCESS_2_NONE};
constexpr Layout kTransferDst{VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, VK_PIPELINE_STAGE_2_ALL_TRANSFER_BIT,
                              VK_ACCESS_2_TRANSFER_WRITE_BIT};
constexpr Layout kTransferSrc{VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, VK_PIPELINE_STAGE_2_ALL_TRANSFER_BIT,
                              VK_ACCESS_2_TRANSFER_READ_BIT};
constexpr Layout kColorAttachment{VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL,
                                  VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT,
                                  VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT | VK_ACCESS_2_COLOR_ATTACHMENT_READ_BIT};
constexpr Layout kDepthAttachment{
    VK_IMAGE_LAYOUT_DEPTH_ATTACHMENT_OPTIMAL,
    VK_PIPELINE_STAGE_2_EARLY_FRAGMENT_TESTS_BIT | VK_PIPELINE_STAGE_2_LATE_FRAGMENT_TESTS_BIT,
    VK_ACCESS_2_DEPTH_STENCIL_ATTACHMENT_READ_BIT | VK_ACCESS_2_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT};

void transition(VkCommandBuffer commands, const Image& image, Layout from, Layout to,
                VkImageAspectFlags aspect = VK_IMAGE_ASPECT_COLOR_BIT) {
    VkImageMemoryBarrier2 barrier{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER_2};
    barrier.srcStageMask = from.stage;
    barrier.srcAccessMask = from.access & (VK_ACCESS_2_TRANSFER_WRITE_BIT | VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT |
                                           VK_ACCESS_2_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT);
    barrier.dstStageMask = to.stage;
    barrier.dstAccessMask = to.access;
    barrier.oldLayout = from.layout;
    barrier.newLayout = to.layout;
    barrier.srcQueueFamilyIndex = barrier.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    barrier.image = image.image;
    barrier.subresourceRange = {aspect, 0, 1, 0, 1};
    VkDependencyInfo dependency{VK_STRUCTURE_TYPE_DEPENDENCY_INFO};
    dependency.imageMemoryBarrierCount = 1;
    dependency.pImageMemoryBarriers = &barrier;
    vkCmdPipelineBarrier2(commands, &dependency);
}

void copy_to_buffer(VkCommandBuffer commands, const Image& image, const Buffer& buffer, VkDeviceSize offset) {
    VkBufferImageCopy region{};
    region.bufferOffset = offset;
    region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
    region.imageExtent = {image.width, image.height, 1};
    vkCmdCopyImageToBuffer(commands, image.image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, buffer.buffer, 1, &region);
}

// ------------------------------------------------------------- pipelines --

VkPipelineLayout draw_pipeline_layout(const Context& ctx) {
    VkPushConstantRange range{VK_SHADER_STAGE_FRAGMENT_BIT, 0, 16};
    VkPipelineLayoutCreateInfo info{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
    info.pushConstantRangeCount = 1;
    info.pPushConstantRanges = &range;
    VkPipelineLayout layout;
    VK_CHECK(vkCreatePipelineLayout(ctx.device, &info, nullptr, &layout));
    return layout;
}

// The api_draw shaders: vec3 positions, a flat push-constant color.
VkPipeline draw_pipeline(const Context& ctx, VkPipelineLayout layout, VkSampleCountFlagBits samples,
                         VkPrimitiveTopology topology, bool depth_test, const std::vector<VkDynamicState>& dynamic_states) {
    VkPipelineShaderStageCreateInfo stages[2] = {};
    for (auto& stage : stages) {
        stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
        stage.pName = "main";
    }
    stages[0].stage = VK_SHADER_STAGE_VERTEX_BIT;
    stages[0].module = ctx.draw_vert;
    stages[1].stage = VK_SHADER_STAGE_FRAGMENT_BIT;
    stages[1].module = ctx.draw_frag;
    VkVertexInputBindingDescription binding{0, 3 * sizeof(float), VK_VERTEX_INPUT_RATE_VERTEX};
    VkVertexInputAttributeDescription attribute{0, 0, VK_FORMAT_R32G32B32_SFLOAT, 0};
    VkPipelineVertexInputStateCreateInfo vertex_input{VK_STRUCTURE_TYPE_PIPELINE_VERTEX_INPUT_STATE_CREATE_INFO};
    vertex_input.vertexBindingDescriptionCount = 1;
    vertex_input.pVertexBindingDescriptions = &binding;
    vertex_input.vertexAttributeDescriptionCount = 1;
    vertex_input.pVertexAttributeDescriptions = &attribute;
    VkPipelineInputAssemblyStateCreateInfo assembly{VK_STRUCTURE_TYPE_PIPELINE_INPUT_ASSEMBLY_STATE_CREATE_INFO};
    assembly.topology = topology;
    VkPipelineViewportStateCreateInfo viewport{VK_STRUCTURE_TYPE_PIPELINE_VIEWPORT_STATE_CREATE_INFO};
    viewport.viewportCount = 1;
    viewport.scissorCount = 1;
    VkPipelineRasterizationStateCreateInfo raster{VK_STRUCTURE_TYPE_PIPELINE_RASTERIZATION_STATE_CREATE_INFO};
    raster.polygonMode = VK_POLYGON_MODE_FILL;
    raster.cullMode = VK_CULL_MODE_NONE;
    raster.frontFace = VK_FRONT_FACE_COUNTER_CLOCKWISE;
    raster.lineWidth = 1.0f;
    VkPipelineMultisampleStateCreateInfo multisample{VK_STRUCTURE_TYPE_PIPELINE_MULTISAMPLE_STATE_CREATE_INFO};
    multisample.rasterizationSamples = samples;
    VkPipelineDepthStencilStateCreateInfo depth{VK_STRUCTURE_TYPE_PIPELINE_DEPTH_STENCIL_STATE_CREATE_INFO};
    depth.depthTestEnable = depth_test;
    depth.depthWriteEnable = depth_test;
    depth.depthCompareOp = VK_COMPARE_OP_LESS;
    VkPipelineColorBlendAttachmentState blend_attachment{};
    blend_attachment.colorWriteMask = VK_COLOR_COMPONENT_R_BIT | VK_COLOR_COMPONENT_G_BIT | VK_COLOR_COMPONENT_B_BIT |
                                      VK_COLOR_COMPONENT_A_BIT;
    VkPipelineColorBlendStateCreateInfo blend{VK_STRUCTURE_TYPE_PIPELINE_COLOR_BLEND_STATE_CREATE_INFO};
    blend.attachmentCount = 1;
    blend.pAttachments = &blend_attachment;
    VkPipelineDynamicStateCreateInfo dynamic{VK_STRUCTURE_TYPE_PIPELINE_DYNAMIC_STATE_CREATE_INFO};
    dynamic.dynamicStateCount = static_cast<uint32_t>(dynamic_states.size());
    dynamic.pDynamicStates = dynamic_states.data();
    VkPipelineRenderingCreateInfo rendering{VK_STRUCTURE_TYPE_PIPELINE_RENDERING_CREATE_INFO};
    rendering.colorAttachmentCount = 1;
    rendering.pColorAttachmentFormats = &kColorFormat;
    rendering.depthAttachmentFormat = depth_test ? kDepthFormat : VK_FORMAT_UNDEFINED;
    VkGraphicsPipelineCreateInfo info{VK_STRUCTURE_TYPE_GRAPHICS_PIPELINE_CREATE_INFO};
    info.pNext = &rendering;
    info.stageCount = 2;
    info.pStages = stages;
    info.pVertexInputState = &vertex_input;
    info.pInputAssemblyState = &assembly;
    info.pViewportState = &viewport;
    info.pRasterizationState = &raster;
    info.pMultisampleState = &multisample;
    info.pDepthStencilState = depth_test ? &depth : nullptr;
    info.pColorBlendState = &blend;
    info.pDynamicState = &dynamic;
    info.layout = layout;
    VkPipeline pipeline;
    VK_CHECK(vkCreateGraphicsPipelines(ctx.device, VK_NULL_HANDLE, 1, &info, nullptr, &pipeline));
    return pipeline;
}

void push_color(VkCommandBuffer commands, VkPipelineLayout layout, float r, float g, float b, float a) {
    const float color[4] = {r, g, b, a};
    vkCmdPushConstants(commands, layout, VK_SHADER_STAGE_FRAGMENT_BIT, 0, sizeof(color), color);
}

void set_viewport_scissor(VkCommandBuffer commands, float x, float y, float w, float h, VkRect2D scissor) {
    const VkViewport viewport{x, y, w, h, 0.0f, 1.0f};
    vkCmdSetViewport(commands, 0, 1, &viewport);
    vkCmdSetScissor(commands, 0, 1, &scissor);
}

VkRenderingAttachmentInfo color_attachment(const Image& image, VkAttachmentLoadOp load, float r, float g, float b,
                                           float a) {
    VkRenderingAttachmentInfo attachment{VK_STRUCTURE_TYPE_RENDERING_ATTACHMENT_INFO};
    attachment.imageView = image.view;
    attachment.imageLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL;
    attachment.loadOp = load;
    attachment.storeOp = VK_ATTACHMENT_STORE_OP_STORE;
    attachment.clearValue.color = {{r, g, b, a}};
    return attachment;
}

void count_colors(const uint8_t* rgba, size_t pixels, const char* label) {
    // A histogram of the distinct colors, in order of first appearance.
    std::vector<std::pair<uint32_t, uint32_t>> histogram;
    for (size_t i = 0; i < pixels; ++i) {
        uint32_t color;
        std::memcpy(&color, rgba + 4 * i, 4);
        bool found = false;
        for (auto& entry : histogram)
            if (entry.first == color) {
                ++entry.second;
                found = true;
                break;
            }
        if (!found) histogram.push_back({color, 1});
    }
    std::string value;
    char item[64];
    for (auto& entry : histogram) {
        std::snprintf(item, sizeof(item), " %08x:%u", entry.first, entry.second);
        value += item;
    }
    out.line("%s colors:%s", label, value.c_str());
}

uint32_t pixel(const uint8_t* rgba, uint32_t width, uint32_t x, uint32_t y) {
    uint32_t color;
    std::memcpy(&color, rgba + 4 * (y * width + x), 4);
    return color;
}

constexpr uint32_t rgba(uint8_t r, uint8_t g, uint8_t b, uint8_t a) {
    return uint32_t{r} | uint32_t{g} << 8 | uint32_t{b} << 16 | uint32_t{a} << 24;
}

// ===================================================== secondary buffers --

void test_secondary_command_buffers(Context& ctx) {
    out.section = "secondary";
    Buffer a = make_buffer(ctx, 256, VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT);
    Buffer b = make_buffer(ctx, 256, VK_BUFFER_USAGE_TRANSFER_DST_BIT);
    VkCommandPool pool = ctx.command_pool();
    VkCommandBuffer primary = ctx.command_buffer(pool);
    VkCommandBuffer first = ctx.command_buffer(pool, VK_COMMAND_BUFFER_LEVEL_SECONDARY);
    VkCommandBuffer second = ctx.command_buffer(pool, VK_COMMAND_BUFFER_LEVEL_SECONDARY);

    VkCommandBufferInheritanceInfo inheritance{VK_STRUCTURE_TYPE_COMMAND_BUFFER_INHERITANCE_INFO};
    VkCommandBufferBeginInfo secondary_begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    secondary_begin.pInheritanceInfo = &inheritance;

    // first: fill a, then overwrite a part of it with vkCmdUpdateBuffer.
    uint32_t update[8];
    for (uint32_t i = 0; i < 8; ++i) update[i] = 0x01010101u * (i + 1) + 0x10000000u;
    VK_CHECK(vkBeginCommandBuffer(first, &secondary_begin));
    vkCmdFillBuffer(first, a.buffer, 0, 256, 0x11223344u);
    transfer_to_transfer(first);
    vkCmdUpdateBuffer(first, a.buffer, 32, sizeof(update), update);
    VK_CHECK(vkEndCommandBuffer(first));

    // second: copy parts of a into b (no alignment needed for copies).
    VK_CHECK(vkBeginCommandBuffer(second, &secondary_begin));
    transfer_to_transfer(second);
    const VkBufferCopy copies[2] = {{0, 64, 128}, {201, 3, 55}};
    vkCmdCopyBuffer(second, a.buffer, b.buffer, 2, copies);
    VK_CHECK(vkEndCommandBuffer(second));

    begin(primary);
    const VkCommandBuffer both[2] = {first, second};
    vkCmdExecuteCommands(primary, 2, both);
    transfer_to_host(primary);
    VK_CHECK(vkEndCommandBuffer(primary));
    ctx.submit_and_wait(primary);

    std::vector<uint8_t> expect_a(256), expect_b(256, 0);
    for (uint32_t i = 0; i < 64; ++i) {
        const uint32_t word = 0x11223344u;
        std::memcpy(&expect_a[i * 4], &word, 4);
    }
    std::memcpy(&expect_a[32], update, sizeof(update));
    std::memcpy(&expect_b[64], &expect_a[0], 128);
    std::memcpy(&expect_b[3], &expect_a[201], 55);
    out.hex("a", a.mapped, 256);
    out.hex("b", b.mapped, 256);
    out.check(std::memcmp(a.mapped, expect_a.data(), 256) == 0, "fill+update chain in secondary");
    out.check(std::memcmp(b.mapped, expect_b.data(), 256) == 0, "copy in secondary");

    // The second secondary again, in a new primary, after the host changed a.
    for (uint32_t i = 0; i < 256; ++i) a.mapped[i] = static_cast<uint8_t>(i * 7 + 1);
    VK_CHECK(vkResetCommandBuffer(primary, 0));
    begin(primary);
    vkCmdExecuteCommands(primary, 1, &second);
    transfer_to_host(primary);
    VK_CHECK(vkEndCommandBuffer(primary));
    ctx.submit_and_wait(primary);
    std::memcpy(&expect_b[64], &a.mapped[0], 128);
    std::memcpy(&expect_b[3], &a.mapped[201], 55);
    out.hex("b_again", b.mapped, 256);
    out.check(std::memcmp(b.mapped, expect_b.data(), 256) == 0, "secondary re-executed in a second primary");

    vkDestroyCommandPool(ctx.device, pool, nullptr);
    destroy(ctx, a);
    destroy(ctx, b);
}

// =============================================================== queries --

void test_queries(Context& ctx) {
    out.section = "queries";
    constexpr uint32_t kSize = 32;
    Image color = make_image(ctx, kSize, kSize, kColorFormat, VK_SAMPLE_COUNT_1_BIT,
                             VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT, true);
    Image depth = make_image(ctx, kSize, kSize, kDepthFormat, VK_SAMPLE_COUNT_1_BIT,
                             VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT, true);
    // Quad A at depth 0.5 (16x16 pixels), quad B behind it (hidden), triangle C in front.
    const float vertices[] = {
        -0.5f, -0.5f, 0.5f, 0.5f,  -0.5f, 0.5f, 0.5f,  0.5f,  0.5f,  // A
        -0.5f, -0.5f, 0.5f, 0.5f,  0.5f,  0.5f, -0.5f, 0.5f,  0.5f,
        -0.25f, -0.25f, 0.8f, 0.25f, -0.25f, 0.8f, 0.25f, 0.25f, 0.8f,  // B
        -0.25f, -0.25f, 0.8f, 0.25f, 0.25f,  0.8f, -0.25f, 0.25f, 0.8f,
        -0.9f, -0.9f, 0.2f, 0.1f,  -0.9f, 0.2f, -0.9f, 0.3f,  0.2f,  // C
    };
    Buffer vertex_buffer = make_buffer(ctx, sizeof(vertices), VK_BUFFER_USAGE_VERTEX_BUFFER_BIT);
    std::memcpy(vertex_buffer.mapped, vertices, sizeof(vertices));
    Buffer readback = make_buffer(ctx, kSize * kSize * 4, VK_BUFFER_USAGE_TRANSFER_DST_BIT);
    Buffer results = make_buffer(ctx, 256, VK_BUFFER_USAGE_TRANSFER_DST_BIT);

    const bool precise = ctx.enabled.occlusionQueryPrecise;
    const bool statistics = ctx.enabled.pipelineStatisticsQuery;
    const bool timestamps = ctx.timestamp_valid_bits > 0;
    out.line("occlusion_precise=%d pipeline_statistics=%d timestamps=%d", precise, statistics, timestamps);

    VkQueryPoolCreateInfo occlusion_info{VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO};
    occlusion_info.queryType = VK_QUERY_TYPE_OCCLUSION;
    occlusion_info.queryCount = 4;  // the last one is reset but never used
    VkQueryPool occlusion;
    VK_CHECK(vkCreateQueryPool(ctx.device, &occlusion_info, nullptr, &occlusion));
    const VkQueryPipelineStatisticFlags statistic_flags =
        VK_QUERY_PIPELINE_STATISTIC_INPUT_ASSEMBLY_VERTICES_BIT |
        VK_QUERY_PIPELINE_STATISTIC_INPUT_ASSEMBLY_PRIMITIVES_BIT |
        VK_QUERY_PIPELINE_STATISTIC_VERTEX_SHADER_INVOCATIONS_BIT |
        VK_QUERY_PIPELINE_STATISTIC_CLIPPING_INVOCATIONS_BIT | VK_QUERY_PIPELINE_STATISTIC_CLIPPING_PRIMITIVES_BIT |
        VK_QUERY_PIPELINE_STATISTIC_FRAGMENT_SHADER_INVOCATIONS_BIT;
    VkQueryPool stats = VK_NULL_HANDLE, times = VK_NULL_HANDLE;
    if (statistics) {
        VkQueryPoolCreateInfo info{VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO};
        info.queryType = VK_QUERY_TYPE_PIPELINE_STATISTICS;
        info.queryCount = 1;
        info.pipelineStatistics = statistic_flags;
        VK_CHECK(vkCreateQueryPool(ctx.device, &info, nullptr, &stats));
    }
    if (timestamps) {
        VkQueryPoolCreateInfo info{VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO};
        info.queryType = VK_QUERY_TYPE_TIMESTAMP;
        info.queryCount = 2;
        VK_CHECK(vkCreateQueryPool(ctx.device, &info, nullptr, &times));
    }

    VkPipelineLayout layout = draw_pipeline_layout(ctx);
    VkPipeline pipeline = draw_pipeline(ctx, layout, VK_SAMPLE_COUNT_1_BIT, VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST, true,
                                        {VK_DYNAMIC_STATE_VIEWPORT, VK_DYNAMIC_STATE_SCISSOR});
    VkCommandPool pool = ctx.command_pool();
    VkCommandBuffer commands = ctx.command_buffer(pool);
    begin(commands);
    vkCmdResetQueryPool(commands, occlusion, 0, 4);
    if (stats) vkCmdResetQueryPool(commands, stats, 0, 1);
    if (times) vkCmdResetQueryPool(commands, times, 0, 2);
    if (times) vkCmdWriteTimestamp2(commands, VK_PIPELINE_STAGE_2_TOP_OF_PIPE_BIT, times, 0);
    transition(commands, color, kUndefined, kColorAttachment);
    transition(commands, depth, kUndefined, kDepthAttachment, VK_IMAGE_ASPECT_DEPTH_BIT);
    VkRenderingAttachmentInfo color_info = color_attachment(color, VK_ATTACHMENT_LOAD_OP_CLEAR, 0, 0, 0, 1);
    VkRenderingAttachmentInfo depth_info{VK_STRUCTURE_TYPE_RENDERING_ATTACHMENT_INFO};
    depth_info.imageView = depth.view;
    depth_info.imageLayout = VK_IMAGE_LAYOUT_DEPTH_ATTACHMENT_OPTIMAL;
    depth_info.loadOp = VK_ATTACHMENT_LOAD_OP_CLEAR;
    depth_info.storeOp = VK_ATTACHMENT_STORE_OP_DONT_CARE;
    depth_info.clearValue.depthStencil = {1.0f, 0};
    VkRenderingInfo rendering{VK_STRUCTURE_TYPE_RENDERING_INFO};
    rendering.renderArea = {{0, 0}, {kSize, kSize}};
    rendering.layerCount = 1;
    rendering.colorAttachmentCount = 1;
    rendering.pColorAttachments = &color_info;
    rendering.pDepthAttachment = &depth_info;
    vkCmdBeginRendering(commands, &rendering);
    vkCmdBindPipeline(commands, VK_PIPELINE_BIND_POINT_GRAPHICS, pipeline);
    set_viewport_scissor(commands, 0, 0, kSize, kSize, rendering.renderArea);
    const VkDeviceSize zero = 0;
    vkCmdBindVertexBuffers(commands, 0, 1, &vertex_buffer.buffer, &zero);
    if (stats) vkCmdBeginQuery(commands, stats, 0, 0);
    const VkQueryControlFlags control = precise ? VK_QUERY_CONTROL_PRECISE_BIT : 0;
    const float colors[3][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    const uint32_t first_vertex[3] = {0, 6, 12}, vertex_count[3] = {6, 6, 3};
    for (uint32_t q = 0; q < 3; ++q) {
        vkCmdBeginQuery(commands, occlusion, q, control);
        push_color(commands, layout, colors[q][0], colors[q][1], colors[q][2], 1);
        vkCmdDraw(commands, vertex_count[q], 1, first_vertex[q], 0);
        vkCmdEndQuery(commands, occlusion, q);
    }
    if (stats) vkCmdEndQuery(commands, stats, 0);
    vkCmdEndRendering(commands);
    if (times) vkCmdWriteTimestamp2(commands, VK_PIPELINE_STAGE_2_BOTTOM_OF_PIPE_BIT, times, 1);
    // The results into a buffer: plain 64-bit values, then with availability.
    vkCmdCopyQueryPoolResults(commands, occlusion, 0, 3, results.buffer, 0, 8,
                              VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT);
    vkCmdCopyQueryPoolResults(commands, occlusion, 0, 3, results.buffer, 64, 16,
                              VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT | VK_QUERY_RESULT_WITH_AVAILABILITY_BIT);
    if (stats)
        vkCmdCopyQueryPoolResults(commands, stats, 0, 1, results.buffer, 128, 8 * 6,
                                  VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT);
    transition(commands, color, kColorAttachment, kTransferSrc);
    copy_to_buffer(commands, color, readback, 0);
    transfer_to_host(commands);
    VK_CHECK(vkEndCommandBuffer(commands));
    ctx.submit_and_wait(commands);

    uint64_t occluded[3] = {};
    VK_CHECK(vkGetQueryPoolResults(ctx.device, occlusion, 0, 3, sizeof(occluded), occluded, 8,
                                   VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT));
    out.line("occlusion: %" PRIu64 " %" PRIu64 " %" PRIu64, occluded[0], occluded[1], occluded[2]);
    if (precise) out.check(occluded[0] == 256, "quad A passes 256 samples");
    out.check(occluded[0] > 0, "quad A visible");
    out.check(occluded[1] == 0, "quad B hidden");
    out.check(occluded[2] > 0, "triangle C visible");
    // 32-bit results, and the query never begun: not ready, availability 0.
    uint32_t results32[3] = {};
    VK_CHECK(vkGetQueryPoolResults(ctx.device, occlusion, 0, 3, sizeof(results32), results32, 4,
                                   VK_QUERY_RESULT_WAIT_BIT));
    out.line("occlusion32: %u %u %u", results32[0], results32[1], results32[2]);
    out.check(results32[0] == occluded[0] && results32[1] == occluded[1] && results32[2] == occluded[2],
              "32-bit results match the 64-bit ones");
    uint64_t unused[2] = {77, 77};
    const VkResult unused_result = vkGetQueryPoolResults(ctx.device, occlusion, 3, 1, sizeof(unused), unused, 16,
                                                         VK_QUERY_RESULT_64_BIT |
                                                             VK_QUERY_RESULT_WITH_AVAILABILITY_BIT);
    out.line("unused query: result=%d availability=%" PRIu64, unused_result, unused[1]);
    out.check(unused_result == VK_NOT_READY && unused[1] == 0, "reset but unused query is not ready");

    const uint64_t* copied = reinterpret_cast<const uint64_t*>(results.mapped);
    out.line("copied: %" PRIu64 " %" PRIu64 " %" PRIu64, copied[0], copied[1], copied[2]);
    out.line("copied_with_availability: %" PRIu64 "/%" PRIu64 " %" PRIu64 "/%" PRIu64 " %" PRIu64 "/%" PRIu64,
             copied[8], copied[9], copied[10], copied[11], copied[12], copied[13]);
    out.check(copied[0] == occluded[0] && copied[1] == occluded[1] && copied[2] == occluded[2],
              "vkCmdCopyQueryPoolResults matches vkGetQueryPoolResults");
    out.check(copied[8] == occluded[0] && copied[10] == occluded[1] && copied[12] == occluded[2] &&
                  copied[9] == 1 && copied[11] == 1 && copied[13] == 1,
              "copied results with availability");

    if (stats) {
        uint64_t values[6] = {};
        VK_CHECK(vkGetQueryPoolResults(ctx.device, stats, 0, 1, sizeof(values), values, sizeof(values),
                                       VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT));
        out.line("statistics: ia_vertices=%" PRIu64 " ia_primitives=%" PRIu64 " vs=%" PRIu64 " clip_in=%" PRIu64
                 " clip_out=%" PRIu64 " fs=%" PRIu64,
                 values[0], values[1], values[2], values[3], values[4], values[5]);
        out.check(values[0] == 15, "input assembly vertices");
        out.check(values[1] == 5, "input assembly primitives");
        out.check(std::memcmp(values, copied + 16, sizeof(values)) == 0, "copied statistics match");
    } else {
        out.line("statistics: skipped (feature absent)");
    }
    if (times) {
        uint64_t stamps[2] = {};
        VK_CHECK(vkGetQueryPoolResults(ctx.device, times, 0, 2, sizeof(stamps), stamps, 8,
                                       VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT));
        out.check(stamps[1] >= stamps[0], "t1 >= t0");
    } else {
        out.line("timestamps: skipped (timestampValidBits 0)");
    }

    out.hex("image", readback.mapped, kSize * kSize * 4);
    count_colors(readback.mapped, kSize * kSize, "image");
    out.check(pixel(readback.mapped, kSize, 16, 16) == rgba(255, 0, 0, 255), "quad A in front of B");

    vkDestroyCommandPool(ctx.device, pool, nullptr);
    vkDestroyPipeline(ctx.device, pipeline, nullptr);
    vkDestroyPipelineLayout(ctx.device, layout, nullptr);
    vkDestroyQueryPool(ctx.device, occlusion, nullptr);
    if (stats) vkDestroyQueryPool(ctx.device, stats, nullptr);
    if (times) vkDestroyQueryPool(ctx.device, times, nullptr);
    destroy(ctx, color);
    destroy(ctx, depth);
    for (Buffer* buffer : {&vertex_buffer, &readback, &results}) destroy(ctx, *buffer);
}

// ============================================ compute: template, spec, push --

// The api_template.comp rig: four descriptors written through an update
// template, specialization constants and push constants.
struct ComputeRig {
    static constexpr uint32_t kCount = 100;
    VkDescriptorSetLayout set_layout = VK_NULL_HANDLE;
    VkPipelineLayout layout = VK_NULL_HANDLE;
    VkDescriptorPool pool = VK_NULL_HANDLE;
    VkDescriptorSet set = VK_NULL_HANDLE;
    VkDescriptorUpdateTemplate update_template = VK_NULL_HANDLE;
    Buffer params, values, texels, storage_texels;
    VkBufferView texel_view = VK_NULL_HANDLE, storage_view = VK_NULL_HANDLE;

    // What the template reads: arbitrary application data with descriptors at known offsets.
    struct TemplateData {
        uint32_t padding[3];
        VkDescriptorBufferInfo params;
        VkDescriptorBufferInfo values;
        VkBufferView texel_view;
        uint32_t more_padding;
        VkBufferView storage_view;
    };

    void create(const Context& ctx) {
        const VkDescriptorSetLayoutBinding bindings[4] = {
            {0, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr},
            {1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr},
            {2, VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr},
            {3, VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr},
        };
        VkDescriptorSetLayoutCreateInfo set_info{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
        set_info.bindingCount = 4;
        set_info.pBindings = bindings;
        VK_CHECK(vkCreateDescriptorSetLayout(ctx.device, &set_info, nullptr, &set_layout));
        VkPushConstantRange push{VK_SHADER_STAGE_COMPUTE_BIT, 0, 8};
        VkPipelineLayoutCreateInfo layout_info{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
        layout_info.setLayoutCount = 1;
        layout_info.pSetLayouts = &set_layout;
        layout_info.pushConstantRangeCount = 1;
        layout_info.pPushConstantRanges = &push;
        VK_CHECK(vkCreatePipelineLayout(ctx.device, &layout_info, nullptr, &layout));

        const VkDescriptorPoolSize sizes[4] = {{VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, 1},
                                               {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1},
                                               {VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, 1},
                                               {VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER, 1}};
        VkDescriptorPoolCreateInfo pool_info{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
        pool_info.maxSets = 1;
        pool_info.poolSizeCount = 4;
        pool_info.pPoolSizes = sizes;
        VK_CHECK(vkCreateDescriptorPool(ctx.device, &pool_info, nullptr, &pool));
        VkDescriptorSetAllocateInfo allocate{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
        allocate.descriptorPool = pool;
        allocate.descriptorSetCount = 1;
        allocate.pSetLayouts = &set_layout;
        VK_CHECK(vkAllocateDescriptorSets(ctx.device, &allocate, &set));

        params = make_buffer(ctx, 16, VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT);
        values = make_buffer(ctx, kCount * 4, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT);
        texels = make_buffer(ctx, kCount * 4, VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT);
        storage_texels = make_buffer(ctx, kCount * 4, VK_BUFFER_USAGE_STORAGE_TEXEL_BUFFER_BIT);
        VkBufferViewCreateInfo view_info{VK_STRUCTURE_TYPE_BUFFER_VIEW_CREATE_INFO};
        view_info.format = VK_FORMAT_R32_UINT;
        view_info.range = VK_WHOLE_SIZE;
        view_info.buffer = texels.buffer;
        VK_CHECK(vkCreateBufferView(ctx.device, &view_info, nullptr, &texel_view));
        view_info.buffer = storage_texels.buffer;
        VK_CHECK(vkCreateBufferView(ctx.device, &view_info, nullptr, &storage_view));

        const VkDescriptorUpdateTemplateEntry entries[4] = {
            {0, 0, 1, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, offsetof(TemplateData, params), 0},
            {1, 0, 1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, offsetof(TemplateData, values), 0},
            {2, 0, 1, VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, offsetof(TemplateData, texel_view), 0},
            {3, 0, 1, VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER, offsetof(TemplateData, storage_view), 0},
        };
        VkDescriptorUpdateTemplateCreateInfo template_info{VK_STRUCTURE_TYPE_DESCRIPTOR_UPDATE_TEMPLATE_CREATE_INFO};
        template_info.descriptorUpdateEntryCount = 4;
        template_info.pDescriptorUpdateEntries = entries;
        template_info.templateType = VK_DESCRIPTOR_UPDATE_TEMPLATE_TYPE_DESCRIPTOR_SET;
        template_info.descriptorSetLayout = set_layout;
        template_info.pipelineBindPoint = VK_PIPELINE_BIND_POINT_COMPUTE;
        template_info.pipelineLayout = layout;
        VK_CHECK(vkCreateDescriptorUpdateTemplate(ctx.device, &template_info, nullptr, &update_template));
        TemplateData data{};
        data.params = {params.buffer, 0, 16};
        data.values = {values.buffer, 0, VK_WHOLE_SIZE};
        data.texel_view = texel_view;
        data.storage_view = storage_view;
        vkUpdateDescriptorSetWithTemplate(ctx.device, set, update_template, &data);
    }

    struct Spec {
        uint32_t local_size;
        uint32_t mul;
        int32_t bias;
    };

    VkPipeline pipeline(const Context& ctx, const Spec& spec, VkPipelineCache cache) const {
        const VkSpecializationMapEntry map[3] = {{0, offsetof(Spec, local_size), 4},
                                                 {1, offsetof(Spec, mul), 4},
                                                 {2, offsetof(Spec, bias), 4}};
        VkSpecializationInfo specialization{3, map, sizeof(spec), &spec};
        VkComputePipelineCreateInfo info{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
        info.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
        info.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
        info.stage.module = ctx.template_comp;
        info.stage.pName = "main";
        info.stage.pSpecializationInfo = &specialization;
        info.layout = layout;
        VkPipeline result;
        VK_CHECK(vkCreateComputePipelines(ctx.device, cache, 1, &info, nullptr, &result));
        return result;
    }

    // Runs the pipeline once over fresh inputs; checks and records the results.
    void run(const Context& ctx, VkPipeline pipeline, const Spec& spec, uint32_t add, const char* label) {
        const uint32_t base[4] = {1000, 100000, 0, 0};
        std::memcpy(params.mapped, base, sizeof(base));
        for (uint32_t i = 0; i < kCount; ++i) {
            texels.words()[i] = i * i;
            storage_texels.words()[i] = 10 + i;
            values.words()[i] = 0xdeadbeef;
        }
        VkCommandPool command_pool = ctx.command_pool();
        VkCommandBuffer commands = ctx.command_buffer(command_pool);
        begin(commands);
        vkCmdBindPipeline(commands, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline);
        vkCmdBindDescriptorSets(commands, VK_PIPELINE_BIND_POINT_COMPUTE, layout, 0, 1, &set, 0, nullptr);
        const uint32_t push[2] = {add, kCount};
        vkCmdPushConstants(commands, layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(push), push);
        vkCmdDispatch(commands, (kCount + spec.local_size - 1) / spec.local_size, 1, 1);
        memory_barrier(commands, VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT, VK_ACCESS_2_SHADER_WRITE_BIT,
                       VK_PIPELINE_STAGE_2_HOST_BIT, VK_ACCESS_2_HOST_READ_BIT);
        VK_CHECK(vkEndCommandBuffer(commands));
        ctx.submit_and_wait(commands);
        vkDestroyCommandPool(ctx.device, command_pool, nullptr);

        uint32_t wrong_values = 0, wrong_texels = 0;
        for (uint32_t i = 0; i < kCount; ++i) {
            const uint32_t s = 10 + i;
            const uint32_t expected = base[0] + i * i * spec.mul + add + static_cast<uint32_t>(int32_t(s) + spec.bias) +
                                      spec.local_size * 1000000u + base[1] * (i / spec.local_size);
            if (values.words()[i] != expected) ++wrong_values;
            if (storage_texels.words()[i] != s * 2 + i) ++wrong_texels;
        }
        std::string name = std::string(label) + ".values";
        out.hex(name.c_str(), values.mapped, kCount * 4);
        name = std::string(label) + ".storage_texels";
        out.hex(name.c_str(), storage_texels.mapped, kCount * 4);
        out.line("%s: wrong_values=%u wrong_storage_texels=%u", label, wrong_values, wrong_texels);
        name = std::string(label) + " results";
        out.check(wrong_values == 0 && wrong_texels == 0, name.c_str());
    }

    void destroy_all(const Context& ctx) {
        vkDestroyDescriptorUpdateTemplate(ctx.device, update_template, nullptr);
        vkDestroyDescriptorPool(ctx.device, pool, nullptr);
        vkDestroyBufferView(ctx.device, texel_view, nullptr);
        vkDestroyBufferView(ctx.device, storage_view, nullptr);
        for (Buffer* buffer : {&params, &values, &texels, &storage_texels}) destroy(ctx, *buffer);
        vkDestroyPipelineLayout(ctx.device, layout, nullptr);
        vkDestroyDescriptorSetLayout(ctx.device, set_layout, nullptr);
    }
};

void test_compute_template(Context& ctx, ComputeRig& rig) {
    out.section = "compute";
    const ComputeRig::Spec first{16, 3, -5}, second{32, 1, 0};
    VkPipeline a = rig.pipeline(ctx, first, VK_NULL_HANDLE);
    rig.run(ctx, a, first, 7, "spec16_mul3_bias-5_add7");
    VkPipeline b = rig.pipeline(ctx, second, VK_NULL_HANDLE);
    rig.run(ctx, b, second, 0, "spec32_mul1_bias0_add0");
    vkDestroyPipeline(ctx.device, a, nullptr);
    vkDestroyPipeline(ctx.device, b, nullptr);
}

// ======================================================== pipeline cache --

struct CacheHeader {
    uint32_t header_size;
    uint32_t header_version;
    uint32_t vendor_id;
    uint32_t device_id;
    uint8_t uuid[VK_UUID_SIZE];
};

void record_cache(const Context& ctx, VkPipelineCache cache, const char* label, std::vector<uint8_t>* data_out) {
    size_t size = 0;
    VK_CHECK(vkGetPipelineCacheData(ctx.device, cache, &size, nullptr));
    std::vector<uint8_t> data(size);
    VkResult result = VK_SUCCESS;
    if (size) {
        result = vkGetPipelineCacheData(ctx.device, cache, &size, data.data());
        data.resize(size);
    }
    // Too small a buffer: VK_INCOMPLETE (writing nothing past what fits).
    size_t small = 8;
    uint8_t small_data[8];
    const VkResult small_result = vkGetPipelineCacheData(ctx.device, cache, &small, small_data);
    CacheHeader header{};
    if (data.size() >= sizeof(header)) std::memcpy(&header, data.data(), sizeof(header));
    std::string name;
    out.line("%s: get_data=%d size_positive=%d small_buffer_result=%d small_size=%zu", label, result, size > 0,
             small_result, small);
    out.line("%s: header_size=%u header_version=%u vendor_match=%d device_match=%d uuid_match=%d", label,
             header.header_size, header.header_version, header.vendor_id == ctx.properties.vendorID,
             header.device_id == ctx.properties.deviceID,
             std::memcmp(header.uuid, ctx.properties.pipelineCacheUUID, VK_UUID_SIZE) == 0);
    name = std::string(label) + " data";
    out.check(result == VK_SUCCESS && size >= sizeof(header) && header.header_size == 32 &&
                  header.header_version == VK_PIPELINE_CACHE_HEADER_VERSION_ONE &&
                  header.vendor_id == ctx.properties.vendorID && header.device_id == ctx.properties.deviceID &&
                  std::memcmp(header.uuid, ctx.properties.pipelineCacheUUID, VK_UUID_SIZE) == 0,
              name.c_str());
    name = std::string(label) + " small buffer incomplete";
    out.check(small_result == VK_INCOMPLETE || (size <= 8 && small_result == VK_SUCCESS), name.c_str());
    if (data_out) *data_out = std::move(data);
}

void test_pipeline_cache(Context& ctx, ComputeRig& rig) {
    out.section = "pipeline_cache";
    VkPipelineCacheCreateInfo info{VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO};
    VkPipelineCache first;
    VK_CHECK(vkCreatePipelineCache(ctx.device, &info, nullptr, &first));
    const ComputeRig::Spec spec{8, 5, 2};
    VkPipeline a = rig.pipeline(ctx, spec, first);
    std::vector<uint8_t> data;
    record_cache(ctx, first, "first", &data);

    info.initialDataSize = data.size();
    info.pInitialData = data.data();
    VkPipelineCache second;
    VK_CHECK(vkCreatePipelineCache(ctx.device, &info, nullptr, &second));
    VkPipeline b = rig.pipeline(ctx, spec, second);
    record_cache(ctx, second, "second", nullptr);
    rig.run(ctx, b, spec, 11, "from_loaded_cache");

    VkPipelineCacheCreateInfo empty_info{VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO};
    VkPipelineCache merged;
    VK_CHECK(vkCreatePipelineCache(ctx.device, &empty_info, nullptr, &merged));
    const VkPipelineCache sources[2] = {first, second};
    const VkResult merge = vkMergePipelineCaches(ctx.device, merged, 2, sources);
    out.line("merge: %d", merge);
    out.check(merge == VK_SUCCESS, "vkMergePipelineCaches");
    record_cache(ctx, merged, "merged", nullptr);
    VkPipeline c = rig.pipeline(ctx, spec, merged);
    rig.run(ctx, c, spec, 11, "from_merged_cache");

    for (VkPipeline pipeline : {a, b, c}) vkDestroyPipeline(ctx.device, pipeline, nullptr);
    for (VkPipelineCache cache : {first, second, merged}) vkDestroyPipelineCache(ctx.device, cache, nullptr);
}

// ================================================================ events --

void test_events(Context& ctx) {
    out.section = "events";
    Buffer src = make_buffer(ctx, 128, VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT);
    Buffer dst = make_buffer(ctx, 128, VK_BUFFER_USAGE_TRANSFER_DST_BIT);
    // The last 64 bytes are written by the host.
    for (uint32_t i = 0; i < 16; ++i) src.words()[16 + i] = 0xC0000000u + i;
    VkEvent events[5];
    VkEventCreateInfo event_info{VK_STRUCTURE_TYPE_EVENT_CREATE_INFO};
    for (VkEvent& event : events) VK_CHECK(vkCreateEvent(ctx.device, &event_info, nullptr, &event));
    // events[3] is set from the host before the submit, and waited on in it.
    VK_CHECK(vkSetEvent(ctx.device, events[3]));
    out.line("host_set_status: %d", vkGetEventStatus(ctx.device, events[3]));

    VkCommandPool pool = ctx.command_pool();
    VkCommandBuffer commands = ctx.command_buffer(pool);
    begin(commands);
    // events[0]: synchronization2 set and wait around fill -> copy.
    vkCmdFillBuffer(commands, src.buffer, 0, 32, 0xAAAAAAAAu);
    VkMemoryBarrier2 barrier2{VK_STRUCTURE_TYPE_MEMORY_BARRIER_2};
    barrier2.srcStageMask = VK_PIPELINE_STAGE_2_ALL_TRANSFER_BIT;
    barrier2.srcAccessMask = VK_ACCESS_2_TRANSFER_WRITE_BIT;
    barrier2.dstStageMask = VK_PIPELINE_STAGE_2_ALL_TRANSFER_BIT;
    barrier2.dstAccessMask = VK_ACCESS_2_TRANSFER_READ_BIT;
    VkDependencyInfo dependency{VK_STRUCTURE_TYPE_DEPENDENCY_INFO};
    dependency.memoryBarrierCount = 1;
    dependency.pMemoryBarriers = &barrier2;
    vkCmdSetEvent2(commands, events[0], &dependency);
    vkCmdWaitEvents2(commands, 1, &events[0], &dependency);
    const VkBufferCopy copy0{0, 0, 32};
    vkCmdCopyBuffer(commands, src.buffer, dst.buffer, 1, &copy0);
    // events[1]: the original set and wait.
    vkCmdFillBuffer(commands, src.buffer, 32, 32, 0xBBBBBBBBu);
    vkCmdSetEvent(commands, events[1], VK_PIPELINE_STAGE_TRANSFER_BIT);
    VkMemoryBarrier barrier{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    barrier.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    barrier.dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
    vkCmdWaitEvents(commands, 1, &events[1], VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 1,
                    &barrier, 0, nullptr, 0, nullptr);
    const VkBufferCopy copy1{32, 32, 32};
    vkCmdCopyBuffer(commands, src.buffer, dst.buffer, 1, &copy1);
    // events[2]: set, then reset.
    vkCmdSetEvent(commands, events[2], VK_PIPELINE_STAGE_TRANSFER_BIT);
    vkCmdResetEvent(commands, events[2], VK_PIPELINE_STAGE_TRANSFER_BIT);
    // events[3]: set by the host; the copy after the wait reads host-written data.
    VkMemoryBarrier host_barrier{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    host_barrier.srcAccessMask = VK_ACCESS_HOST_WRITE_BIT;
    host_barrier.dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
    vkCmdWaitEvents(commands, 1, &events[3], VK_PIPELINE_STAGE_HOST_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 1,
                    &host_barrier, 0, nullptr, 0, nullptr);
    const VkBufferCopy copy2{64, 64, 64};
    vkCmdCopyBuffer(commands, src.buffer, dst.buffer, 1, &copy2);
    transfer_to_host(commands);
    VK_CHECK(vkEndCommandBuffer(commands));
    ctx.submit_and_wait(commands);

    VkResult status[5];
    for (int i = 0; i < 5; ++i) status[i] = vkGetEventStatus(ctx.device, events[i]);
    out.line("status_after_submit: %d %d %d %d %d", status[0], status[1], status[2], status[3], status[4]);
    out.check(status[0] == VK_EVENT_SET, "vkCmdSetEvent2 leaves the event set");
    out.check(status[1] == VK_EVENT_SET, "vkCmdSetEvent leaves the event set");
    out.check(status[2] == VK_EVENT_RESET, "vkCmdResetEvent leaves the event reset");
    out.check(status[3] == VK_EVENT_SET, "host-set event stays set");
    out.check(status[4] == VK_EVENT_RESET, "untouched event is reset");
    VK_CHECK(vkResetEvent(ctx.device, events[0]));
    out.line("status_after_host_reset: %d", vkGetEventStatus(ctx.device, events[0]));
    out.check(vkGetEventStatus(ctx.device, events[0]) == VK_EVENT_RESET, "host reset after a device set");

    out.hex("dst", dst.mapped, 128);
    bool ok = true;
    for (uint32_t i = 0; i < 8; ++i) ok &= dst.words()[i] == 0xAAAAAAAAu && dst.words()[8 + i] == 0xBBBBBBBBu;
    for (uint32_t i = 0; i < 16; ++i) ok &= dst.words()[16 + i] == 0xC0000000u + i;
    out.check(ok, "copies ordered by the events");

    for (VkEvent event : events) vkDestroyEvent(ctx.device, event, nullptr);
    vkDestroyCommandPool(ctx.device, pool, nullptr);
    destroy(ctx, src);
    destroy(ctx, dst);
}

// ==================================================== timeline semaphore --

void test_timeline(Context& ctx) {
    out.section = "timeline";
    VkSemaphoreTypeCreateInfo type{VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO};
    type.semaphoreType = VK_SEMAPHORE_TYPE_TIMELINE;
    type.initialValue = 1;
    VkSemaphoreCreateInfo info{VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
    info.pNext = &type;
    VkSemaphore timeline;
    VK_CHECK(vkCreateSemaphore(ctx.device, &info, nullptr, &timeline));
    uint64_t value = 0;
    VK_CHECK(vkGetSemaphoreCounterValue(ctx.device, timeline, &value));
    out.line("initial: %" PRIu64, value);
    out.check(value == 1, "initial value");

    Buffer buffer = make_buffer(ctx, 64, VK_BUFFER_USAGE_TRANSFER_DST_BIT);
    VkCommandPool pool = ctx.command_pool();
    VkCommandBuffer fill_first = ctx.command_buffer(pool), fill_second = ctx.command_buffer(pool);
    begin(fill_first);
    vkCmdFillBuffer(fill_first, buffer.buffer, 0, 32, 0x55555555u);
    transfer_to_host(fill_first);
    VK_CHECK(vkEndCommandBuffer(fill_first));
    begin(fill_second);
    vkCmdFillBuffer(fill_second, buffer.buffer, 32, 32, 0x66666666u);
    transfer_to_host(fill_second);
    VK_CHECK(vkEndCommandBuffer(fill_second));

    // Submit 1 signals 5; the host waits for it.
    const uint64_t five = 5;
    VkTimelineSemaphoreSubmitInfo timeline_info{VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO};
    timeline_info.signalSemaphoreValueCount = 1;
    timeline_info.pSignalSemaphoreValues = &five;
    VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
    submit.pNext = &timeline_info;
    submit.commandBufferCount = 1;
    submit.pCommandBuffers = &fill_first;
    submit.signalSemaphoreCount = 1;
    submit.pSignalSemaphores = &timeline;
    VK_CHECK(vkQueueSubmit(ctx.queue, 1, &submit, VK_NULL_HANDLE));
    VkSemaphoreWaitInfo wait{VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO};
    wait.semaphoreCount = 1;
    wait.pSemaphores = &timeline;
    wait.pValues = &five;
    const VkResult waited5 = vkWaitSemaphores(ctx.device, &wait, 10'000'000'000ull);
    VK_CHECK(vkGetSemaphoreCounterValue(ctx.device, timeline, &value));
    out.line("after_submit_5: wait=%d value=%" PRIu64 " words=%08x %08x", waited5, value, buffer.words()[0],
             buffer.words()[7]);
    out.check(waited5 == VK_SUCCESS && value == 5 && buffer.words()[0] == 0x55555555u, "signal 5 from a submit");

    // Submit 2 waits for 5 and signals 8.
    const uint64_t eight = 8;
    const VkPipelineStageFlags wait_stage = VK_PIPELINE_STAGE_TRANSFER_BIT;
    timeline_info.waitSemaphoreValueCount = 1;
    timeline_info.pWaitSemaphoreValues = &five;
    timeline_info.pSignalSemaphoreValues = &eight;
    submit.waitSemaphoreCount = 1;
    submit.pWaitSemaphores = &timeline;
    submit.pWaitDstStageMask = &wait_stage;
    submit.pCommandBuffers = &fill_second;
    VK_CHECK(vkQueueSubmit(ctx.queue, 1, &submit, VK_NULL_HANDLE));
    wait.pValues = &eight;
    const VkResult waited8 = vkWaitSemaphores(ctx.device, &wait, 10'000'000'000ull);
    VK_CHECK(vkGetSemaphoreCounterValue(ctx.device, timeline, &value));
    out.line("after_submit_8: wait=%d value=%" PRIu64 " words=%08x %08x", waited8, value, buffer.words()[8],
             buffer.words()[15]);
    out.check(waited8 == VK_SUCCESS && value == 8 && buffer.words()[8] == 0x66666666u, "wait 5, signal 8");

    // vkQueueSubmit2 without command buffers: wait 8, signal 12.
    VkSemaphoreSubmitInfo wait_info{VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO};
    wait_info.semaphore = timeline;
    wait_info.value = 8;
    wait_info.stageMask = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT;
    VkSemaphoreSubmitInfo signal_info = wait_info;
    signal_info.value = 12;
    VkSubmitInfo2 submit2{VK_STRUCTURE_TYPE_SUBMIT_INFO_2};
    submit2.waitSemaphoreInfoCount = 1;
    submit2.pWaitSemaphoreInfos = &wait_info;
    submit2.signalSemaphoreInfoCount = 1;
    submit2.pSignalSemaphoreInfos = &signal_info;
    VK_CHECK(vkQueueSubmit2(ctx.queue, 1, &submit2, VK_NULL_HANDLE));
    const uint64_t twelve = 12;
    wait.pValues = &twelve;
    const VkResult waited12 = vkWaitSemaphores(ctx.device, &wait, 10'000'000'000ull);
    VK_CHECK(vkGetSemaphoreCounterValue(ctx.device, timeline, &value));
    out.line("after_submit2_12: wait=%d value=%" PRIu64, waited12, value);
    out.check(waited12 == VK_SUCCESS && value == 12, "vkQueueSubmit2 wait 8, signal 12");

    // Wait-before-signal: a submit waits for 20, which the host signals afterwards.
    VkFence done = ctx.fence();
    wait_info.value = 20;
    signal_info.value = 21;
    VK_CHECK(vkQueueSubmit2(ctx.queue, 1, &submit2, done));
    const VkResult pending = vkGetFenceStatus(ctx.device, done);
    VkSemaphoreSignalInfo host_signal{VK_STRUCTURE_TYPE_SEMAPHORE_SIGNAL_INFO};
    host_signal.semaphore = timeline;
    host_signal.value = 20;
    VK_CHECK(vkSignalSemaphore(ctx.device, &host_signal));
    // (The fence and the semaphore signal are not ordered with each other: wait for both.)
    const uint64_t twenty_one = 21;
    wait.pValues = &twenty_one;
    const VkResult waited21 = vkWaitSemaphores(ctx.device, &wait, 10'000'000'000ull);
    const VkResult fence_result = vkWaitForFences(ctx.device, 1, &done, VK_TRUE, 10'000'000'000ull);
    VK_CHECK(vkGetSemaphoreCounterValue(ctx.device, timeline, &value));
    out.line("wait_before_signal: pending_fence=%d wait=%d fence=%d value=%" PRIu64, pending, waited21, fence_result,
             value);
    out.check(pending == VK_NOT_READY, "submit waits for the host signal");
    out.check(waited21 == VK_SUCCESS && fence_result == VK_SUCCESS && value == 21, "host signal releases the submit");
    VK_CHECK(vkQueueWaitIdle(ctx.queue));

    // vkWaitSemaphores with a value never reached times out (timeout 0: a poll).
    const uint64_t far = 100;
    wait.pValues = &far;
    const VkResult poll = vkWaitSemaphores(ctx.device, &wait, 0);
    out.line("poll_unreached: %d", poll);
    out.check(poll == VK_TIMEOUT, "poll for an unreached value");

    vkDestroyFence(ctx.device, done, nullptr);
    vkDestroyCommandPool(ctx.device, pool, nullptr);
    vkDestroySemaphore(ctx.device, timeline, nullptr);
    destroy(ctx, buffer);
}

// ====================================================== image operations --

void test_image_operations(Context& ctx) {
    out.section = "images";
    const VkImageUsageFlags transfer = VK_IMAGE_USAGE_TRANSFER_SRC_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT;
    Image a = make_image(ctx, 16, 16, kColorFormat, VK_SAMPLE_COUNT_1_BIT, transfer, false);
    Image up = make_image(ctx, 24, 24, kColorFormat, VK_SAMPLE_COUNT_1_BIT, transfer, false);
    Image down = make_image(ctx, 8, 8, kColorFormat, VK_SAMPLE_COUNT_1_BIT, transfer, false);
    Image copy = make_image(ctx, 16, 16, kColorFormat, VK_SAMPLE_COUNT_1_BIT, transfer, false);
    Image msaa = make_image(ctx, 16, 16, kColorFormat, VK_SAMPLE_COUNT_4_BIT,
                            VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | transfer, true);
    Image resolved = make_image(ctx, 16, 16, kColorFormat, VK_SAMPLE_COUNT_1_BIT, transfer, false);
    Image* outputs[5] = {&a, &up, &down, &copy, &resolved};
    const char* names[5] = {"cleared_uploaded", "blit_up", "blit_down", "copy", "resolved"};

    Buffer staging = make_buffer(ctx, 8 * 8 * 4, VK_BUFFER_USAGE_TRANSFER_SRC_BIT);
    for (uint32_t y = 0; y < 8; ++y)
        for (uint32_t x = 0; x < 8; ++x) {
            const uint32_t texel = rgba(uint8_t(x * 32), uint8_t(y * 32), uint8_t(255 - x * 16), 255);
            std::memcpy(staging.mapped + 4 * (y * 8 + x), &texel, 4);
        }
    VkDeviceSize offsets[5], total = 0;
    for (int i = 0; i < 5; ++i) {
        offsets[i] = total;
        total += VkDeviceSize{outputs[i]->width} * outputs[i]->height * 4;
    }
    Buffer readback = make_buffer(ctx, total, VK_BUFFER_USAGE_TRANSFER_DST_BIT);
    const float vertices[] = {-0.8f, -0.6f, 0.0f, 0.7f, -0.2f, 0.0f, -0.3f, 0.9f, 0.0f};
    Buffer vertex_buffer = make_buffer(ctx, sizeof(vertices), VK_BUFFER_USAGE_VERTEX_BUFFER_BIT);
    std::memcpy(vertex_buffer.mapped, vertices, sizeof(vertices));
    VkPipelineLayout layout = draw_pipeline_layout(ctx);
    VkPipeline pipeline = draw_pipeline(ctx, layout, VK_SAMPLE_COUNT_4_BIT, VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST, false,
                                        {VK_DYNAMIC_STATE_VIEWPORT, VK_DYNAMIC_STATE_SCISSOR});

    VkCommandPool pool = ctx.command_pool();
    VkCommandBuffer commands = ctx.command_buffer(pool);
    begin(commands);
    const VkImageSubresourceRange range{VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    const VkImageSubresourceLayers layers{VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
    // a: cleared, then an 8x8 gradient uploaded at (4, 4).
    transition(commands, a, kUndefined, kTransferDst);
    const VkClearColorValue clear{{0.25f, 0.5f, 0.75f, 1.0f}};
    vkCmdClearColorImage(commands, a.image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, &clear, 1, &range);
    transfer_to_transfer(commands);
    VkBufferImageCopy upload{};
    upload.imageSubresource = layers;
    upload.imageOffset = {4, 4, 0};
    upload.imageExtent = {8, 8, 1};
    vkCmdCopyBufferToImage(commands, staging.buffer, a.image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &upload);
    transition(commands, a, kTransferDst, kTransferSrc);
    // Blits up and down with linear filtering, a copy into a cleared image.
    for (Image* image : {&up, &down, &copy}) transition(commands, *image, kUndefined, kTransferDst);
    const VkClearColorValue red{{1.0f, 0.0f, 0.0f, 1.0f}};
    vkCmdClearColorImage(commands, copy.image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, &red, 1, &range);
    transfer_to_transfer(commands);
    VkImageBlit blit{};
    blit.srcSubresource = blit.dstSubresource = layers;
    blit.srcOffsets[1] = {16, 16, 1};
    blit.dstOffsets[1] = {24, 24, 1};
    vkCmdBlitImage(commands, a.image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, up.image,
                   VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &blit, VK_FILTER_LINEAR);
    blit.dstOffsets[1] = {8, 8, 1};
    vkCmdBlitImage(commands, a.image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, down.image,
                   VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &blit, VK_FILTER_LINEAR);
    VkImageCopy image_copy{};
    image_copy.srcSubresource = image_copy.dstSubresource = layers;
    image_copy.srcOffset = {2, 2, 0};
    image_copy.dstOffset = {5, 5, 0};
    image_copy.extent = {10, 10, 1};
    vkCmdCopyImage(commands, a.image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, copy.image,
                   VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &image_copy);
    // A triangle drawn at 4x MSAA, then vkCmdResolveImage.
    transition(commands, msaa, kUndefined, kColorAttachment);
    VkRenderingAttachmentInfo attachment = color_attachment(msaa, VK_ATTACHMENT_LOAD_OP_CLEAR, 0, 0, 1, 1);
    VkRenderingInfo rendering{VK_STRUCTURE_TYPE_RENDERING_INFO};
    rendering.renderArea = {{0, 0}, {16, 16}};
    rendering.layerCount = 1;
    rendering.colorAttachmentCount = 1;
    rendering.pColorAttachments = &attachment;
    vkCmdBeginRendering(commands, &rendering);
    vkCmdBindPipeline(commands, VK_PIPELINE_BIND_POINT_GRAPHICS, pipeline);
    set_viewport_scissor(commands, 0, 0, 16, 16, rendering.renderArea);
    const VkDeviceSize zero = 0;
    vkCmdBindVertexBuffers(commands, 0, 1, &vertex_buffer.buffer, &zero);
    push_color(commands, layout, 1, 1, 0, 1);
    vkCmdDraw(commands, 3, 1, 0, 0);
    vkCmdEndRendering(commands);
    transition(commands, msaa, kColorAttachment, kTransferSrc);
    transition(commands, resolved, kUndefined, kTransferDst);
    VkImageResolve resolve{};
    resolve.srcSubresource = resolve.dstSubresource = layers;
    resolve.extent = {16, 16, 1};
    vkCmdResolveImage(commands, msaa.image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, resolved.image,
                      VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &resolve);
    for (Image* image : {&up, &down, &copy, &resolved}) transition(commands, *image, kTransferDst, kTransferSrc);
    for (int i = 0; i < 5; ++i) copy_to_buffer(commands, *outputs[i], readback, offsets[i]);
    transfer_to_host(commands);
    VK_CHECK(vkEndCommandBuffer(commands));
    ctx.submit_and_wait(commands);

    for (int i = 0; i < 5; ++i) {
        out.hex(names[i], readback.mapped + offsets[i], outputs[i]->width * outputs[i]->height * 4);
        count_colors(readback.mapped + offsets[i], outputs[i]->width * outputs[i]->height, names[i]);
    }
    const uint8_t* pa = readback.mapped + offsets[0];
    const uint32_t clear_texel = rgba(64, 128, 191, 255);
    out.line("clear_texel: %08x", pixel(pa, 16, 0, 0));
    // Float to UNORM conversion may round 127.5 and 191.25 either way: each
    // channel within 1 of the exact value.
    const uint32_t got = pixel(pa, 16, 0, 0);
    bool close = true;
    for (int shift = 0; shift < 32; shift += 8) {
        const int a_channel = static_cast<int>((got >> shift) & 0xff);
        const int e_channel = static_cast<int>((clear_texel >> shift) & 0xff);
        close = close && std::abs(a_channel - e_channel) <= 1;
    }
    out.check(close, "vkCmdClearColorImage");
    uint32_t gradient0, gradient77;
    std::memcpy(&gradient0, staging.mapped, 4);
    std::memcpy(&gradient77, staging.mapped + 4 * 63, 4);
    out.check(pixel(pa, 16, 4, 4) == gradient0 && pixel(pa, 16, 11, 11) == gradient77, "vkCmdCopyBufferToImage");
    const uint8_t* pcopy = readback.mapped + offsets[3];
    out.check(pixel(pcopy, 16, 0, 0) == rgba(255, 0, 0, 255) && pixel(pcopy, 16, 5, 5) == pixel(pa, 16, 2, 2) &&
                  pixel(pcopy, 16, 14, 14) == pixel(pa, 16, 11, 11) && pixel(pcopy, 16, 15, 15) == rgba(255, 0, 0, 255),
              "vkCmdCopyImage");
    const uint8_t* pup = readback.mapped + offsets[1];
    const uint8_t* pdown = readback.mapped + offsets[2];
    out.check(pixel(pup, 24, 0, 0) == pixel(pa, 16, 0, 0) && pixel(pdown, 8, 0, 0) == pixel(pa, 16, 0, 0),
              "blits keep a uniform corner");
    const uint8_t* presolved = readback.mapped + offsets[4];
    out.check(pixel(presolved, 16, 15, 0) == rgba(0, 0, 255, 255), "resolve: background");
    out.check(pixel(presolved, 16, 5, 8) == rgba(255, 255, 0, 255), "resolve: inside the triangle");

    vkDestroyCommandPool(ctx.device, pool, nullptr);
    vkDestroyPipeline(ctx.device, pipeline, nullptr);
    vkDestroyPipelineLayout(ctx.device, layout, nullptr);
    for (Image* image : {&a, &up, &down, &copy, &msaa, &resolved}) destroy(ctx, *image);
    for (Buffer* buffer : {&staging, &readback, &vertex_buffer}) destroy(ctx, *buffer);
}

// ========================================================= dynamic state --

void test_dynamic_state(Context& ctx) {
    out.section = "dynamic_state";
    constexpr uint32_t kSize = 32;
    Image color = make_image(ctx, kSize, kSize, kColorFormat, VK_SAMPLE_COUNT_1_BIT,
                             VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT, true);
    Buffer readback = make_buffer(ctx, kSize * kSize * 4, VK_BUFFER_USAGE_TRANSFER_DST_BIT);
    // In framebuffer coordinates (y down): triangle 0 is clockwise, triangle 1 counter-clockwise.
    const float vertices[] = {
        -0.9f, -0.9f, 0, -0.1f, -0.9f, 0, -0.9f, -0.1f, 0,   // 0: (left-top, right-top, left-bottom)
        0.1f,  -0.9f, 0, 0.1f,  -0.1f, 0, 0.9f,  -0.9f, 0,   // 1: (left-top, left-bottom, right-top)
        -1.0f, -1.0f, 0, 1.0f,  -1.0f, 0, -1.0f, 1.0f,  0, 1.0f, 1.0f, 0,  // 2: strip covering the viewport
        -0.9f, 0.2f,  0, -0.2f, 0.9f,  0, -0.9f, 0.9f,  0,   // 3: line strip
        0.2f,  0.5f,  0, 0.9f,  0.5f,  0, 0.5f,  0.2f,  0, 0.5f, 0.9f, 0,  // 4: line list (a cross)
    };
    Buffer vertex_buffer = make_buffer(ctx, sizeof(vertices), VK_BUFFER_USAGE_VERTEX_BUFFER_BIT);
    std::memcpy(vertex_buffer.mapped, vertices, sizeof(vertices));
    const std::vector<VkDynamicState> dynamic = {
        VK_DYNAMIC_STATE_VIEWPORT,  VK_DYNAMIC_STATE_SCISSOR,    VK_DYNAMIC_STATE_LINE_WIDTH,
        VK_DYNAMIC_STATE_CULL_MODE, VK_DYNAMIC_STATE_FRONT_FACE, VK_DYNAMIC_STATE_PRIMITIVE_TOPOLOGY};
    VkPipelineLayout layout = draw_pipeline_layout(ctx);
    VkPipeline triangles =
        draw_pipeline(ctx, layout, VK_SAMPLE_COUNT_1_BIT, VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST, false, dynamic);
    VkPipeline lines = draw_pipeline(ctx, layout, VK_SAMPLE_COUNT_1_BIT, VK_PRIMITIVE_TOPOLOGY_LINE_LIST, false, dynamic);
    const bool wide = ctx.enabled.wideLines && ctx.properties.limits.lineWidthRange[1] >= 3.0f;
    out.line("wide_lines=%d", wide);

    VkCommandPool pool = ctx.command_pool();
    VkCommandBuffer commands = ctx.command_buffer(pool);
    begin(commands);
    transition(commands, color, kUndefined, kColorAttachment);
    VkRenderingAttachmentInfo attachment = color_attachment(color, VK_ATTACHMENT_LOAD_OP_CLEAR, 0, 0, 0, 1);
    VkRenderingInfo rendering{VK_STRUCTURE_TYPE_RENDERING_INFO};
    rendering.renderArea = {{0, 0}, {kSize, kSize}};
    rendering.layerCount = 1;
    rendering.colorAttachmentCount = 1;
    rendering.pColorAttachments = &attachment;
    vkCmdBeginRendering(commands, &rendering);
    const VkDeviceSize zero = 0;
    vkCmdBindVertexBuffers(commands, 0, 1, &vertex_buffer.buffer, &zero);
    // Back faces culled, counter-clockwise front: only triangle 1 (red).
    vkCmdBindPipeline(commands, VK_PIPELINE_BIND_POINT_GRAPHICS, triangles);
    set_viewport_scissor(commands, 0, 0, kSize, kSize, rendering.renderArea);
    vkCmdSetLineWidth(commands, 1.0f);
    vkCmdSetCullMode(commands, VK_CULL_MODE_BACK_BIT);
    vkCmdSetFrontFace(commands, VK_FRONT_FACE_COUNTER_CLOCKWISE);
    vkCmdSetPrimitiveTopology(commands, VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST);
    push_color(commands, layout, 1, 0, 0, 1);
    vkCmdDraw(commands, 6, 1, 0, 0);
    // Front face flipped: only triangle 0 (green).
    vkCmdSetFrontFace(commands, VK_FRONT_FACE_CLOCKWISE);
    push_color(commands, layout, 0, 1, 0, 1);
    vkCmdDraw(commands, 6, 1, 0, 0);
    // A strip in a smaller viewport, cut by a scissor, nothing culled (gray).
    vkCmdSetCullMode(commands, VK_CULL_MODE_NONE);
    vkCmdSetPrimitiveTopology(commands, VK_PRIMITIVE_TOPOLOGY_TRIANGLE_STRIP);
    set_viewport_scissor(commands, 16, 16, 12, 12, VkRect2D{{18, 18}, {20, 6}});
    push_color(commands, layout, 0.5f, 0.5f, 0.5f, 1);
    vkCmdDraw(commands, 4, 1, 6, 0);
    // Lines: a wide strip (blue) and a thin list (white).
    vkCmdBindPipeline(commands, VK_PIPELINE_BIND_POINT_GRAPHICS, lines);
    set_viewport_scissor(commands, 0, 0, kSize, kSize, rendering.renderArea);
    vkCmdSetCullMode(commands, VK_CULL_MODE_NONE);
    vkCmdSetFrontFace(commands, VK_FRONT_FACE_COUNTER_CLOCKWISE);
    vkCmdSetPrimitiveTopology(commands, VK_PRIMITIVE_TOPOLOGY_LINE_STRIP);
    vkCmdSetLineWidth(commands, wide ? 3.0f : 1.0f);
    push_color(commands, layout, 0, 0, 1, 1);
    vkCmdDraw(commands, 3, 1, 10, 0);
    vkCmdSetPrimitiveTopology(commands, VK_PRIMITIVE_TOPOLOGY_LINE_LIST);
    vkCmdSetLineWidth(commands, 1.0f);
    push_color(commands, layout, 1, 1, 1, 1);
    vkCmdDraw(commands, 4, 1, 13, 0);
    vkCmdEndRendering(commands);
    transition(commands, color, kColorAttachment, kTransferSrc);
    copy_to_buffer(commands, color, readback, 0);
    transfer_to_host(commands);
    VK_CHECK(vkEndCommandBuffer(commands));
    ctx.submit_and_wait(commands);

    for (uint32_t row = 0; row < kSize; ++row) {
        char label[32];
        std::snprintf(label, sizeof(label), "row%02u", row);
        out.hex(label, readback.mapped + row * kSize * 4, kSize * 4);
    }
    count_colors(readback.mapped, kSize * kSize, "image");
    const uint8_t* p = readback.mapped;
    out.check(pixel(p, kSize, 4, 4) == rgba(0, 255, 0, 255), "clockwise triangle drawn only with front face flipped");
    out.check(pixel(p, kSize, 19, 4) == rgba(255, 0, 0, 255), "counter-clockwise triangle drawn first");
    out.check(pixel(p, kSize, 20, 20) == rgba(128, 128, 128, 255) || pixel(p, kSize, 20, 20) == rgba(127, 127, 127, 255),
              "strip inside viewport and scissor");
    out.check(pixel(p, kSize, 20, 26) != rgba(128, 128, 128, 255) && pixel(p, kSize, 17, 20) != rgba(128, 128, 128, 255),
              "strip cut by the scissor");
    uint32_t blue = 0, white = 0;
    for (uint32_t i = 0; i < kSize * kSize; ++i) {
        const uint32_t c = pixel(p, kSize, i % kSize, i / kSize);
        blue += c == rgba(0, 0, 255, 255);
        white += c == rgba(255, 255, 255, 255);
    }
    out.line("line_pixels: blue=%u white=%u", blue, white);
    out.check(blue > 0 && white > 0, "lines drawn");

    vkDestroyCommandPool(ctx.device, pool, nullptr);
    vkDestroyPipeline(ctx.device, triangles, nullptr);
    vkDestroyPipeline(ctx.device, lines, nullptr);
    vkDestroyPipelineLayout(ctx.device, layout, nullptr);
    destroy(ctx, color);
    destroy(ctx, readback);
    destroy(ctx, vertex_buffer);
}

// ================================================= resource/format queries --

void test_resource_queries(Context& ctx) {
    out.section = "resource_queries";
    // A linear image's layout.
    const VkFormat linear_formats[2] = {VK_FORMAT_R8G8B8A8_UNORM, VK_FORMAT_R16G16B16A16_SFLOAT};
    for (VkFormat format : linear_formats) {
        VkImageCreateInfo info{VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO};
        info.imageType = VK_IMAGE_TYPE_2D;
        info.format = format;
        info.extent = {13, 7, 1};
        info.mipLevels = 1;
        info.arrayLayers = 1;
        info.samples = VK_SAMPLE_COUNT_1_BIT;
        info.tiling = VK_IMAGE_TILING_LINEAR;
        info.usage = VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
        info.initialLayout = VK_IMAGE_LAYOUT_PREINITIALIZED;
        VkImage image;
        VK_CHECK(vkCreateImage(ctx.device, &info, nullptr, &image));
        VkMemoryRequirements requirements;
        vkGetImageMemoryRequirements(ctx.device, image, &requirements);
        VkDeviceMemory memory = ctx.allocate(requirements, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT);
        VK_CHECK(vkBindImageMemory(ctx.device, image, memory, 0));
        const VkImageSubresource subresource{VK_IMAGE_ASPECT_COLOR_BIT, 0, 0};
        VkSubresourceLayout layout{};
        vkGetImageSubresourceLayout(ctx.device, image, &subresource, &layout);
        out.line("linear_%d: requirements size=%" PRIu64 " alignment=%" PRIu64 " bits=%x; layout offset=%" PRIu64
                 " size=%" PRIu64 " row_pitch=%" PRIu64 " array_pitch=%" PRIu64 " depth_pitch=%" PRIu64,
                 format, requirements.size, requirements.alignment, requirements.memoryTypeBits, layout.offset,
                 layout.size, layout.rowPitch, layout.arrayPitch, layout.depthPitch);
        const uint32_t texel = format == VK_FORMAT_R8G8B8A8_UNORM ? 4 : 8;
        out.check(layout.rowPitch >= 13 * texel && layout.size >= layout.rowPitch * 6 + 13 * texel,
                  "linear layout holds the image");
        // vkGetDeviceImageMemoryRequirements for the same create info.
        VkDeviceImageMemoryRequirements device_info{VK_STRUCTURE_TYPE_DEVICE_IMAGE_MEMORY_REQUIREMENTS};
        device_info.pCreateInfo = &info;
        VkMemoryRequirements2 device_requirements{VK_STRUCTURE_TYPE_MEMORY_REQUIREMENTS_2};
        vkGetDeviceImageMemoryRequirements(ctx.device, &device_info, &device_requirements);
        out.check(device_requirements.memoryRequirements.size == requirements.size &&
                      device_requirements.memoryRequirements.memoryTypeBits == requirements.memoryTypeBits,
                  "vkGetDeviceImageMemoryRequirements matches");
        vkDestroyImage(ctx.device, image, nullptr);
        vkFreeMemory(ctx.device, memory, nullptr);
    }

    // Buffer requirements with the dedicated-allocation query, and without a buffer.
    VkBufferCreateInfo buffer_info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
    buffer_info.size = 1000;
    buffer_info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT;
    VkBuffer buffer;
    VK_CHECK(vkCreateBuffer(ctx.device, &buffer_info, nullptr, &buffer));
    VkBufferMemoryRequirementsInfo2 requirements_info{VK_STRUCTURE_TYPE_BUFFER_MEMORY_REQUIREMENTS_INFO_2};
    requirements_info.buffer = buffer;
    VkMemoryDedicatedRequirements dedicated{VK_STRUCTURE_TYPE_MEMORY_DEDICATED_REQUIREMENTS};
    VkMemoryRequirements2 requirements{VK_STRUCTURE_TYPE_MEMORY_REQUIREMENTS_2};
    requirements.pNext = &dedicated;
    vkGetBufferMemoryRequirements2(ctx.device, &requirements_info, &requirements);
    out.line("buffer: size=%" PRIu64 " alignment=%" PRIu64 " bits=%x prefers_dedicated=%u requires_dedicated=%u",
             requirements.memoryRequirements.size, requirements.memoryRequirements.alignment,
             requirements.memoryRequirements.memoryTypeBits, dedicated.prefersDedicatedAllocation,
             dedicated.requiresDedicatedAllocation);
    out.check(requirements.memoryRequirements.size >= 1000, "buffer requirements size");
    VkDeviceBufferMemoryRequirements device_buffer{VK_STRUCTURE_TYPE_DEVICE_BUFFER_MEMORY_REQUIREMENTS};
    device_buffer.pCreateInfo = &buffer_info;
    VkMemoryDedicatedRequirements device_dedicated{VK_STRUCTURE_TYPE_MEMORY_DEDICATED_REQUIREMENTS};
    VkMemoryRequirements2 device_requirements{VK_STRUCTURE_TYPE_MEMORY_REQUIREMENTS_2};
    device_requirements.pNext = &device_dedicated;
    vkGetDeviceBufferMemoryRequirements(ctx.device, &device_buffer, &device_requirements);
    out.line("device_buffer: size=%" PRIu64 " alignment=%" PRIu64 " bits=%x prefers_dedicated=%u requires_dedicated=%u",
             device_requirements.memoryRequirements.size, device_requirements.memoryRequirements.alignment,
             device_requirements.memoryRequirements.memoryTypeBits, device_dedicated.prefersDedicatedAllocation,
             device_dedicated.requiresDedicatedAllocation);
    out.check(device_requirements.memoryRequirements.size == requirements.memoryRequirements.size &&
                  device_requirements.memoryRequirements.alignment == requirements.memoryRequirements.alignment &&
                  device_requirements.memoryRequirements.memoryTypeBits ==
                      requirements.memoryRequirements.memoryTypeBits,
              "vkGetDeviceBufferMemoryRequirements matches vkGetBufferMemoryRequirements2");
    vkDestroyBuffer(ctx.device, buffer, nullptr);

    // An optimal image's requirements through vkGetImageMemoryRequirements2 with the dedicated query.
    Image image = make_image(ctx, 64, 64, kColorFormat, VK_SAMPLE_COUNT_1_BIT, VK_IMAGE_USAGE_SAMPLED_BIT, false);
    VkImageMemoryRequirementsInfo2 image_info{VK_STRUCTURE_TYPE_IMAGE_MEMORY_REQUIREMENTS_INFO_2};
    image_info.image = image.image;
    VkMemoryDedicatedRequirements image_dedicated{VK_STRUCTURE_TYPE_MEMORY_DEDICATED_REQUIREMENTS};
    VkMemoryRequirements2 image_requirements{VK_STRUCTURE_TYPE_MEMORY_REQUIREMENTS_2};
    image_requirements.pNext = &image_dedicated;
    vkGetImageMemoryRequirements2(ctx.device, &image_info, &image_requirements);
    out.line("optimal_image: size=%" PRIu64 " alignment=%" PRIu64 " bits=%x prefers_dedicated=%u requires_dedicated=%u",
             image_requirements.memoryRequirements.size, image_requirements.memoryRequirements.alignment,
             image_requirements.memoryRequirements.memoryTypeBits, image_dedicated.prefersDedicatedAllocation,
             image_dedicated.requiresDedicatedAllocation);
    out.check(image_requirements.memoryRequirements.size >= 64 * 64 * 4, "optimal image requirements size");
    destroy(ctx, image);

    // Format properties, with VkFormatProperties3.
    const VkFormat formats[] = {VK_FORMAT_R8G8B8A8_UNORM, VK_FORMAT_B8G8R8A8_SRGB,     VK_FORMAT_R32_UINT,
                                VK_FORMAT_D32_SFLOAT,     VK_FORMAT_R16G16B16A16_SFLOAT, VK_FORMAT_BC1_RGB_UNORM_BLOCK,
                                VK_FORMAT_R32G32B32_SFLOAT};
    for (VkFormat format : formats) {
        VkFormatProperties3 properties3{VK_STRUCTURE_TYPE_FORMAT_PROPERTIES_3};
        VkFormatProperties2 properties{VK_STRUCTURE_TYPE_FORMAT_PROPERTIES_2};
        properties.pNext = &properties3;
        vkGetPhysicalDeviceFormatProperties2(ctx.physical_device, format, &properties);
        VkFormatProperties plain;
        vkGetPhysicalDeviceFormatProperties(ctx.physical_device, format, &plain);
        out.line("format_%d: linear=%x optimal=%x buffer=%x; v3 linear=%" PRIx64 " optimal=%" PRIx64
                 " buffer=%" PRIx64,
                 format, properties.formatProperties.linearTilingFeatures,
                 properties.formatProperties.optimalTilingFeatures, properties.formatProperties.bufferFeatures,
                 properties3.linearTilingFeatures, properties3.optimalTilingFeatures, properties3.bufferFeatures);
        out.check(std::memcmp(&plain, &properties.formatProperties, sizeof(plain)) == 0,
                  "vkGetPhysicalDeviceFormatProperties2 matches the original");
    }

    // Image format properties: supported combinations and one that is not.
    struct Query {
        VkFormat format;
        VkImageType type;
        VkImageTiling tiling;
        VkImageUsageFlags usage;
        VkImageCreateFlags flags;
    };
    const Query queries[] = {
        {VK_FORMAT_R8G8B8A8_UNORM, VK_IMAGE_TYPE_2D, VK_IMAGE_TILING_OPTIMAL,
         VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT | VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT, 0},
        {VK_FORMAT_R8G8B8A8_UNORM, VK_IMAGE_TYPE_2D, VK_IMAGE_TILING_LINEAR, VK_IMAGE_USAGE_TRANSFER_SRC_BIT, 0},
        {VK_FORMAT_D32_SFLOAT, VK_IMAGE_TYPE_2D, VK_IMAGE_TILING_OPTIMAL, VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT, 0},
        {VK_FORMAT_R16G16B16A16_SFLOAT, VK_IMAGE_TYPE_3D, VK_IMAGE_TILING_OPTIMAL, VK_IMAGE_USAGE_SAMPLED_BIT, 0},
        {VK_FORMAT_R8G8B8A8_UNORM, VK_IMAGE_TYPE_2D, VK_IMAGE_TILING_OPTIMAL, VK_IMAGE_USAGE_SAMPLED_BIT,
         VK_IMAGE_CREATE_CUBE_COMPATIBLE_BIT},
        {VK_FORMAT_BC1_RGB_UNORM_BLOCK, VK_IMAGE_TYPE_2D, VK_IMAGE_TILING_OPTIMAL,
         VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT, 0},
    };
    int index = 0;
    for (const Query& query : queries) {
        VkPhysicalDeviceImageFormatInfo2 info{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_IMAGE_FORMAT_INFO_2};
        info.format = query.format;
        info.type = query.type;
        info.tiling = query.tiling;
        info.usage = query.usage;
        info.flags = query.flags;
        VkImageFormatProperties2 properties{VK_STRUCTURE_TYPE_IMAGE_FORMAT_PROPERTIES_2};
        const VkResult result = vkGetPhysicalDeviceImageFormatProperties2(ctx.physical_device, &info, &properties);
        const VkImageFormatProperties& p = properties.imageFormatProperties;
        if (result == VK_SUCCESS)
            out.line("image_format_%d: result=%d max_extent=%ux%ux%u mips=%u layers=%u samples=%x max_size=%" PRIu64,
                     index, result, p.maxExtent.width, p.maxExtent.height, p.maxExtent.depth, p.maxMipLevels,
                     p.maxArrayLayers, p.sampleCounts, p.maxResourceSize);
        else
            out.line("image_format_%d: result=%d", index, result);
        if (index < 4) out.check(result == VK_SUCCESS, "supported image format");
        if (index == 5) out.check(result == VK_ERROR_FORMAT_NOT_SUPPORTED, "compressed color attachment not supported");
        ++index;
    }
}

// ======================================================== multiple threads --

void test_threads(Context& ctx) {
    out.section = "threads";
    constexpr uint32_t kThreads = 2, kIterations = 25, kWords = 64;
    Buffer shared = make_buffer(ctx, kThreads * kWords * 4, VK_BUFFER_USAGE_TRANSFER_DST_BIT);
    std::mutex queue_mutex;
    uint32_t wrong[kThreads] = {};
    auto worker = [&](uint32_t t) {
        VkCommandPool pool = ctx.command_pool();
        VkCommandBuffer commands = ctx.command_buffer(pool);
        VkFence done = ctx.fence();
        for (uint32_t iteration = 0; iteration < kIterations; ++iteration) {
            const uint32_t value = (t + 1) * 1000000u + iteration;
            VK_CHECK(vkResetCommandBuffer(commands, 0));
            begin(commands);
            const VkDeviceSize offset = VkDeviceSize{t} * kWords * 4;
            vkCmdFillBuffer(commands, shared.buffer, offset, kWords * 4, value);
            transfer_to_transfer(commands);
            const uint32_t marker[2] = {iteration, t};
            vkCmdUpdateBuffer(commands, shared.buffer, offset, sizeof(marker), marker);
            transfer_to_host(commands);
            VK_CHECK(vkEndCommandBuffer(commands));
            VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
            submit.commandBufferCount = 1;
            submit.pCommandBuffers = &commands;
            {
                std::lock_guard<std::mutex> lock(queue_mutex);
                VK_CHECK(vkQueueSubmit(ctx.queue, 1, &submit, done));
            }
            VK_CHECK(vkWaitForFences(ctx.device, 1, &done, VK_TRUE, UINT64_MAX));
            VK_CHECK(vkResetFences(ctx.device, 1, &done));
            const uint32_t* words = shared.words() + t * kWords;
            if (words[0] != iteration || words[1] != t) ++wrong[t];
            for (uint32_t i = 2; i < kWords; ++i)
                if (words[i] != value) {
                    ++wrong[t];
                    break;
                }
        }
        vkDestroyFence(ctx.device, done, nullptr);
        vkDestroyCommandPool(ctx.device, pool, nullptr);
    };
    std::thread threads[kThreads];
    for (uint32_t t = 0; t < kThreads; ++t) threads[t] = std::thread(worker, t);
    for (auto& thread : threads) thread.join();
    for (uint32_t t = 0; t < kThreads; ++t) {
        out.line("thread_%u: wrong_iterations=%u", t, wrong[t]);
        out.check(wrong[t] == 0, "every iteration's result seen by its thread");
    }
    out.hex("final", shared.mapped, kThreads * kWords * 4);
    destroy(ctx, shared);
}

// ================================================================ set-up --

void create_context(Context& ctx) {
    VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
    app.pApplicationName = "api_test";
    app.apiVersion = VK_API_VERSION_1_3;
    uint32_t count = 0;
    VK_CHECK(vkEnumerateInstanceExtensionProperties(nullptr, &count, nullptr));
    std::vector<VkExtensionProperties> extensions(count);
    VK_CHECK(vkEnumerateInstanceExtensionProperties(nullptr, &count, extensions.data()));
    bool debug_utils = false;
    for (const auto& extension : extensions)
        debug_utils |= std::strcmp(extension.extensionName, VK_EXT_DEBUG_UTILS_EXTENSION_NAME) == 0;
    const char* enabled_extensions[] = {VK_EXT_DEBUG_UTILS_EXTENSION_NAME};
    VkDebugUtilsMessengerCreateInfoEXT messenger_info{VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
    messenger_info.messageSeverity =
        VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
    messenger_info.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
                                 VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                                 VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
    messenger_info.pfnUserCallback = debug_callback;
    VkInstanceCreateInfo info{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
    info.pApplicationInfo = &app;
    if (debug_utils) {
        info.enabledExtensionCount = 1;
        info.ppEnabledExtensionNames = enabled_extensions;
        info.pNext = &messenger_info;  // also covers instance creation and destruction
    }
    VK_CHECK(vkCreateInstance(&info, nullptr, &ctx.instance));
    if (debug_utils) {
        auto create = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
            vkGetInstanceProcAddr(ctx.instance, "vkCreateDebugUtilsMessengerEXT"));
        if (create) VK_CHECK(create(ctx.instance, &messenger_info, nullptr, &ctx.messenger));
    }

    count = 1;
    const VkResult result = vkEnumeratePhysicalDevices(ctx.instance, &count, &ctx.physical_device);
    if ((result != VK_SUCCESS && result != VK_INCOMPLETE) || count == 0) {
        std::fprintf(stderr, "no Vulkan device\n");
        std::exit(1);
    }
    vkGetPhysicalDeviceProperties(ctx.physical_device, &ctx.properties);
    vkGetPhysicalDeviceMemoryProperties(ctx.physical_device, &ctx.memory);
    std::printf("device: %s\n", ctx.properties.deviceName);
    if (ctx.properties.apiVersion < VK_API_VERSION_1_3) {
        std::fprintf(stderr, "the device does not support Vulkan 1.3\n");
        std::exit(1);
    }

    uint32_t families = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(ctx.physical_device, &families, nullptr);
    std::vector<VkQueueFamilyProperties> family_properties(families);
    vkGetPhysicalDeviceQueueFamilyProperties(ctx.physical_device, &families, family_properties.data());
    const VkQueueFlags needs = VK_QUEUE_GRAPHICS_BIT | VK_QUEUE_COMPUTE_BIT;
    for (ctx.queue_family = 0; ctx.queue_family < families; ++ctx.queue_family)
        if ((family_properties[ctx.queue_family].queueFlags & needs) == needs) break;
    if (ctx.queue_family == families) {
        std::fprintf(stderr, "no graphics+compute queue\n");
        std::exit(1);
    }
    ctx.timestamp_valid_bits = family_properties[ctx.queue_family].timestampValidBits;

    VkPhysicalDeviceVulkan13Features supported13{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES};
    VkPhysicalDeviceVulkan12Features supported12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
    supported12.pNext = &supported13;
    VkPhysicalDeviceFeatures2 supported{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
    supported.pNext = &supported12;
    vkGetPhysicalDeviceFeatures2(ctx.physical_device, &supported);
    if (!supported12.timelineSemaphore || !supported13.dynamicRendering || !supported13.synchronization2) {
        std::fprintf(stderr, "missing a required feature (timelineSemaphore, dynamicRendering, synchronization2)\n");
        std::exit(1);
    }
    ctx.enabled.pipelineStatisticsQuery = supported.features.pipelineStatisticsQuery;
    ctx.enabled.occlusionQueryPrecise = supported.features.occlusionQueryPrecise;
    ctx.enabled.wideLines = supported.features.wideLines;
    out.section = "device";
    out.line("features: pipelineStatisticsQuery=%u occlusionQueryPrecise=%u wideLines=%u timestamp_valid_bits_positive=%d",
             ctx.enabled.pipelineStatisticsQuery, ctx.enabled.occlusionQueryPrecise, ctx.enabled.wideLines,
             ctx.timestamp_valid_bits > 0);

    const float priority = 1.0f;
    VkDeviceQueueCreateInfo queue_info{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
    queue_info.queueFamilyIndex = ctx.queue_family;
    queue_info.queueCount = 1;
    queue_info.pQueuePriorities = &priority;
    VkPhysicalDeviceVulkan13Features features13{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES};
    features13.dynamicRendering = VK_TRUE;
    features13.synchronization2 = VK_TRUE;
    VkPhysicalDeviceVulkan12Features features12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
    features12.pNext = &features13;
    features12.timelineSemaphore = VK_TRUE;
    VkPhysicalDeviceFeatures2 features{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
    features.pNext = &features12;
    features.features = ctx.enabled;
    VkDeviceCreateInfo device_info{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
    device_info.pNext = &features;
    device_info.queueCreateInfoCount = 1;
    device_info.pQueueCreateInfos = &queue_info;
    VK_CHECK(vkCreateDevice(ctx.physical_device, &device_info, nullptr, &ctx.device));
    vkGetDeviceQueue(ctx.device, ctx.queue_family, 0, &ctx.queue);
}

void destroy_context(Context& ctx) {
    vkDestroyShaderModule(ctx.device, ctx.draw_vert, nullptr);
    vkDestroyShaderModule(ctx.device, ctx.draw_frag, nullptr);
    vkDestroyShaderModule(ctx.device, ctx.template_comp, nullptr);
    vkDestroyDevice(ctx.device, nullptr);
    if (ctx.messenger) {
        auto destroy_messenger = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
            vkGetInstanceProcAddr(ctx.instance, "vkDestroyDebugUtilsMessengerEXT"));
        if (destroy_messenger) destroy_messenger(ctx.instance, ctx.messenger, nullptr);
    }
    vkDestroyInstance(ctx.instance, nullptr);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 5) {
        std::fprintf(stderr, "usage: api_test DRAW_VERT.spv DRAW_FRAG.spv TEMPLATE_COMP.spv OUT.txt\n");
        return 2;
    }
    Context ctx;
    create_context(ctx);
    ctx.draw_vert = ctx.shader(argv[1]);
    ctx.draw_frag = ctx.shader(argv[2]);
    ctx.template_comp = ctx.shader(argv[3]);

    test_secondary_command_buffers(ctx);
    test_queries(ctx);
    ComputeRig rig;
    rig.create(ctx);
    test_compute_template(ctx, rig);
    test_pipeline_cache(ctx, rig);
    rig.destroy_all(ctx);
    test_events(ctx);
    test_timeline(ctx);
    test_image_operations(ctx);
    test_dynamic_state(ctx);
    test_resource_queries(ctx);
    test_threads(ctx);

    VK_CHECK(vkDeviceWaitIdle(ctx.device));
    destroy_context(ctx);

    FILE* file = std::fopen(argv[4], "wb");
    const bool written = file && std::fwrite(out.text.data(), 1, out.text.size(), file) == out.text.size();
    if (file && std::fclose(file) != 0) return 1;
    if (!written) {
        std::fprintf(stderr, "cannot write %s\n", argv[4]);
        return 1;
    }
    if (validation_messages) std::fprintf(stderr, "%d validation messages\n", validation_messages);
    std::printf("api: %d checks, %d failed, %d validation messages, %zu bytes of output\n", out.checks, out.failures,
                validation_messages, out.text.size());
    return out.failures || validation_messages ? 1 : 0;
}
