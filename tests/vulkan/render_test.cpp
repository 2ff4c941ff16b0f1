// Offscreen rendering with dynamic rendering: a textured, depth-tested scene
// drawn at 4x MSAA, resolved to a single-sample image, read back and written
// as a binary PPM, so that runs can be compared byte for byte.
// usage: render_test VERT.spv FRAG.spv OUT.ppm
#include <cmath>
#include <cstring>

#include "VulkanApp.h"

namespace {

constexpr uint32_t kWidth = 256, kHeight = 256, kTexSize = 64;
constexpr VkFormat kColorFormat = VK_FORMAT_R8G8B8A8_UNORM;
constexpr VkFormat kDepthFormat = VK_FORMAT_D32_SFLOAT;
constexpr VkSampleCountFlagBits kSamples = VK_SAMPLE_COUNT_4_BIT;

struct Vertex {
    float position[3];
    float uv[2];
    float color[3];
};

// std140 layout of the shaders' Scene block.
struct Scene {
    float transform[16];  // column-major
    float tint[4];
};

// Quad 0 slopes in depth from near (left) to far (right) and quad 1 is flat in
// between, so they cut through each other: the depth test alone draws the
// intersection line. The triangle is drawn last but lies behind both, so where
// it overlaps them it must be rejected.
const Vertex kVertices[] = {
    {{-0.8f, -0.7f, 0.1f}, {0, 0}, {1, 1, 1}},        {{0.4f, -0.7f, 0.7f}, {2, 0}, {1, 1, 1}},
    {{0.4f, 0.5f, 0.7f}, {2, 2}, {1, 1, 1}},          {{-0.8f, 0.5f, 0.1f}, {0, 2}, {1, 1, 1}},
    {{-0.4f, -0.4f, 0.5f}, {0, 0}, {1, 0.6f, 0.3f}},  {{0.8f, -0.4f, 0.5f}, {1, 0}, {1, 0.6f, 0.3f}},
    {{0.8f, 0.8f, 0.5f}, {1, 1}, {1, 0.6f, 0.3f}},    {{-0.4f, 0.8f, 0.5f}, {0, 1}, {1, 0.6f, 0.3f}},
    {{-0.95f, 0.9f, 0.9f}, {0, 0}, {0.3f, 1, 0.4f}},  {{0.95f, 0.9f, 0.9f}, {4, 0}, {0.3f, 1, 0.4f}},
    {{0.0f, -0.95f, 0.9f}, {2, 4}, {0.3f, 1, 0.4f}},
};
const uint16_t kIndices[] = {0, 1, 2, 2, 3, 0, 4, 5, 6, 6, 7, 4, 8, 9, 10};

struct Buffer {
    VkBuffer buffer = VK_NULL_HANDLE;
    VkDeviceMemory memory = VK_NULL_HANDLE;
    void* mapped = nullptr;  // set for host-visible buffers
};

struct Image {
    VkImage image = VK_NULL_HANDLE;
    VkDeviceMemory memory = VK_NULL_HANDLE;
    VkImageView view = VK_NULL_HANDLE;
};

Buffer make_buffer(const VulkanApp& app, VkDeviceSize size, VkBufferUsageFlags usage, bool host_visible) {
    Buffer result;
    VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
    info.size = size;
    info.usage = usage;
    VK_CHECK(vkCreateBuffer(app.device, &info, nullptr, &result.buffer));
    VkMemoryRequirements requirements;
    vkGetBufferMemoryRequirements(app.device, result.buffer, &requirements);
    // Coherent host memory needs no flush/invalidate around the mapped accesses.
    result.memory = app.allocate(requirements, host_visible ? VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                                                  VK_MEMORY_PROPERTY_HOST_COHERENT_BIT
                                                            : VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
    VK_CHECK(vkBindBufferMemory(app.device, result.buffer, result.memory, 0));
    if (host_visible) VK_CHECK(vkMapMemory(app.device, result.memory, 0, VK_WHOLE_SIZE, 0, &result.mapped));
    return result;
}

void destroy(const VulkanApp& app, Buffer& buffer) {
    if (buffer.mapped) vkUnmapMemory(app.device, buffer.memory);
    vkDestroyBuffer(app.device, buffer.buffer, nullptr);
    vkFreeMemory(app.device, buffer.memory, nullptr);
}

Image make_image(const VulkanApp& app, uint32_t width, uint32_t height, VkFormat format,
                 VkSampleCountFlagBits samples, VkImageUsageFlags usage) {
    Image result;
    const VkImageCreateInfo info = image_2d_info(format, width, height, usage, samples);
    VK_CHECK(vkCreateImage(app.device, &info, nullptr, &result.image));
    VkMemoryRequirements requirements;
    vkGetImageMemoryRequirements(app.device, result.image, &requirements);
    result.memory = app.allocate(requirements, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
    VK_CHECK(vkBindImageMemory(app.device, result.image, result.memory, 0));
    VkImageViewCreateInfo view_info{VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
    view_info.image = result.image;
    view_info.viewType = VK_IMAGE_VIEW_TYPE_2D;
    view_info.format = format;
    const VkImageAspectFlags aspect = format == kDepthFormat ? VK_IMAGE_ASPECT_DEPTH_BIT : VK_IMAGE_ASPECT_COLOR_BIT;
    view_info.subresourceRange = {aspect, 0, 1, 0, 1};
    VK_CHECK(vkCreateImageView(app.device, &view_info, nullptr, &result.view));
    return result;
}

void destroy(const VulkanApp& app, Image& image) {
    vkDestroyImageView(app.device, image.view, nullptr);
    vkDestroyImage(app.device, image.image, nullptr);
    vkFreeMemory(app.device, image.memory, nullptr);
}

VkImageMemoryBarrier2 image_barrier(const Image& image, VkImageAspectFlags aspect, VkImageLayout from,
                                    VkImageLayout to, VkPipelineStageFlags2 src_stage, VkAccessFlags2 src_access,
                                    VkPipelineStageFlags2 dst_stage, VkAccessFlags2 dst_access) {
    VkImageMemoryBarrier2 barrier{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER_2};
    barrier.srcStageMask = src_stage;
    barrier.srcAccessMask = src_access;
    barrier.dstStageMask = dst_stage;
    barrier.dstAccessMask = dst_access;
    barrier.oldLayout = from;
    barrier.newLayout = to;
    barrier.srcQueueFamilyIndex = barrier.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    barrier.image = image.image;
    barrier.subresourceRange = {aspect, 0, 1, 0, 1};
    return barrier;
}

void barriers(VkCommandBuffer commands, uint32_t image_count, const VkImageMemoryBarrier2* images,
              const VkMemoryBarrier2* memory = nullptr) {
    VkDependencyInfo dependency{VK_STRUCTURE_TYPE_DEPENDENCY_INFO};
    dependency.memoryBarrierCount = memory ? 1 : 0;
    dependency.pMemoryBarriers = memory;
    dependency.imageMemoryBarrierCount = image_count;
    dependency.pImageMemoryBarriers = images;
    vkCmdPipelineBarrier2(commands, &dependency);
}

VkPipeline make_pipeline(const VulkanApp& app, VkPipelineLayout layout, VkShaderModule vert, VkShaderModule frag) {
    VkPipelineShaderStageCreateInfo stages[2] = {};
    for (auto& stage : stages) {
        stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
        stage.pName = "main";
    }
    stages[0].stage = VK_SHADER_STAGE_VERTEX_BIT;
    stages[0].module = vert;
    stages[1].stage = VK_SHADER_STAGE_FRAGMENT_BIT;
    stages[1].module = frag;
    VkVertexInputBindingDescription binding{0, sizeof(Vertex), VK_VERTEX_INPUT_RATE_VERTEX};
    VkVertexInputAttributeDescription attributes[3] = {
        {0, 0, VK_FORMAT_R32G32B32_SFLOAT, offsetof(Vertex, position)},
        {1, 0, VK_FORMAT_R32G32_SFLOAT, offsetof(Vertex, uv)},
        {2, 0, VK_FORMAT_R32G32B32_SFLOAT, offsetof(Vertex, color)},
    };
    VkPipelineVertexInputStateCreateInfo vertex_input{VK_STRUCTURE_TYPE_PIPELINE_VERTEX_INPUT_STATE_CREATE_INFO};
    vertex_input.vertexBindingDescriptionCount = 1;
    vertex_input.pVertexBindingDescriptions = &binding;
    vertex_input.vertexAttributeDescriptionCount = 3;
    vertex_input.pVertexAttributeDescriptions = attributes;
    VkPipelineInputAssemblyStateCreateInfo assembly{VK_STRUCTURE_TYPE_PIPELINE_INPUT_ASSEMBLY_STATE_CREATE_INFO};
    assembly.topology = VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST;
    VkPipelineViewportStateCreateInfo viewport{VK_STRUCTURE_TYPE_PIPELINE_VIEWPORT_STATE_CREATE_INFO};
    viewport.viewportCount = 1;
    viewport.scissorCount = 1;
    VkPipelineRasterizationStateCreateInfo raster{VK_STRUCTURE_TYPE_PIPELINE_RASTERIZATION_STATE_CREATE_INFO};
    raster.polygonMode = VK_POLYGON_MODE_FILL;
    raster.cullMode = VK_CULL_MODE_NONE;
    raster.lineWidth = 1.0f;
    VkPipelineMultisampleStateCreateInfo multisample{VK_STRUCTURE_TYPE_PIPELINE_MULTISAMPLE_STATE_CREATE_INFO};
    multisample.rasterizationSamples = kSamples;
    VkPipelineDepthStencilStateCreateInfo depth{VK_STRUCTURE_TYPE_PIPELINE_DEPTH_STENCIL_STATE_CREATE_INFO};
    depth.depthTestEnable = VK_TRUE;
    depth.depthWriteEnable = VK_TRUE;
    depth.depthCompareOp = VK_COMPARE_OP_LESS;
    VkPipelineColorBlendAttachmentState blend_attachment{};
    blend_attachment.colorWriteMask = VK_COLOR_COMPONENT_R_BIT | VK_COLOR_COMPONENT_G_BIT |
                                      VK_COLOR_COMPONENT_B_BIT | VK_COLOR_COMPONENT_A_BIT;
    VkPipelineColorBlendStateCreateInfo blend{VK_STRUCTURE_TYPE_PIPELINE_COLOR_BLEND_STATE_CREATE_INFO};
    blend.attachmentCount = 1;
    blend.pAttachments = &blend_attachment;
    const VkDynamicState dynamic_states[] = {VK_DYNAMIC_STATE_VIEWPORT, VK_DYNAMIC_STATE_SCISSOR};
    VkPipelineDynamicStateCreateInfo dynamic{VK_STRUCTURE_TYPE_PIPELINE_DYNAMIC_STATE_CREATE_INFO};
    dynamic.dynamicStateCount = 2;
    dynamic.pDynamicStates = dynamic_states;
    // Dynamic rendering: the attachment formats replace a render pass.
    VkPipelineRenderingCreateInfo rendering{VK_STRUCTURE_TYPE_PIPELINE_RENDERING_CREATE_INFO};
    rendering.colorAttachmentCount = 1;
    rendering.pColorAttachmentFormats = &kColorFormat;
    rendering.depthAttachmentFormat = kDepthFormat;
    VkGraphicsPipelineCreateInfo info{VK_STRUCTURE_TYPE_GRAPHICS_PIPELINE_CREATE_INFO};
    info.pNext = &rendering;
    info.stageCount = 2;
    info.pStages = stages;
    info.pVertexInputState = &vertex_input;
    info.pInputAssemblyState = &assembly;
    info.pViewportState = &viewport;
    info.pRasterizationState = &raster;
    info.pMultisampleState = &multisample;
    info.pDepthStencilState = &depth;
    info.pColorBlendState = &blend;
    info.pDynamicState = &dynamic;
    info.layout = layout;
    VkPipeline pipeline;
    VK_CHECK(vkCreateGraphicsPipelines(app.device, VK_NULL_HANDLE, 1, &info, nullptr, &pipeline));
    return pipeline;
}

// Two-color checkerboard of 8x8-texel cells with a red gradient, so that
// orientation and filtering both show in the picture.
void fill_checkerboard(uint8_t* texels) {
    for (uint32_t y = 0; y < kTexSize; ++y)
        for (uint32_t x = 0; x < kTexSize; ++x) {
            uint8_t* t = texels + 4 * (y * kTexSize + x);
            const bool dark = ((x / 8) + (y / 8)) % 2;
            t[0] = static_cast<uint8_t>(dark ? x * 2 : 255);
            t[1] = dark ? 40 : 255;
            t[2] = dark ? 160 : 255;
            t[3] = 255;
        }
}

bool write_ppm(const char* path, const uint8_t* rgba, uint64_t* checksum) {
    std::vector<uint8_t> rgb(size_t{kWidth} * kHeight * 3);
    for (size_t i = 0; i < size_t{kWidth} * kHeight; ++i) std::memcpy(&rgb[i * 3], &rgba[i * 4], 3);
    *checksum = 0xcbf29ce484222325ull;  // FNV-1a 64 over the RGB bytes
    for (uint8_t byte : rgb) *checksum = (*checksum ^ byte) * 0x100000001b3ull;
    FILE* file = std::fopen(path, "wb");
    if (!file) return false;
    std::fprintf(file, "P6\n%u %u\n255\n", kWidth, kHeight);
    const bool ok = std::fwrite(rgb.data(), 1, rgb.size(), file) == rgb.size();
    return std::fclose(file) == 0 && ok;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: render_test VERT.spv FRAG.spv OUT.ppm\n");
        return 2;
    }
    VulkanApp app("render_test", VK_QUEUE_GRAPHICS_BIT);
    VkDevice device = app.device;

    // One staging buffer carries the texels, the vertices and the indices.
    const VkDeviceSize tex_bytes = kTexSize * kTexSize * 4;
    const VkDeviceSize vertex_offset = tex_bytes, index_offset = tex_bytes + sizeof(kVertices);
    Buffer staging = make_buffer(app, index_offset + sizeof(kIndices), VK_BUFFER_USAGE_TRANSFER_SRC_BIT, true);
    auto* staged = static_cast<uint8_t*>(staging.mapped);
    fill_checkerboard(staged);
    std::memcpy(staged + vertex_offset, kVertices, sizeof(kVertices));
    std::memcpy(staged + index_offset, kIndices, sizeof(kIndices));
    Buffer vertices = make_buffer(app, sizeof(kVertices),
                                  VK_BUFFER_USAGE_VERTEX_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT, false);
    Buffer indices = make_buffer(app, sizeof(kIndices),
                                 VK_BUFFER_USAGE_INDEX_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT, false);
    Buffer readback = make_buffer(app, VkDeviceSize{kWidth} * kHeight * 4, VK_BUFFER_USAGE_TRANSFER_DST_BIT, true);

    // The uniform block: a rotation about z (z and w untouched, so depths stay
    // as given) slightly scaled down, and a tint.
    Buffer uniforms = make_buffer(app, sizeof(Scene), VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT, true);
    const float angle = 0.35f, c = 0.95f * std::cos(angle), s = 0.95f * std::sin(angle);
    const Scene scene = {{c, s, 0, 0, -s, c, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1}, {1.0f, 0.95f, 0.9f, 1.0f}};
    std::memcpy(uniforms.mapped, &scene, sizeof(scene));

    Image texture = make_image(app, kTexSize, kTexSize, kColorFormat, VK_SAMPLE_COUNT_1_BIT,
                               VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT);
    Image color = make_image(app, kWidth, kHeight, kColorFormat, kSamples, VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT);
    Image depth = make_image(app, kWidth, kHeight, kDepthFormat, kSamples,
                             VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT);
    Image resolved = make_image(app, kWidth, kHeight, kColorFormat, VK_SAMPLE_COUNT_1_BIT,
                                VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT);

    VkSamplerCreateInfo sampler_info{VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO};
    sampler_info.magFilter = sampler_info.minFilter = VK_FILTER_LINEAR;
    sampler_info.mipmapMode = VK_SAMPLER_MIPMAP_MODE_NEAREST;
    sampler_info.addressModeU = sampler_info.addressModeV = sampler_info.addressModeW =
        VK_SAMPLER_ADDRESS_MODE_REPEAT;
    VkSampler sampler;
    VK_CHECK(vkCreateSampler(device, &sampler_info, nullptr, &sampler));

    VkDescriptorSetLayoutBinding bindings[2] = {
        {0, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, 1, VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, nullptr},
        {1, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1, VK_SHADER_STAGE_FRAGMENT_BIT, nullptr},
    };
    VkDescriptorSetLayoutCreateInfo set_layout_info{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
    set_layout_info.bindingCount = 2;
    set_layout_info.pBindings = bindings;
    VkDescriptorSetLayout set_layout;
    VK_CHECK(vkCreateDescriptorSetLayout(device, &set_layout_info, nullptr, &set_layout));
    VkPipelineLayoutCreateInfo layout_info{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
    layout_info.setLayoutCount = 1;
    layout_info.pSetLayouts = &set_layout;
    VkPipelineLayout pipeline_layout;
    VK_CHECK(vkCreatePipelineLayout(device, &layout_info, nullptr, &pipeline_layout));
    VkShaderModule vert = app.shader(argv[1]), frag = app.shader(argv[2]);
    VkPipeline pipeline = make_pipeline(app, pipeline_layout, vert, frag);

    const VkDescriptorPoolSize pool_sizes[2] = {{VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, 1},
                                                {VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1}};
    VkDescriptorPoolCreateInfo pool_info{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
    pool_info.maxSets = 1;
    pool_info.poolSizeCount = 2;
    pool_info.pPoolSizes = pool_sizes;
    VkDescriptorPool descriptor_pool;
    VK_CHECK(vkCreateDescriptorPool(device, &pool_info, nullptr, &descriptor_pool));
    VkDescriptorSetAllocateInfo set_info{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
    set_info.descriptorPool = descriptor_pool;
    set_info.descriptorSetCount = 1;
    set_info.pSetLayouts = &set_layout;
    VkDescriptorSet set;
    VK_CHECK(vkAllocateDescriptorSets(device, &set_info, &set));
    const VkDescriptorBufferInfo uniform_info{uniforms.buffer, 0, sizeof(Scene)};
    const VkDescriptorImageInfo image_info{sampler, texture.view, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL};
    VkWriteDescriptorSet writes[2] = {};
    for (uint32_t i = 0; i < 2; ++i) {
        writes[i].sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
        writes[i].dstSet = set;
        writes[i].dstBinding = i;
        writes[i].descriptorCount = 1;
        writes[i].descriptorType = bindings[i].descriptorType;
    }
    writes[0].pBufferInfo = &uniform_info;
    writes[1].pImageInfo = &image_info;
    vkUpdateDescriptorSets(device, 2, writes, 0, nullptr);

    VkCommandPool pool = app.command_pool();
    VkCommandBuffer commands = app.command_buffer(pool);
    VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    VK_CHECK(vkBeginCommandBuffer(commands, &begin));

    // Uploads: texture, vertex and index buffers from the staging buffer.
    const auto color_aspect = VK_IMAGE_ASPECT_COLOR_BIT;
    VkImageMemoryBarrier2 to_transfer =
        image_barrier(texture, color_aspect, VK_IMAGE_LAYOUT_UNDEFINED, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                      VK_PIPELINE_STAGE_2_NONE, VK_ACCESS_2_NONE, VK_PIPELINE_STAGE_2_COPY_BIT,
                      VK_ACCESS_2_TRANSFER_WRITE_BIT);
    barriers(commands, 1, &to_transfer);
    VkBufferImageCopy texture_copy{};
    texture_copy.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
    texture_copy.imageExtent = {kTexSize, kTexSize, 1};
    vkCmdCopyBufferToImage(commands, staging.buffer, texture.image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1,
                           &texture_copy);
    const VkBufferCopy vertex_copy{vertex_offset, 0, sizeof(kVertices)}, index_copy{index_offset, 0, sizeof(kIndices)};
    vkCmdCopyBuffer(commands, staging.buffer, vertices.buffer, 1, &vertex_copy);
    vkCmdCopyBuffer(commands, staging.buffer, indices.buffer, 1, &index_copy);

    // Uploads visible to the draw; attachments into their rendering layouts
    // (their old contents are cleared, hence UNDEFINED).
    const VkMemoryBarrier2 uploaded{VK_STRUCTURE_TYPE_MEMORY_BARRIER_2, nullptr, VK_PIPELINE_STAGE_2_COPY_BIT,
                                    VK_ACCESS_2_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_2_VERTEX_INPUT_BIT,
                                    VK_ACCESS_2_VERTEX_ATTRIBUTE_READ_BIT | VK_ACCESS_2_INDEX_READ_BIT};
    const VkImageMemoryBarrier2 before_draw[4] = {
        image_barrier(texture, color_aspect, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                      VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL, VK_PIPELINE_STAGE_2_COPY_BIT,
                      VK_ACCESS_2_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_2_FRAGMENT_SHADER_BIT,
                      VK_ACCESS_2_SHADER_SAMPLED_READ_BIT),
        image_barrier(color, color_aspect, VK_IMAGE_LAYOUT_UNDEFINED, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL,
                      VK_PIPELINE_STAGE_2_NONE, VK_ACCESS_2_NONE, VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT,
                      VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT),
        image_barrier(resolved, color_aspect, VK_IMAGE_LAYOUT_UNDEFINED, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL,
                      VK_PIPELINE_STAGE_2_NONE, VK_ACCESS_2_NONE, VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT,
                      VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT),
        image_barrier(depth, VK_IMAGE_ASPECT_DEPTH_BIT, VK_IMAGE_LAYOUT_UNDEFINED,
                      VK_IMAGE_LAYOUT_DEPTH_ATTACHMENT_OPTIMAL, VK_PIPELINE_STAGE_2_NONE, VK_ACCESS_2_NONE,
                      VK_PIPELINE_STAGE_2_EARLY_FRAGMENT_TESTS_BIT | VK_PIPELINE_STAGE_2_LATE_FRAGMENT_TESTS_BIT,
                      VK_ACCESS_2_DEPTH_STENCIL_ATTACHMENT_READ_BIT | VK_ACCESS_2_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT),
    };
    barriers(commands, 4, before_draw, &uploaded);

    // Only the resolved image is kept: the multisampled color and the depth
    // are not stored.
    VkRenderingAttachmentInfo color_attachment{VK_STRUCTURE_TYPE_RENDERING_ATTACHMENT_INFO};
    color_attachment.imageView = color.view;
    color_attachment.imageLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL;
    color_attachment.resolveMode = VK_RESOLVE_MODE_AVERAGE_BIT;
    color_attachment.resolveImageView = resolved.view;
    color_attachment.resolveImageLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL;
    color_attachment.loadOp = VK_ATTACHMENT_LOAD_OP_CLEAR;
    color_attachment.storeOp = VK_ATTACHMENT_STORE_OP_DONT_CARE;
    color_attachment.clearValue.color = {{0.08f, 0.1f, 0.16f, 1.0f}};
    VkRenderingAttachmentInfo depth_attachment{VK_STRUCTURE_TYPE_RENDERING_ATTACHMENT_INFO};
    depth_attachment.imageView = depth.view;
    depth_attachment.imageLayout = VK_IMAGE_LAYOUT_DEPTH_ATTACHMENT_OPTIMAL;
    depth_attachment.loadOp = VK_ATTACHMENT_LOAD_OP_CLEAR;
    depth_attachment.storeOp = VK_ATTACHMENT_STORE_OP_DONT_CARE;
    depth_attachment.clearValue.depthStencil = {1.0f, 0};
    VkRenderingInfo rendering{VK_STRUCTURE_TYPE_RENDERING_INFO};
    rendering.renderArea = {{0, 0}, {kWidth, kHeight}};
    rendering.layerCount = 1;
    rendering.colorAttachmentCount = 1;
    rendering.pColorAttachments = &color_attachment;
    rendering.pDepthAttachment = &depth_attachment;
    vkCmdBeginRendering(commands, &rendering);
    const VkViewport viewport{0, 0, float(kWidth), float(kHeight), 0, 1};
    vkCmdSetViewport(commands, 0, 1, &viewport);
    vkCmdSetScissor(commands, 0, 1, &rendering.renderArea);
    vkCmdBindPipeline(commands, VK_PIPELINE_BIND_POINT_GRAPHICS, pipeline);
    vkCmdBindDescriptorSets(commands, VK_PIPELINE_BIND_POINT_GRAPHICS, pipeline_layout, 0, 1, &set, 0, nullptr);
    const VkDeviceSize zero = 0;
    vkCmdBindVertexBuffers(commands, 0, 1, &vertices.buffer, &zero);
    vkCmdBindIndexBuffer(commands, indices.buffer, 0, VK_INDEX_TYPE_UINT16);
    vkCmdDrawIndexed(commands, sizeof(kIndices) / sizeof(kIndices[0]), 1, 0, 0, 0);
    vkCmdEndRendering(commands);

    // The resolve writes happen as color attachment writes; then copy the
    // resolved image out and make the copy visible to the host.
    const VkImageMemoryBarrier2 to_copy = image_barrier(
        resolved, color_aspect, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
        VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT, VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT,
        VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_READ_BIT);
    barriers(commands, 1, &to_copy);
    VkBufferImageCopy readback_copy{};
    readback_copy.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
    readback_copy.imageExtent = {kWidth, kHeight, 1};
    vkCmdCopyImageToBuffer(commands, resolved.image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, readback.buffer, 1,
                           &readback_copy);
    const VkMemoryBarrier2 to_host{VK_STRUCTURE_TYPE_MEMORY_BARRIER_2, nullptr, VK_PIPELINE_STAGE_2_COPY_BIT,
                                   VK_ACCESS_2_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_2_HOST_BIT,
                                   VK_ACCESS_2_HOST_READ_BIT};
    barriers(commands, 0, nullptr, &to_host);
    VK_CHECK(vkEndCommandBuffer(commands));
    app.submit_and_wait(commands);

    uint64_t checksum = 0;
    const bool written = write_ppm(argv[3], static_cast<const uint8_t*>(readback.mapped), &checksum);

    vkDestroyCommandPool(device, pool, nullptr);
    vkDestroyDescriptorPool(device, descriptor_pool, nullptr);
    vkDestroyPipeline(device, pipeline, nullptr);
    vkDestroyShaderModule(device, vert, nullptr);
    vkDestroyShaderModule(device, frag, nullptr);
    vkDestroyPipelineLayout(device, pipeline_layout, nullptr);
    vkDestroyDescriptorSetLayout(device, set_layout, nullptr);
    vkDestroySampler(device, sampler, nullptr);
    for (Image* image : {&texture, &color, &depth, &resolved}) destroy(app, *image);
    for (Buffer* buffer : {&staging, &vertices, &indices, &readback, &uniforms}) destroy(app, *buffer);
    if (!written) {
        std::fprintf(stderr, "cannot write %s\n", argv[3]);
        return 1;
    }
    std::printf("render: %ux%u, 4x MSAA resolved, checksum %016llx\n", kWidth, kHeight,
                static_cast<unsigned long long>(checksum));
    return 0;
}
