#pragma once
// Helpers shared by the sections of api_test (see api_test.cpp).
#include <cinttypes>
#include <cstdarg>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>


#include "api/../VulkanApp.h"

namespace api_test {


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

inline Output out;

// The validation layer's messages (when it is enabled) go to stderr and fail the run.
inline int validation_messages = 0;

inline VKAPI_ATTR VkBool32 VKAPI_CALL debug_callback(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
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
    bool multi_draw = false;  // VK_EXT_multi_draw enabled
    VkShaderModule draw_vert = VK_NULL_HANDLE, draw_frag = VK_NULL_HANDLE, template_comp = VK_NULL_HANDLE;

    uint32_t memory_type(uint32_t bits, VkMemoryPropertyFlags flags) const {
        return vk_helpers::memory_type(memory, bits, flags);
    }
    VkDeviceMemory allocate(VkMemoryRequirements requirements, VkMemoryPropertyFlags flags) const {
        return vk_helpers::allocate(device, memory, requirements, flags);
    }
    VkShaderModule shader(const char* path) const { return vk_helpers::shader(device, path); }
    VkCommandPool command_pool() const { return vk_helpers::command_pool(device, queue_family); }

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

inline void begin(VkCommandBuffer commands, VkCommandBufferUsageFlags flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT) {
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
inline Buffer make_buffer(const Context& ctx, VkDeviceSize size, VkBufferUsageFlags usage) {
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

inline void destroy(const Context& ctx, Buffer& buffer) {
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

inline Image make_image(const Context& ctx, uint32_t width, uint32_t height, VkFormat format, VkSampleCountFlagBits samples,
                 VkImageUsageFlags usage, bool with_view) {
    Image result;
    result.width = width;
    result.height = height;
    const VkImageCreateInfo info = image_2d_info(format, width, height, usage, samples);
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

inline void destroy(const Context& ctx, Image& image) {
    if (image.view) vkDestroyImageView(ctx.device, image.view, nullptr);
    vkDestroyImage(ctx.device, image.image, nullptr);
    vkFreeMemory(ctx.device, image.memory, nullptr);
    image = {};
}

// ------------------------------------------------------------- barriers --

inline void memory_barrier(VkCommandBuffer commands, VkPipelineStageFlags2 src_stage, VkAccessFlags2 src_access,
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

inline void transfer_to_transfer(VkCommandBuffer commands) {
    memory_barrier(commands, VK_PIPELINE_STAGE_2_ALL_TRANSFER_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT,
                   VK_PIPELINE_STAGE_2_ALL_TRANSFER_BIT, VK_ACCESS_2_TRANSFER_READ_BIT | VK_ACCESS_2_TRANSFER_WRITE_BIT);
}

inline void transfer_to_host(VkCommandBuffer commands) {
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

inline void transition(VkCommandBuffer commands, const Image& image, Layout from, Layout to,
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

inline void copy_to_buffer(VkCommandBuffer commands, const Image& image, const Buffer& buffer, VkDeviceSize offset) {
    VkBufferImageCopy region{};
    region.bufferOffset = offset;
    region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
    region.imageExtent = {image.width, image.height, 1};
    vkCmdCopyImageToBuffer(commands, image.image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, buffer.buffer, 1, &region);
}

// ------------------------------------------------------------- pipelines --

inline VkPipelineLayout draw_pipeline_layout(const Context& ctx) {
    VkPushConstantRange range{VK_SHADER_STAGE_FRAGMENT_BIT, 0, 16};
    VkPipelineLayoutCreateInfo info{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
    info.pushConstantRangeCount = 1;
    info.pPushConstantRanges = &range;
    VkPipelineLayout layout;
    VK_CHECK(vkCreatePipelineLayout(ctx.device, &info, nullptr, &layout));
    return layout;
}

// The api_draw shaders: vec3 positions, a flat push-constant color.
inline VkPipeline draw_pipeline(const Context& ctx, VkPipelineLayout layout, VkSampleCountFlagBits samples,
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

inline void push_color(VkCommandBuffer commands, VkPipelineLayout layout, float r, float g, float b, float a) {
    const float color[4] = {r, g, b, a};
    vkCmdPushConstants(commands, layout, VK_SHADER_STAGE_FRAGMENT_BIT, 0, sizeof(color), color);
}

inline void set_viewport_scissor(VkCommandBuffer commands, float x, float y, float w, float h, VkRect2D scissor) {
    const VkViewport viewport{x, y, w, h, 0.0f, 1.0f};
    vkCmdSetViewport(commands, 0, 1, &viewport);
    vkCmdSetScissor(commands, 0, 1, &scissor);
}

inline VkRenderingAttachmentInfo color_attachment(const Image& image, VkAttachmentLoadOp load, float r, float g, float b,
                                           float a) {
    VkRenderingAttachmentInfo attachment{VK_STRUCTURE_TYPE_RENDERING_ATTACHMENT_INFO};
    attachment.imageView = image.view;
    attachment.imageLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL;
    attachment.loadOp = load;
    attachment.storeOp = VK_ATTACHMENT_STORE_OP_STORE;
    attachment.clearValue.color = {{r, g, b, a}};
    return attachment;
}

// Moves `image` to a colour attachment, clears it to (r, g, b, a) and
// begins dynamic rendering into it alone; returns the render area.
inline VkRect2D begin_color_rendering(VkCommandBuffer commands, const Image& image, uint32_t width,
                                      uint32_t height, float r, float g, float b, float a) {
    transition(commands, image, kUndefined, kColorAttachment);
    VkRenderingAttachmentInfo attachment = color_attachment(image, VK_ATTACHMENT_LOAD_OP_CLEAR, r, g, b, a);
    VkRenderingInfo rendering{VK_STRUCTURE_TYPE_RENDERING_INFO};
    rendering.renderArea = {{0, 0}, {width, height}};
    rendering.layerCount = 1;
    rendering.colorAttachmentCount = 1;
    rendering.pColorAttachments = &attachment;
    vkCmdBeginRendering(commands, &rendering);
    return rendering.renderArea;
}

inline void count_colors(const uint8_t* rgba, size_t pixels, const char* label) {
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

inline uint32_t pixel(const uint8_t* rgba, uint32_t width, uint32_t x, uint32_t y) {
    uint32_t color;
    std::memcpy(&color, rgba + 4 * (y * width + x), 4);
    return color;
}

constexpr uint32_t rgba(uint8_t r, uint8_t g, uint8_t b, uint8_t a) {
    return uint32_t{r} | uint32_t{g} << 8 | uint32_t{b} << 16 | uint32_t{a} << 24;
}

// ===================================================== secondary buffers --

// The sections, one file each under api/.
void test_secondary_command_buffers(Context& ctx);
void test_queries(Context& ctx);
struct ComputeRig;
void test_compute_template(Context& ctx, ComputeRig& rig);
void test_pipeline_cache(Context& ctx, ComputeRig& rig);
void test_events(Context& ctx);
void test_timeline(Context& ctx);
void test_image_operations(Context& ctx);
void test_dynamic_state(Context& ctx);
void test_multi_draw(Context& ctx);
void test_resource_queries(Context& ctx);
void test_threads(Context& ctx);

}  // namespace api_test
