// wsi_test's modes besides the checks: present-forever (for the fault tests)
// and show-pattern (for tests that read the compositor's screen).
#include <chrono>

#include "WsiSupport.h"

namespace wsi_test {
namespace {

// Test scripts compute the same (tests/integration/py/test_wayland.py).
void pattern_rgb(uint32_t x, uint32_t y, uint8_t rgb[3]) {
    rgb[0] = static_cast<uint8_t>(x * 7 + y * 3);
    rgb[1] = static_cast<uint8_t>(x * 3 + y * 5 + 64);
    rgb[2] = static_cast<uint8_t>((x ^ y) * 2 + 17);
}

void record_pattern_copy(VkCommandBuffer commands, VkBuffer pattern, VkImage image) {
    VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    VK_CHECK(vkBeginCommandBuffer(commands, &begin));
    VkImageMemoryBarrier to_copy = layout_barrier(image, VK_IMAGE_LAYOUT_UNDEFINED,
                                                  VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 0, VK_ACCESS_TRANSFER_WRITE_BIT);
    vkCmdPipelineBarrier(commands, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0, nullptr, 0,
                         nullptr, 1, &to_copy);
    VkBufferImageCopy region{};
    region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
    region.imageExtent = {kPatternWidth, kPatternHeight, 1};
    vkCmdCopyBufferToImage(commands, pattern, image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &region);
    VkImageMemoryBarrier to_present = layout_barrier(image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                                                     VK_IMAGE_LAYOUT_PRESENT_SRC_KHR, VK_ACCESS_TRANSFER_WRITE_BIT, 0);
    vkCmdPipelineBarrier(commands, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, 0, 0,
                         nullptr, 0, nullptr, 1, &to_present);
    VK_CHECK(vkEndCommandBuffer(commands));
}

}  // namespace


// Presents FIFO frames until one fails: the fault tests kill the server
// meanwhile, and the failure must be VK_ERROR_DEVICE_LOST, soon.
int present_forever(const Context& ctx, VkSurfaceKHR surface) {
    Swapchain sc;
    VK_CHECK(create_swapchain(ctx, surface, VK_PRESENT_MODE_FIFO_KHR, {320, 240}, VK_NULL_HANDLE, sc));
    for (uint64_t frame = 0;; ++frame) {
        const FrameResult result = draw_frame(sc);
        if (!presented(result.acquire) || !presented(result.present)) {
            std::printf("frame %llu: %s\n", static_cast<unsigned long long>(frame), frame_failure(result).c_str());
            std::fflush(stdout);
            const bool lost = result.acquire == VK_ERROR_DEVICE_LOST || result.present == VK_ERROR_DEVICE_LOST;
            std::_Exit(lost ? 0 : 1);  // the device is gone: leave without touching it
        }
        if (frame == 0) {
            std::printf("waiting\n");
            std::fflush(stdout);
        }
    }
}

// Presents the pattern (B8G8R8A8_UNORM, copied from a host buffer) in FIFO
// frames for `seconds`.
int show_pattern(const Context& ctx, VkSurfaceKHR surface, double seconds) {
    Swapchain sc;
    VK_CHECK(create_swapchain(ctx, surface, VK_PRESENT_MODE_FIFO_KHR, {kPatternWidth, kPatternHeight},
                              VK_NULL_HANDLE, sc));
    if (sc.extent.width != kPatternWidth || sc.extent.height != kPatternHeight ||
        sc.format != VK_FORMAT_B8G8R8A8_UNORM) {
        std::fprintf(stderr, "show-pattern needs a %ux%u B8G8R8A8_UNORM swapchain (got %ux%u, format %d)\n",
                     kPatternWidth, kPatternHeight, sc.extent.width, sc.extent.height, static_cast<int>(sc.format));
        return 1;
    }
    VkBufferCreateInfo buffer_info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
    buffer_info.size = VkDeviceSize{kPatternWidth} * kPatternHeight * 4;
    buffer_info.usage = VK_BUFFER_USAGE_TRANSFER_SRC_BIT;
    VkBuffer pattern;
    VK_CHECK(vkCreateBuffer(ctx.device, &buffer_info, nullptr, &pattern));
    VkMemoryRequirements requirements;
    vkGetBufferMemoryRequirements(ctx.device, pattern, &requirements);
    VkPhysicalDeviceMemoryProperties memory_properties;
    vkGetPhysicalDeviceMemoryProperties(ctx.physical, &memory_properties);
    VkDeviceMemory memory = vk_helpers::allocate(
        ctx.device, memory_properties, requirements,
        VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);
    VK_CHECK(vkBindBufferMemory(ctx.device, pattern, memory, 0));
    void* mapped = nullptr;
    VK_CHECK(vkMapMemory(ctx.device, memory, 0, VK_WHOLE_SIZE, 0, &mapped));
    auto* bgra = static_cast<uint8_t*>(mapped);
    for (uint32_t y = 0; y < kPatternHeight; ++y)
        for (uint32_t x = 0; x < kPatternWidth; ++x) {
            uint8_t rgb[3];
            pattern_rgb(x, y, rgb);
            uint8_t* pixel = bgra + (size_t{y} * kPatternWidth + x) * 4;
            pixel[0] = rgb[2];
            pixel[1] = rgb[1];
            pixel[2] = rgb[0];
            pixel[3] = 255;
        }
    const auto start = Clock::now();
    const FrameRecorder copy_pattern = [&](VkCommandBuffer commands, VkImage image, uint64_t) {
        record_pattern_copy(commands, pattern, image);
    };
    for (uint64_t frame = 0; std::chrono::duration<double>(Clock::now() - start).count() < seconds; ++frame) {
        const FrameResult result = draw_frame(sc, copy_pattern);
        if (!presented(result.acquire) || !presented(result.present)) {
            std::fprintf(stderr, "show-pattern: frame %llu: %s\n", static_cast<unsigned long long>(frame),
                         frame_failure(result).c_str());
            return 1;
        }
        if (frame == 3) {
            std::printf("pattern presented\n");
            std::fflush(stdout);
        }
    }
    VK_CHECK(vkDeviceWaitIdle(ctx.device));
    sc.destroy();
    vkDestroyBuffer(ctx.device, pattern, nullptr);
    vkFreeMemory(ctx.device, memory, nullptr);
    return 0;
}

}  // namespace wsi_test
