#pragma once
// What wsi_test's checks and modes share: reporting, the test's window (X
// or Wayland), the device context, swapchains and drawing a frame into them.

#include <xcb/xcb.h>
#include <vulkan/vulkan.h>
#include <vulkan/vulkan_xcb.h>
#include <wayland-client.h>
#include <vulkan/vulkan_wayland.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "VulkanApp.h"
#include "WaylandWindow.h"

namespace wsi_test {

using Clock = std::chrono::steady_clock;

inline int failures = 0;

inline bool check(bool condition, const std::string& name, const std::string& detail = {}) {
    std::printf("%-58s %s%s%s\n", name.c_str(), condition ? "ok" : "FAILED", detail.empty() ? "" : "  ",
                detail.c_str());
    std::fflush(stdout);
    if (!condition) {
        std::fprintf(stderr, "FAILED: %s %s\n", name.c_str(), detail.c_str());
        ++failures;
    }
    return condition;
}

inline const char* result_name(VkResult result) {
    switch (result) {
        case VK_SUCCESS: return "VK_SUCCESS";
        case VK_NOT_READY: return "VK_NOT_READY";
        case VK_TIMEOUT: return "VK_TIMEOUT";
        case VK_SUBOPTIMAL_KHR: return "VK_SUBOPTIMAL_KHR";
        case VK_ERROR_OUT_OF_DATE_KHR: return "VK_ERROR_OUT_OF_DATE_KHR";
        case VK_ERROR_SURFACE_LOST_KHR: return "VK_ERROR_SURFACE_LOST_KHR";
        case VK_ERROR_DEVICE_LOST: return "VK_ERROR_DEVICE_LOST";
        case VK_ERROR_OUT_OF_HOST_MEMORY: return "VK_ERROR_OUT_OF_HOST_MEMORY";
        case VK_ERROR_OUT_OF_DEVICE_MEMORY: return "VK_ERROR_OUT_OF_DEVICE_MEMORY";
        case VK_ERROR_INITIALIZATION_FAILED: return "VK_ERROR_INITIALIZATION_FAILED";
        default: return "other";
    }
}

inline std::string describe(VkResult result) {
    return std::string(result_name(result)) + " (" + std::to_string(static_cast<int>(result)) + ")";
}

inline const char* mode_name(VkPresentModeKHR mode) {
    switch (mode) {
        case VK_PRESENT_MODE_FIFO_KHR: return "FIFO";
        case VK_PRESENT_MODE_MAILBOX_KHR: return "MAILBOX";
        case VK_PRESENT_MODE_IMMEDIATE_KHR: return "IMMEDIATE";
        case VK_PRESENT_MODE_FIFO_RELAXED_KHR: return "FIFO_RELAXED";
        default: return "other";
    }
}

inline bool presented(VkResult result) { return result == VK_SUCCESS || result == VK_SUBOPTIMAL_KHR; }

// Acquires before the forward-progress limit must complete; a bounded timeout
// keeps a broken implementation from hanging the test.
constexpr uint64_t kAcquireTimeout = 10'000'000'000ull;

struct XcbWindow {
    xcb_connection_t* connection = nullptr;
    xcb_window_t window = 0;

    XcbWindow(uint16_t width, uint16_t height) {
        connection = xcb_connect(nullptr, nullptr);
        if (!connection || xcb_connection_has_error(connection)) {
            std::fprintf(stderr, "cannot connect to the X server ($DISPLAY=%s)\n",
                         std::getenv("DISPLAY") ? std::getenv("DISPLAY") : "");
            std::exit(1);
        }
        xcb_screen_t* screen = xcb_setup_roots_iterator(xcb_get_setup(connection)).data;
        window = xcb_generate_id(connection);
        const uint32_t values[] = {screen->black_pixel};
        xcb_create_window(connection, XCB_COPY_FROM_PARENT, window, screen->root, 0, 0, width, height, 0,
                          XCB_WINDOW_CLASS_INPUT_OUTPUT, screen->root_visual, XCB_CW_BACK_PIXEL, values);
        xcb_map_window(connection, window);
        sync();
    }
    ~XcbWindow() {
        xcb_destroy_window(connection, window);
        xcb_flush(connection);
        xcb_disconnect(connection);
    }
    // A round trip: everything sent before has been processed by the server.
    void sync() const { free(xcb_get_input_focus_reply(connection, xcb_get_input_focus(connection), nullptr)); }
    void resize(uint16_t width, uint16_t height) const {
        const uint32_t values[] = {width, height};
        xcb_configure_window(connection, window, XCB_CONFIG_WINDOW_WIDTH | XCB_CONFIG_WINDOW_HEIGHT, values);
        xcb_flush(connection);
        sync();
    }
    VkExtent2D size() const {
        VkExtent2D extent{};
        if (auto* geometry = xcb_get_geometry_reply(connection, xcb_get_geometry(connection, window), nullptr)) {
            extent = {geometry->width, geometry->height};
            free(geometry);
        }
        return extent;
    }
};

// The window the checks draw in: X or Wayland.
struct Window {
    std::unique_ptr<XcbWindow> x;
    std::unique_ptr<WaylandWindow> wayland;

    explicit Window(bool use_wayland) {
        if (use_wayland)
            wayland = std::make_unique<WaylandWindow>();
        else
            x = std::make_unique<XcbWindow>(320, 240);
    }
    const char* surface_extension() const {
        return wayland ? VK_KHR_WAYLAND_SURFACE_EXTENSION_NAME : VK_KHR_XCB_SURFACE_EXTENSION_NAME;
    }
    VkSurfaceKHR create_surface(VkInstance instance) const {
        VkSurfaceKHR surface = VK_NULL_HANDLE;
        if (wayland) {
            VkWaylandSurfaceCreateInfoKHR info{VK_STRUCTURE_TYPE_WAYLAND_SURFACE_CREATE_INFO_KHR};
            info.display = wayland->display();
            info.surface = wayland->surface();
            VK_CHECK(vkCreateWaylandSurfaceKHR(instance, &info, nullptr, &surface));
        } else {
            VkXcbSurfaceCreateInfoKHR info{VK_STRUCTURE_TYPE_XCB_SURFACE_CREATE_INFO_KHR};
            info.connection = x->connection;
            info.window = x->window;
            VK_CHECK(vkCreateXcbSurfaceKHR(instance, &info, nullptr, &surface));
        }
        return surface;
    }
    // A Wayland surface has no size of its own: the swapchain gives it one.
    bool has_size() const { return x != nullptr; }
    VkExtent2D size() const { return x ? x->size() : VkExtent2D{0xFFFFFFFFu, 0xFFFFFFFFu}; }
};

inline bool has_extension(const std::vector<VkExtensionProperties>& list, const char* name) {
    return std::any_of(list.begin(), list.end(),
                       [&](const VkExtensionProperties& e) { return std::strcmp(e.extensionName, name) == 0; });
}

struct Context {
    VkInstance instance = VK_NULL_HANDLE;
    VkPhysicalDevice physical = VK_NULL_HANDLE;
    VkDevice device = VK_NULL_HANDLE;
    VkQueue queue = VK_NULL_HANDLE;
    uint32_t family = 0;
    bool headless = false;
    bool timelines = false;  // timeline semaphores (Vulkan 1.2) enabled
    VkCommandPool pool = VK_NULL_HANDLE;
};

// One swapchain and what drawing into it takes: per frame in flight an
// acquire semaphore, a fence and a command buffer; per image the semaphore
// its present waits on (reused only once that image is acquired again).
struct Swapchain {
    static constexpr uint32_t kFramesInFlight = 2;
    const Context* ctx = nullptr;
    VkSwapchainKHR handle = VK_NULL_HANDLE;
    VkExtent2D extent{};
    VkFormat format = VK_FORMAT_UNDEFINED;
    std::vector<VkImage> images;
    std::vector<VkSemaphore> render_done;  // per image
    VkSemaphore acquired[kFramesInFlight]{};
    VkFence in_flight[kFramesInFlight]{};
    VkCommandBuffer commands[kFramesInFlight]{};
    uint64_t frame = 0;

    void destroy() {
        if (!ctx) return;
        VkDevice device = ctx->device;
        vkDeviceWaitIdle(device);
        for (VkSemaphore s : render_done) vkDestroySemaphore(device, s, nullptr);
        for (uint32_t i = 0; i < kFramesInFlight; ++i) {
            vkDestroySemaphore(device, acquired[i], nullptr);
            vkDestroyFence(device, in_flight[i], nullptr);
        }
        vkFreeCommandBuffers(device, ctx->pool, kFramesInFlight, commands);
        vkDestroySwapchainKHR(device, handle, nullptr);
        render_done.clear();
        images.clear();
        handle = VK_NULL_HANDLE;
        ctx = nullptr;
    }
};

inline VkSurfaceCapabilitiesKHR capabilities(const Context& ctx, VkSurfaceKHR surface) {
    VkSurfaceCapabilitiesKHR caps{};
    VK_CHECK(vkGetPhysicalDeviceSurfaceCapabilitiesKHR(ctx.physical, surface, &caps));
    return caps;
}

inline VkSurfaceFormatKHR choose_format(const Context& ctx, VkSurfaceKHR surface) {
    uint32_t count = 0;
    VK_CHECK(vkGetPhysicalDeviceSurfaceFormatsKHR(ctx.physical, surface, &count, nullptr));
    std::vector<VkSurfaceFormatKHR> formats(count);
    VK_CHECK(vkGetPhysicalDeviceSurfaceFormatsKHR(ctx.physical, surface, &count, formats.data()));
    if (formats.empty()) {
        std::fprintf(stderr, "no surface formats\n");
        std::exit(1);
    }
    for (const VkSurfaceFormatKHR& f : formats)
        if (f.format == VK_FORMAT_B8G8R8A8_UNORM) return f;
    return formats[0];
}

// A swapchain for `surface` with minImageCount + 1 images (capped by the
// maximum). `wanted` is used when the surface lets the swapchain choose.
inline VkResult create_swapchain(const Context& ctx, VkSurfaceKHR surface, VkPresentModeKHR mode, VkExtent2D wanted,
                          VkSwapchainKHR old, Swapchain& out) {
    const VkSurfaceCapabilitiesKHR caps = capabilities(ctx, surface);
    const VkSurfaceFormatKHR format = choose_format(ctx, surface);
    if (!(caps.supportedUsageFlags & VK_IMAGE_USAGE_TRANSFER_DST_BIT)) {
        std::fprintf(stderr, "the surface does not offer TRANSFER_DST images; this test clears them\n");
        std::exit(1);
    }
    VkExtent2D extent = caps.currentExtent;
    if (extent.width == 0xFFFFFFFFu) {
        extent.width = std::clamp(wanted.width, caps.minImageExtent.width, caps.maxImageExtent.width);
        extent.height = std::clamp(wanted.height, caps.minImageExtent.height, caps.maxImageExtent.height);
    }
    uint32_t image_count = caps.minImageCount + 1;
    if (caps.maxImageCount && image_count > caps.maxImageCount) image_count = caps.maxImageCount;
    VkCompositeAlphaFlagBitsKHR alpha = VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR;
    if (!(caps.supportedCompositeAlpha & alpha))
        for (uint32_t bit = 1; bit <= VK_COMPOSITE_ALPHA_INHERIT_BIT_KHR; bit <<= 1)
            if (caps.supportedCompositeAlpha & bit) {
                alpha = static_cast<VkCompositeAlphaFlagBitsKHR>(bit);
                break;
            }
    VkSwapchainCreateInfoKHR info{VK_STRUCTURE_TYPE_SWAPCHAIN_CREATE_INFO_KHR};
    info.surface = surface;
    info.minImageCount = image_count;
    info.imageFormat = format.format;
    info.imageColorSpace = format.colorSpace;
    info.imageExtent = extent;
    info.imageArrayLayers = 1;
    info.imageUsage = VK_IMAGE_USAGE_TRANSFER_DST_BIT;
    info.imageSharingMode = VK_SHARING_MODE_EXCLUSIVE;
    info.preTransform = caps.currentTransform;
    info.compositeAlpha = alpha;
    info.presentMode = mode;
    info.clipped = VK_TRUE;
    info.oldSwapchain = old;
    VkSwapchainKHR handle = VK_NULL_HANDLE;
    if (VkResult result = vkCreateSwapchainKHR(ctx.device, &info, nullptr, &handle); result != VK_SUCCESS)
        return result;
    out = Swapchain{};
    out.ctx = &ctx;
    out.handle = handle;
    out.extent = extent;
    out.format = format.format;
    uint32_t count = 0;
    VK_CHECK(vkGetSwapchainImagesKHR(ctx.device, handle, &count, nullptr));
    out.images.resize(count);
    VK_CHECK(vkGetSwapchainImagesKHR(ctx.device, handle, &count, out.images.data()));
    VkSemaphoreCreateInfo semaphore_info{VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
    out.render_done.resize(count);
    for (VkSemaphore& s : out.render_done) VK_CHECK(vkCreateSemaphore(ctx.device, &semaphore_info, nullptr, &s));
    VkFenceCreateInfo fence_info{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    fence_info.flags = VK_FENCE_CREATE_SIGNALED_BIT;
    VkCommandBufferAllocateInfo allocate{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    allocate.commandPool = ctx.pool;
    allocate.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    allocate.commandBufferCount = Swapchain::kFramesInFlight;
    VK_CHECK(vkAllocateCommandBuffers(ctx.device, &allocate, out.commands));
    for (uint32_t i = 0; i < Swapchain::kFramesInFlight; ++i) {
        VK_CHECK(vkCreateSemaphore(ctx.device, &semaphore_info, nullptr, &out.acquired[i]));
        VK_CHECK(vkCreateFence(ctx.device, &fence_info, nullptr, &out.in_flight[i]));
    }
    return VK_SUCCESS;
}

inline VkImageMemoryBarrier layout_barrier(VkImage image, VkImageLayout from, VkImageLayout to, VkAccessFlags src,
                                    VkAccessFlags dst) {
    VkImageMemoryBarrier barrier{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
    barrier.srcAccessMask = src;
    barrier.dstAccessMask = dst;
    barrier.oldLayout = from;
    barrier.newLayout = to;
    barrier.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    barrier.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    barrier.image = image;
    barrier.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    return barrier;
}

// Clears `images` to a colour that depends on `frame` and leaves them ready
// to present. The semaphore wait (if any) is at the transfer stage, which the
// first barrier's source stage chains with.
inline void record_clear(VkCommandBuffer commands, const std::vector<VkImage>& images, uint64_t frame) {
    VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    VK_CHECK(vkBeginCommandBuffer(commands, &begin));
    std::vector<VkImageMemoryBarrier> barriers;
    for (VkImage image : images)
        barriers.push_back(layout_barrier(image, VK_IMAGE_LAYOUT_UNDEFINED, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 0,
                                          VK_ACCESS_TRANSFER_WRITE_BIT));
    vkCmdPipelineBarrier(commands, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0, nullptr, 0,
                         nullptr, static_cast<uint32_t>(barriers.size()), barriers.data());
    const float t = static_cast<float>(frame % 30) / 29.0f;
    VkClearColorValue color{};
    color.float32[0] = t;
    color.float32[1] = 1.0f - t;
    color.float32[2] = static_cast<float>((frame / 30) % 2);
    color.float32[3] = 1.0f;
    const VkImageSubresourceRange range{VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    for (VkImage image : images)
        vkCmdClearColorImage(commands, image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, &color, 1, &range);
    barriers.clear();
    for (VkImage image : images)
        barriers.push_back(layout_barrier(image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, VK_IMAGE_LAYOUT_PRESENT_SRC_KHR,
                                          VK_ACCESS_TRANSFER_WRITE_BIT, 0));
    vkCmdPipelineBarrier(commands, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, 0, 0,
                         nullptr, 0, nullptr, static_cast<uint32_t>(barriers.size()), barriers.data());
    VK_CHECK(vkEndCommandBuffer(commands));
}

struct FrameResult {
    VkResult acquire = VK_SUCCESS;
    VkResult present = VK_SUCCESS;
};

// Records what a frame puts into the acquired image, leaving it ready to
// present (record_clear unless said otherwise).
using FrameRecorder = std::function<void(VkCommandBuffer, VkImage, uint64_t frame)>;

// One frame: acquire with a semaphore, record, present. When the acquire
// fails nothing is submitted and `present` is left VK_SUCCESS.
inline FrameResult draw_frame(Swapchain& sc, const FrameRecorder& record = {}) {
    const Context& ctx = *sc.ctx;
    const uint32_t slot = static_cast<uint32_t>(sc.frame % Swapchain::kFramesInFlight);
    VK_CHECK(vkWaitForFences(ctx.device, 1, &sc.in_flight[slot], VK_TRUE, UINT64_MAX));
    FrameResult out;
    uint32_t index = 0;
    out.acquire = vkAcquireNextImageKHR(ctx.device, sc.handle, kAcquireTimeout, sc.acquired[slot], VK_NULL_HANDLE,
                                        &index);
    if (!presented(out.acquire)) return out;
    VK_CHECK(vkResetFences(ctx.device, 1, &sc.in_flight[slot]));
    VK_CHECK(vkResetCommandBuffer(sc.commands[slot], 0));
    if (record)
        record(sc.commands[slot], sc.images[index], sc.frame);
    else
        record_clear(sc.commands[slot], {sc.images[index]}, sc.frame);
    const VkPipelineStageFlags wait_stage = VK_PIPELINE_STAGE_TRANSFER_BIT;
    VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
    submit.waitSemaphoreCount = 1;
    submit.pWaitSemaphores = &sc.acquired[slot];
    submit.pWaitDstStageMask = &wait_stage;
    submit.commandBufferCount = 1;
    submit.pCommandBuffers = &sc.commands[slot];
    submit.signalSemaphoreCount = 1;
    submit.pSignalSemaphores = &sc.render_done[index];
    VK_CHECK(vkQueueSubmit(ctx.queue, 1, &submit, sc.in_flight[slot]));
    VkPresentInfoKHR present{VK_STRUCTURE_TYPE_PRESENT_INFO_KHR};
    present.waitSemaphoreCount = 1;
    present.pWaitSemaphores = &sc.render_done[index];
    present.swapchainCount = 1;
    present.pSwapchains = &sc.handle;
    present.pImageIndices = &index;
    VkResult per_swapchain = VK_SUCCESS;
    present.pResults = &per_swapchain;
    out.present = vkQueuePresentKHR(ctx.queue, &present);
    if (out.present != per_swapchain)
        check(false, "present: pResults matches the returned value",
              describe(out.present) + " vs " + describe(per_swapchain));
    ++sc.frame;
    return out;
}

// Draws `frames` frames; returns how many were acquired and presented with
// VK_SUCCESS or VK_SUBOPTIMAL_KHR, stopping at the first other result.
inline uint32_t draw_frames(Swapchain& sc, uint32_t frames, FrameResult& last) {
    uint32_t good = 0;
    for (uint32_t i = 0; i < frames; ++i) {
        last = draw_frame(sc);
        if (!presented(last.acquire) || !presented(last.present)) break;
        ++good;
    }
    return good;
}

inline std::string frame_failure(const FrameResult& r) {
    return "acquire " + describe(r.acquire) + ", present " + describe(r.present);
}

// Modes other than the checks (WsiModes.cpp).
int present_forever(const Context& ctx, VkSurfaceKHR surface);
constexpr uint32_t kPatternWidth = 160;
constexpr uint32_t kPatternHeight = 96;
int show_pattern(const Context& ctx, VkSurfaceKHR surface, double seconds);

}  // namespace wsi_test
