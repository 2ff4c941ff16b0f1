// api_test section: VK_EXT_multi_draw with array strides larger than the
// structures, as Zink records them (vk.xml: the elements of pVertexInfo and
// pIndexInfo lie `stride` bytes apart). The bytes between the elements name
// other draws, so an array read as if packed draws the wrong cells.
#include "api/ApiSupport.h"

namespace api_test {

void test_multi_draw(Context& ctx) {
    out.section = "multi_draw";
    out.line("supported=%d", ctx.multi_draw);
    if (!ctx.multi_draw) return;
    auto draw_multi = reinterpret_cast<PFN_vkCmdDrawMultiEXT>(vkGetDeviceProcAddr(ctx.device, "vkCmdDrawMultiEXT"));
    auto draw_multi_indexed = reinterpret_cast<PFN_vkCmdDrawMultiIndexedEXT>(
        vkGetDeviceProcAddr(ctx.device, "vkCmdDrawMultiIndexedEXT"));
    out.check(draw_multi && draw_multi_indexed, "commands returned");
    if (!draw_multi || !draw_multi_indexed) return;

    // A 4x2 grid of cells, each a quad of 6 vertices (two triangles), inset
    // so that no edge falls on a pixel center.
    constexpr uint32_t kWidth = 32, kHeight = 16, kCells = 8;
    std::vector<float> vertices;
    for (uint32_t cell = 0; cell < kCells; ++cell) {
        const float x0 = -1.0f + 0.5f * static_cast<float>(cell % 4) + 0.05f, x1 = x0 + 0.4f;
        const float y0 = -1.0f + 1.0f * static_cast<float>(cell / 4) + 0.1f, y1 = y0 + 0.8f;
        const float quad[6][3] = {{x0, y0, 0}, {x1, y0, 0}, {x0, y1, 0}, {x1, y0, 0}, {x1, y1, 0}, {x0, y1, 0}};
        for (const auto& vertex : quad) vertices.insert(vertices.end(), vertex, vertex + 3);
    }
    Buffer vertex_buffer = make_buffer(ctx, vertices.size() * sizeof(float), VK_BUFFER_USAGE_VERTEX_BUFFER_BIT);
    std::memcpy(vertex_buffer.mapped, vertices.data(), vertices.size() * sizeof(float));
    const uint32_t indices[6] = {0, 1, 2, 3, 4, 5};
    Buffer index_buffer = make_buffer(ctx, sizeof(indices), VK_BUFFER_USAGE_INDEX_BUFFER_BIT);
    std::memcpy(index_buffer.mapped, indices, sizeof(indices));
    Image color = make_image(ctx, kWidth, kHeight, kColorFormat, VK_SAMPLE_COUNT_1_BIT,
                             VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT, true);
    Buffer readback = make_buffer(ctx, kWidth * kHeight * 4, VK_BUFFER_USAGE_TRANSFER_DST_BIT);
    VkPipelineLayout layout = draw_pipeline_layout(ctx);
    VkPipeline pipeline = draw_pipeline(ctx, layout, VK_SAMPLE_COUNT_1_BIT, VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST, false,
                                        {VK_DYNAMIC_STATE_VIEWPORT, VK_DYNAMIC_STATE_SCISSOR});

    // Cells 0, 2, 4 (green); the padding names cells 1 and 7.
    struct PaddedDraw {
        VkMultiDrawInfoEXT draw;
        uint32_t padding[2];
    };
    const PaddedDraw draws[3] = {{{0, 6}, {6, 6}}, {{12, 6}, {42, 6}}, {{24, 6}, {6, 6}}};
    // Cells 3 and 5 (blue) through per-draw vertex offsets; the padding
    // names cell 1.
    struct PaddedIndexedDraw {
        VkMultiDrawIndexedInfoEXT draw;
        uint32_t padding[2];
    };
    const PaddedIndexedDraw indexed[2] = {{{0, 6, 18}, {0, 6}}, {{0, 6, 30}, {6, 6}}};
    // Cell 7 (red) in two halves through one vertex offset for all draws:
    // the per-draw offsets (cell 1) are ignored.
    const PaddedIndexedDraw halves[2] = {{{0, 3, 6}, {3, 3}}, {{3, 3, 6}, {0, 0}}};
    const int32_t cell7 = 42;

    VkCommandPool pool = ctx.command_pool();
    VkCommandBuffer commands = ctx.command_buffer(pool);
    begin(commands);
    const VkRect2D area = begin_color_rendering(commands, color, kWidth, kHeight, 0, 0, 0, 1);
    const VkDeviceSize zero = 0;
    vkCmdBindVertexBuffers(commands, 0, 1, &vertex_buffer.buffer, &zero);
    vkCmdBindIndexBuffer(commands, index_buffer.buffer, 0, VK_INDEX_TYPE_UINT32);
    vkCmdBindPipeline(commands, VK_PIPELINE_BIND_POINT_GRAPHICS, pipeline);
    set_viewport_scissor(commands, 0, 0, kWidth, kHeight, area);
    push_color(commands, layout, 0, 1, 0, 1);
    draw_multi(commands, 3, &draws[0].draw, 1, 0, sizeof(PaddedDraw));
    push_color(commands, layout, 0, 0, 1, 1);
    draw_multi_indexed(commands, 2, &indexed[0].draw, 1, 0, sizeof(PaddedIndexedDraw), nullptr);
    push_color(commands, layout, 1, 0, 0, 1);
    draw_multi_indexed(commands, 2, &halves[0].draw, 1, 0, sizeof(PaddedIndexedDraw), &cell7);
    vkCmdEndRendering(commands);
    transition(commands, color, kColorAttachment, kTransferSrc);
    copy_to_buffer(commands, color, readback, 0);
    transfer_to_host(commands);
    VK_CHECK(vkEndCommandBuffer(commands));
    ctx.submit_and_wait(commands);

    for (uint32_t row = 0; row < kHeight; ++row) {
        char label[32];
        std::snprintf(label, sizeof(label), "row%02u", row);
        out.hex(label, readback.mapped + row * kWidth * 4, kWidth * 4);
    }
    count_colors(readback.mapped, kWidth * kHeight, "image");
    const uint32_t black = rgba(0, 0, 0, 255), green = rgba(0, 255, 0, 255), blue = rgba(0, 0, 255, 255),
                   red = rgba(255, 0, 0, 255);
    const uint32_t expected[kCells] = {green, black, green, blue, green, blue, black, red};
    std::string cells;
    bool all = true;
    for (uint32_t cell = 0; cell < kCells; ++cell) {
        // The cell's center: 8x8 pixels per cell.
        const uint32_t value = pixel(readback.mapped, kWidth, 8 * (cell % 4) + 4, 8 * (cell / 4) + 4);
        cells += " " + std::to_string(cell) + "=" + (value == green ? "green" : value == blue ? "blue"
                                                     : value == red   ? "red"
                                                     : value == black ? "black"
                                                                      : "other");
        all &= value == expected[cell];
    }
    out.line("cells:%s", cells.c_str());
    out.check(all, "strided multi-draws draw cells 0 2 4 green, 3 5 blue, 7 red, 1 6 not at all");

    vkDestroyCommandPool(ctx.device, pool, nullptr);
    vkDestroyPipeline(ctx.device, pipeline, nullptr);
    vkDestroyPipelineLayout(ctx.device, layout, nullptr);
    destroy(ctx, color);
    destroy(ctx, readback);
    destroy(ctx, index_buffer);
    destroy(ctx, vertex_buffer);
}

}  // namespace api_test
