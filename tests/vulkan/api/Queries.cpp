// api_test sections: secondary command buffers and queries.
#include "api/ApiSupport.h"

namespace api_test {

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

}  // namespace api_test
