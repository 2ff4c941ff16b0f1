// api_test sections: image operations and dynamic state.
#include "api/ApiSupport.h"

namespace api_test {

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
    const VkRect2D area = begin_color_rendering(commands, msaa, 16, 16, 0, 0, 1, 1);
    vkCmdBindPipeline(commands, VK_PIPELINE_BIND_POINT_GRAPHICS, pipeline);
    set_viewport_scissor(commands, 0, 0, 16, 16, area);
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
    const VkRect2D area = begin_color_rendering(commands, color, kSize, kSize, 0, 0, 0, 1);
    const VkDeviceSize zero = 0;
    vkCmdBindVertexBuffers(commands, 0, 1, &vertex_buffer.buffer, &zero);
    // Back faces culled, counter-clockwise front: only triangle 1 (red).
    vkCmdBindPipeline(commands, VK_PIPELINE_BIND_POINT_GRAPHICS, triangles);
    set_viewport_scissor(commands, 0, 0, kSize, kSize, area);
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
    set_viewport_scissor(commands, 0, 0, kSize, kSize, area);
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


}  // namespace api_test
