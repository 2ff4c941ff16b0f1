// Window-system integration, as an ordinary application uses it: a window
// of its own (xcb under Xvfb, or with --wayland an xdg-shell toplevel on the
// compositor at $WAYLAND_DISPLAY), surface queries, swapchains in every
// present mode offered, acquire timeouts, a resized window (X) or a
// swapchain recreated at another size (Wayland), a headless surface. Only
// what the specification guarantees is checked, so that any implementation
// passes.
// usage: wsi_test [--wayland] [present-forever | show-pattern SECONDS]
//   present-forever: FIFO frames until a frame fails, for the fault tests;
//     exit 0 when that was VK_ERROR_DEVICE_LOST.
//   show-pattern: presents kPatternWidth x kPatternHeight pixels of
//     pattern_rgb() for SECONDS (printing "pattern presented" once it is on
//     screen), for tests that read the compositor's screen.
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
#include <string>
#include <thread>
#include <vector>

#include <memory>

#include "VulkanApp.h"
#include "WaylandWindow.h"

namespace {

using Clock = std::chrono::steady_clock;

int failures = 0;

bool check(bool condition, const std::string& name, const std::string& detail = {}) {
    std::printf("%-58s %s%s%s\n", name.c_str(), condition ? "ok" : "FAILED", detail.empty() ? "" : "  ",
                detail.c_str());
    std::fflush(stdout);
    if (!condition) {
        std::fprintf(stderr, "FAILED: %s %s\n", name.c_str(), detail.c_str());
        ++failures;
    }
    return condition;
}

const char* result_name(VkResult result) {
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

std::string describe(VkResult result) {
    return std::string(result_name(result)) + " (" + std::to_string(static_cast<int>(result)) + ")";
}

const char* mode_name(VkPresentModeKHR mode) {
    switch (mode) {
        case VK_PRESENT_MODE_FIFO_KHR: return "FIFO";
        case VK_PRESENT_MODE_MAILBOX_KHR: return "MAILBOX";
        case VK_PRESENT_MODE_IMMEDIATE_KHR: return "IMMEDIATE";
        case VK_PRESENT_MODE_FIFO_RELAXED_KHR: return "FIFO_RELAXED";
        default: return "other";
    }
}

bool presented(VkResult result) { return result == VK_SUCCESS || result == VK_SUBOPTIMAL_KHR; }

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

bool has_extension(const std::vector<VkExtensionProperties>& list, const char* name) {
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

VkSurfaceCapabilitiesKHR capabilities(const Context& ctx, VkSurfaceKHR surface) {
    VkSurfaceCapabilitiesKHR caps{};
    VK_CHECK(vkGetPhysicalDeviceSurfaceCapabilitiesKHR(ctx.physical, surface, &caps));
    return caps;
}

VkSurfaceFormatKHR choose_format(const Context& ctx, VkSurfaceKHR surface) {
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
VkResult create_swapchain(const Context& ctx, VkSurfaceKHR surface, VkPresentModeKHR mode, VkExtent2D wanted,
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

VkImageMemoryBarrier layout_barrier(VkImage image, VkImageLayout from, VkImageLayout to, VkAccessFlags src,
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
void record_clear(VkCommandBuffer commands, const std::vector<VkImage>& images, uint64_t frame) {
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
FrameResult draw_frame(Swapchain& sc, const FrameRecorder& record = {}) {
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
uint32_t draw_frames(Swapchain& sc, uint32_t frames, FrameResult& last) {
    uint32_t good = 0;
    for (uint32_t i = 0; i < frames; ++i) {
        last = draw_frame(sc);
        if (!presented(last.acquire) || !presented(last.present)) break;
        ++good;
    }
    return good;
}

std::string frame_failure(const FrameResult& r) {
    return "acquire " + describe(r.acquire) + ", present " + describe(r.present);
}

// ---------------------------------------------------------------- checks

void check_surface_queries(const Context& ctx, VkSurfaceKHR surface, const Window& window,
                           std::vector<VkPresentModeKHR>& modes) {
    VkBool32 supported = VK_FALSE;
    VK_CHECK(vkGetPhysicalDeviceSurfaceSupportKHR(ctx.physical, ctx.family, surface, &supported));
    check(supported == VK_TRUE, "surface: queue family supports presentation");
    const VkSurfaceCapabilitiesKHR caps = capabilities(ctx, surface);
    const VkExtent2D size = window.size();
    char detail[160];
    std::snprintf(detail, sizeof(detail), "currentExtent %ux%u, window %ux%u", caps.currentExtent.width,
                  caps.currentExtent.height, size.width, size.height);
    check(caps.currentExtent.width == size.width && caps.currentExtent.height == size.height,
          window.has_size() ? "surface: currentExtent equals the window size"
                            : "surface: currentExtent is 0xFFFFFFFF (Wayland: the swapchain decides)",
          detail);
    std::snprintf(detail, sizeof(detail), "minImageCount %u, maxImageCount %u", caps.minImageCount,
                  caps.maxImageCount);
    check(caps.minImageCount >= 1 && (caps.maxImageCount == 0 || caps.maxImageCount >= caps.minImageCount),
          "surface: minImageCount >= 1 (and <= maxImageCount)", detail);
    check((caps.supportedUsageFlags & VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT) != 0,
          "surface: supportedUsageFlags include COLOR_ATTACHMENT");
    uint32_t count = 0;
    VK_CHECK(vkGetPhysicalDeviceSurfaceFormatsKHR(ctx.physical, surface, &count, nullptr));
    check(count > 0, "surface: formats non-empty", std::to_string(count) + " formats");
    count = 0;
    VK_CHECK(vkGetPhysicalDeviceSurfacePresentModesKHR(ctx.physical, surface, &count, nullptr));
    modes.resize(count);
    VK_CHECK(vkGetPhysicalDeviceSurfacePresentModesKHR(ctx.physical, surface, &count, modes.data()));
    modes.resize(count);
    std::string list;
    for (VkPresentModeKHR m : modes) list += std::string(list.empty() ? "" : " ") + mode_name(m);
    check(std::find(modes.begin(), modes.end(), VK_PRESENT_MODE_FIFO_KHR) != modes.end(),
          "surface: present modes include FIFO", list);
}

void check_present_mode(const Context& ctx, VkSurfaceKHR surface, VkPresentModeKHR mode) {
    constexpr uint32_t kFrames = 30;
    const std::string name = std::string("present ") + mode_name(mode);
    Swapchain sc;
    const VkResult created = create_swapchain(ctx, surface, mode, {320, 240}, VK_NULL_HANDLE, sc);
    if (!check(created == VK_SUCCESS, name + ": create swapchain", describe(created))) return;
    FrameResult last;
    const auto start = Clock::now();
    const uint32_t good = draw_frames(sc, kFrames, last);
    VK_CHECK(vkDeviceWaitIdle(ctx.device));
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    char detail[200];
    if (good == kFrames)
        std::snprintf(detail, sizeof(detail), "%u images, %u frames, %.1f frames/s", unsigned(sc.images.size()),
                      kFrames, kFrames / seconds);
    else
        std::snprintf(detail, sizeof(detail), "frame %u: %s", good, frame_failure(last).c_str());
    check(good == kFrames, name + ": " + std::to_string(kFrames) + " frames acquired and presented", detail);
    sc.destroy();
}

void check_acquire_timeouts(const Context& ctx, VkSurfaceKHR surface) {
    Swapchain sc;
    const VkResult created = create_swapchain(ctx, surface, VK_PRESENT_MODE_FIFO_KHR, {320, 240}, VK_NULL_HANDLE, sc);
    if (!check(created == VK_SUCCESS, "acquire: create swapchain", describe(created))) return;
    const VkSurfaceCapabilitiesKHR caps = capabilities(ctx, surface);
    const auto image_count = static_cast<uint32_t>(sc.images.size());
    // Forward progress: while no more than imageCount - minImageCount images
    // are held, an acquire completes.
    const uint32_t guaranteed = image_count >= caps.minImageCount ? image_count - caps.minImageCount + 1 : 1;
    VkFenceCreateInfo fence_info{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    VkFence fence;
    VK_CHECK(vkCreateFence(ctx.device, &fence_info, nullptr, &fence));
    std::vector<uint32_t> held;
    VkResult result = VK_SUCCESS;
    for (uint32_t i = 0; i < guaranteed; ++i) {
        uint32_t index = 0;
        result = vkAcquireNextImageKHR(ctx.device, sc.handle, kAcquireTimeout, VK_NULL_HANDLE, fence, &index);
        if (!presented(result)) break;
        VK_CHECK(vkWaitForFences(ctx.device, 1, &fence, VK_TRUE, UINT64_MAX));
        VK_CHECK(vkResetFences(ctx.device, 1, &fence));
        held.push_back(index);
    }
    char detail[200];
    std::snprintf(detail, sizeof(detail), "imageCount %u, minImageCount %u: %u of %u acquired (last %s)",
                  image_count, caps.minImageCount, unsigned(held.size()), guaranteed, result_name(result));
    check(held.size() == guaranteed, "acquire: imageCount - minImageCount + 1 images without presenting", detail);
    std::sort(held.begin(), held.end());
    check(std::adjacent_find(held.begin(), held.end()) == held.end() &&
              std::all_of(held.begin(), held.end(), [&](uint32_t i) { return i < image_count; }),
          "acquire: distinct indices below imageCount");

    // Beyond that, timeout 0 never waits: it acquires an image that happens to
    // be available or returns VK_NOT_READY; once every image is held nothing
    // can be available.
    bool zero_ok = true;
    bool did_not_wait = true;
    bool not_ready_seen = false;
    std::string zero_detail;
    for (uint32_t tries = 0; tries <= image_count && zero_ok; ++tries) {
        uint32_t index = 0;
        const auto start = Clock::now();
        result = vkAcquireNextImageKHR(ctx.device, sc.handle, 0, VK_NULL_HANDLE, fence, &index);
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
        if (ms > 1000) did_not_wait = false;
        zero_detail += std::string(zero_detail.empty() ? "" : ", ") + result_name(result);
        if (presented(result)) {
            VK_CHECK(vkWaitForFences(ctx.device, 1, &fence, VK_TRUE, UINT64_MAX));
            VK_CHECK(vkResetFences(ctx.device, 1, &fence));
            if (std::find(held.begin(), held.end(), index) != held.end() || index >= image_count) zero_ok = false;
            held.push_back(index);
            if (held.size() > image_count) zero_ok = false;
            continue;
        }
        if (result == VK_NOT_READY || result == VK_TIMEOUT) {
            not_ready_seen = true;
            break;
        }
        zero_ok = false;
    }
    check(zero_ok && not_ready_seen, "acquire: timeout 0 returns VK_NOT_READY once no image is available",
          zero_detail + " (" + std::to_string(held.size()) + " held)");
    check(did_not_wait, "acquire: timeout 0 does not wait");
    if (held.size() == image_count) {
        uint32_t index = 0;
        const auto start = Clock::now();
        result = vkAcquireNextImageKHR(ctx.device, sc.handle, 20'000'000, VK_NULL_HANDLE, fence, &index);
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
        std::snprintf(detail, sizeof(detail), "%s after %.1f ms", describe(result).c_str(), ms);
        // The spec says VK_TIMEOUT; Mesa 22.3's X11 WSI (lavapipe) says VK_NOT_READY.
        check(result == VK_TIMEOUT || result == VK_NOT_READY,
              "acquire: 20 ms timeout with every image held gets no image", detail);
        if (presented(result)) VK_CHECK(vkWaitForFences(ctx.device, 1, &fence, VK_TRUE, UINT64_MAX));
        else check(ms < 5000, "acquire: 20 ms timeout returns in bounded time", detail);
    } else {
        std::printf("acquire: %u of %u images held when VK_NOT_READY came; 20 ms timeout not checked\n",
                    unsigned(held.size()), image_count);
    }

    // Give every held image back: clear them, then present each.
    if (!held.empty()) {
        std::vector<VkImage> images;
        for (uint32_t i : held) images.push_back(sc.images[i]);
        VK_CHECK(vkWaitForFences(ctx.device, 1, &sc.in_flight[0], VK_TRUE, UINT64_MAX));
        VK_CHECK(vkResetFences(ctx.device, 1, &sc.in_flight[0]));
        VK_CHECK(vkResetCommandBuffer(sc.commands[0], 0));
        record_clear(sc.commands[0], images, 7);
        std::vector<VkSemaphore> signals;
        for (uint32_t i : held) signals.push_back(sc.render_done[i]);
        VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
        submit.commandBufferCount = 1;
        submit.pCommandBuffers = &sc.commands[0];
        submit.signalSemaphoreCount = static_cast<uint32_t>(signals.size());
        submit.pSignalSemaphores = signals.data();
        VK_CHECK(vkQueueSubmit(ctx.queue, 1, &submit, sc.in_flight[0]));
        bool all_presented = true;
        std::string present_detail;
        for (uint32_t i : held) {
            VkPresentInfoKHR present{VK_STRUCTURE_TYPE_PRESENT_INFO_KHR};
            present.waitSemaphoreCount = 1;
            present.pWaitSemaphores = &sc.render_done[i];
            present.swapchainCount = 1;
            present.pSwapchains = &sc.handle;
            present.pImageIndices = &i;
            const VkResult r = vkQueuePresentKHR(ctx.queue, &present);
            present_detail += std::string(present_detail.empty() ? "" : ", ") + result_name(r);
            if (!presented(r)) all_presented = false;
        }
        check(all_presented, "acquire: the held images present", present_detail);
        // And the swapchain goes on working.
        FrameResult last;
        const uint32_t good = draw_frames(sc, 3, last);
        check(good == 3, "acquire: 3 more frames after giving them back",
              good == 3 ? "" : frame_failure(last));
    }
    VK_CHECK(vkDeviceWaitIdle(ctx.device));
    vkDestroyFence(ctx.device, fence, nullptr);
    sc.destroy();
}

// An acquire's fence says the image is ready; it must not wait for work
// queued before (here a batch waiting for the host to signal a timeline).
void check_acquire_beside_blocked_queue(const Context& ctx, VkSurfaceKHR surface) {
    if (!ctx.timelines) {
        std::printf("acquire beside a blocked queue: no timeline semaphores; not checked\n");
        return;
    }
    Swapchain sc;
    const VkResult created = create_swapchain(ctx, surface, VK_PRESENT_MODE_FIFO_KHR, {320, 240}, VK_NULL_HANDLE, sc);
    if (!check(created == VK_SUCCESS, "acquire beside a blocked queue: create swapchain", describe(created))) return;
    VkSemaphoreTypeCreateInfo type_info{VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO};
    type_info.semaphoreType = VK_SEMAPHORE_TYPE_TIMELINE;
    VkSemaphoreCreateInfo semaphore_info{VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
    semaphore_info.pNext = &type_info;
    VkSemaphore timeline;
    VK_CHECK(vkCreateSemaphore(ctx.device, &semaphore_info, nullptr, &timeline));
    const uint64_t wait_value = 1;
    VkTimelineSemaphoreSubmitInfo values{VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO};
    values.waitSemaphoreValueCount = 1;
    values.pWaitSemaphoreValues = &wait_value;
    const VkPipelineStageFlags stage = VK_PIPELINE_STAGE_ALL_COMMANDS_BIT;
    VkSubmitInfo blocked{VK_STRUCTURE_TYPE_SUBMIT_INFO};
    blocked.pNext = &values;
    blocked.waitSemaphoreCount = 1;
    blocked.pWaitSemaphores = &timeline;
    blocked.pWaitDstStageMask = &stage;
    VkFenceCreateInfo fence_info{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    VkFence blocked_done, acquired;
    VK_CHECK(vkCreateFence(ctx.device, &fence_info, nullptr, &blocked_done));
    VK_CHECK(vkCreateFence(ctx.device, &fence_info, nullptr, &acquired));
    VK_CHECK(vkQueueSubmit(ctx.queue, 1, &blocked, blocked_done));
    uint32_t index = 0;
    const VkResult acquire = vkAcquireNextImageKHR(ctx.device, sc.handle, kAcquireTimeout, VK_NULL_HANDLE,
                                                   acquired, &index);
    const auto start = Clock::now();
    const VkResult waited = presented(acquire) ? vkWaitForFences(ctx.device, 1, &acquired, VK_TRUE, 2'000'000'000ull)
                                               : acquire;
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    char detail[160];
    std::snprintf(detail, sizeof(detail), "acquire %s, fence wait %s after %.1f ms", result_name(acquire),
                  result_name(waited), ms);
    check(waited == VK_SUCCESS, "acquire beside a blocked queue: the acquire's fence signals", detail);
    VkSemaphoreSignalInfo signal{VK_STRUCTURE_TYPE_SEMAPHORE_SIGNAL_INFO};
    signal.semaphore = timeline;
    signal.value = 1;
    VK_CHECK(vkSignalSemaphore(ctx.device, &signal));
    VK_CHECK(vkWaitForFences(ctx.device, 1, &blocked_done, VK_TRUE, UINT64_MAX));
    VK_CHECK(vkResetFences(ctx.device, 1, &acquired));
    // And frames go on (the acquired image is dropped with the swapchain).
    VK_CHECK(vkDeviceWaitIdle(ctx.device));
    sc.destroy();
    vkDestroyFence(ctx.device, acquired, nullptr);
    vkDestroyFence(ctx.device, blocked_done, nullptr);
    vkDestroySemaphore(ctx.device, timeline, nullptr);
}

// A new swapchain of the new size replaces `sc`.
void resize_swapchain(const Context& ctx, VkSurfaceKHR surface, Swapchain& sc, VkExtent2D extent) {
    Swapchain next;
    const VkResult created = create_swapchain(ctx, surface, VK_PRESENT_MODE_FIFO_KHR, extent, sc.handle, next);
    sc.destroy();
    if (!check(created == VK_SUCCESS, "resize: recreate with oldSwapchain", describe(created))) return;
    char detail[64];
    std::snprintf(detail, sizeof(detail), "%ux%u", next.extent.width, next.extent.height);
    check(next.extent.width == extent.width && next.extent.height == extent.height,
          "resize: new swapchain has the new extent", detail);
    FrameResult last;
    const uint32_t good = draw_frames(next, 5, last);
    check(good == 5, "resize: 5 frames on the new swapchain", good == 5 ? "" : frame_failure(last));
    next.destroy();
}

void check_resize(const Context& ctx, VkSurfaceKHR surface, const Window& window) {
    Swapchain sc;
    VkResult created = create_swapchain(ctx, surface, VK_PRESENT_MODE_FIFO_KHR, {320, 240}, VK_NULL_HANDLE, sc);
    if (!check(created == VK_SUCCESS, "resize: create swapchain", describe(created))) return;
    FrameResult last;
    uint32_t good = draw_frames(sc, 3, last);
    check(good == 3, "resize: 3 frames before the resize", good == 3 ? "" : frame_failure(last));

    constexpr uint16_t kWidth = 200, kHeight = 150;
    char detail[200];
    if (!window.x) {
        // Wayland: the application resizes by making a swapchain of another size.
        std::printf("resize: a Wayland surface has no size of its own; the swapchain is recreated at 200x150\n");
        resize_swapchain(ctx, surface, sc, {kWidth, kHeight});
        return;
    }
    window.x->resize(kWidth, kHeight);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const VkSurfaceCapabilitiesKHR caps = capabilities(ctx, surface);
    std::snprintf(detail, sizeof(detail), "currentExtent %ux%u", caps.currentExtent.width, caps.currentExtent.height);
    check(caps.currentExtent.width == kWidth && caps.currentExtent.height == kHeight,
          "resize: currentExtent reports 200x150", detail);

    // Go on presenting the old size until the implementation says so.
    VkResult reported = VK_SUCCESS;
    uint32_t frames = 0;
    bool failed = false;
    for (; frames < 20; ++frames) {
        last = draw_frame(sc);
        if (last.acquire == VK_ERROR_OUT_OF_DATE_KHR || last.acquire == VK_SUBOPTIMAL_KHR) {
            reported = last.acquire;
            if (last.acquire == VK_SUBOPTIMAL_KHR && !presented(last.present) &&
                last.present != VK_ERROR_OUT_OF_DATE_KHR)
                failed = true;
            break;
        }
        if (last.acquire != VK_SUCCESS) {
            failed = true;
            break;
        }
        if (last.present == VK_ERROR_OUT_OF_DATE_KHR || last.present == VK_SUBOPTIMAL_KHR) {
            reported = last.present;
            break;
        }
        if (last.present != VK_SUCCESS) {
            failed = true;
            break;
        }
    }
    if (reported != VK_SUCCESS)
        std::snprintf(detail, sizeof(detail), "%s after %u frames (%s)", result_name(reported), frames,
                      frame_failure(last).c_str());
    else if (!failed)
        std::snprintf(detail, sizeof(detail), "the implementation kept presenting for %u frames (allowed)", frames);
    else
        std::snprintf(detail, sizeof(detail), "frame %u: %s", frames, frame_failure(last).c_str());
    check(!failed, "resize: old swapchain reports OUT_OF_DATE/SUBOPTIMAL or keeps presenting", detail);

    resize_swapchain(ctx, surface, sc, {kWidth, kHeight});
}

void check_headless(const Context& ctx) {
    auto create = reinterpret_cast<PFN_vkCreateHeadlessSurfaceEXT>(
        vkGetInstanceProcAddr(ctx.instance, "vkCreateHeadlessSurfaceEXT"));
    if (!check(create != nullptr, "headless: vkCreateHeadlessSurfaceEXT")) return;
    VkHeadlessSurfaceCreateInfoEXT info{VK_STRUCTURE_TYPE_HEADLESS_SURFACE_CREATE_INFO_EXT};
    VkSurfaceKHR surface = VK_NULL_HANDLE;
    const VkResult result = create(ctx.instance, &info, nullptr, &surface);
    if (!check(result == VK_SUCCESS, "headless: create surface", describe(result))) return;
    VkBool32 supported = VK_FALSE;
    VK_CHECK(vkGetPhysicalDeviceSurfaceSupportKHR(ctx.physical, ctx.family, surface, &supported));
    if (check(supported == VK_TRUE, "headless: queue family supports presentation")) {
        const VkSurfaceCapabilitiesKHR caps = capabilities(ctx, surface);
        char detail[120];
        std::snprintf(detail, sizeof(detail), "currentExtent %ux%u, minImageCount %u", caps.currentExtent.width,
                      caps.currentExtent.height, caps.minImageCount);
        check(caps.minImageCount >= 1, "headless: capabilities", detail);
        Swapchain sc;
        const VkResult created =
            create_swapchain(ctx, surface, VK_PRESENT_MODE_FIFO_KHR, {64, 64}, VK_NULL_HANDLE, sc);
        if (check(created == VK_SUCCESS, "headless: create swapchain", describe(created))) {
            std::snprintf(detail, sizeof(detail), "%ux%u", sc.extent.width, sc.extent.height);
            if (caps.currentExtent.width == 0xFFFFFFFFu)
                check(sc.extent.width == 64 && sc.extent.height == 64, "headless: explicit extent 64x64", detail);
            FrameResult last;
            const uint32_t good = draw_frames(sc, 5, last);
            check(good == 5, "headless: 5 frames acquired and presented", good == 5 ? "" : frame_failure(last));
            sc.destroy();
        }
    }
    vkDestroySurfaceKHR(ctx.instance, surface, nullptr);
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

constexpr uint32_t kPatternWidth = 160;
constexpr uint32_t kPatternHeight = 96;

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

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    const bool use_wayland = !args.empty() && args[0] == "--wayland";
    if (use_wayland) args.erase(args.begin());
    const bool forever = !args.empty() && args[0] == "present-forever";
    const bool pattern = args.size() == 2 && args[0] == "show-pattern";
    if ((!args.empty() && !forever && !pattern) || (forever && args.size() != 1)) {
        std::fprintf(stderr, "usage: wsi_test [--wayland] [present-forever | show-pattern SECONDS]\n");
        return 2;
    }
    Window window(use_wayland);

    uint32_t count = 0;
    VK_CHECK(vkEnumerateInstanceExtensionProperties(nullptr, &count, nullptr));
    std::vector<VkExtensionProperties> instance_extensions(count);
    VK_CHECK(vkEnumerateInstanceExtensionProperties(nullptr, &count, instance_extensions.data()));
    instance_extensions.resize(count);
    for (const char* needed : {VK_KHR_SURFACE_EXTENSION_NAME, window.surface_extension()})
        if (!check(has_extension(instance_extensions, needed), std::string("instance extension ") + needed))
            return 1;
    Context ctx;
    ctx.headless = has_extension(instance_extensions, VK_EXT_HEADLESS_SURFACE_EXTENSION_NAME);
    std::vector<const char*> enabled = {VK_KHR_SURFACE_EXTENSION_NAME, window.surface_extension()};
    if (ctx.headless) enabled.push_back(VK_EXT_HEADLESS_SURFACE_EXTENSION_NAME);

    VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
    app.pApplicationName = "wsi_test";
    app.apiVersion = VK_API_VERSION_1_2;
    VkInstanceCreateInfo instance_info{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
    instance_info.pApplicationInfo = &app;
    instance_info.enabledExtensionCount = static_cast<uint32_t>(enabled.size());
    instance_info.ppEnabledExtensionNames = enabled.data();
    VK_CHECK(vkCreateInstance(&instance_info, nullptr, &ctx.instance));

    count = 1;
    const VkResult enumerated = vkEnumeratePhysicalDevices(ctx.instance, &count, &ctx.physical);
    if ((enumerated != VK_SUCCESS && enumerated != VK_INCOMPLETE) || count == 0) {
        std::fprintf(stderr, "no Vulkan device\n");
        return 1;
    }
    VkPhysicalDeviceProperties properties;
    vkGetPhysicalDeviceProperties(ctx.physical, &properties);
    std::printf("device: %s\n", properties.deviceName);

    VkSurfaceKHR surface = window.create_surface(ctx.instance);

    // A queue family that clears images and presents to the window.
    vkGetPhysicalDeviceQueueFamilyProperties(ctx.physical, &count, nullptr);
    std::vector<VkQueueFamilyProperties> families(count);
    vkGetPhysicalDeviceQueueFamilyProperties(ctx.physical, &count, families.data());
    bool found = false;
    for (uint32_t i = 0; i < count && !found; ++i) {
        VkBool32 supported = VK_FALSE;
        VK_CHECK(vkGetPhysicalDeviceSurfaceSupportKHR(ctx.physical, i, surface, &supported));
        if ((families[i].queueFlags & (VK_QUEUE_GRAPHICS_BIT | VK_QUEUE_COMPUTE_BIT)) && supported) {
            ctx.family = i;
            found = true;
        }
    }
    if (!check(found, "a queue family that clears images and presents")) return 1;

    count = 0;
    VK_CHECK(vkEnumerateDeviceExtensionProperties(ctx.physical, nullptr, &count, nullptr));
    std::vector<VkExtensionProperties> device_extensions(count);
    VK_CHECK(vkEnumerateDeviceExtensionProperties(ctx.physical, nullptr, &count, device_extensions.data()));
    device_extensions.resize(count);
    if (!check(has_extension(device_extensions, VK_KHR_SWAPCHAIN_EXTENSION_NAME), "device extension VK_KHR_swapchain"))
        return 1;
    const float priority = 1.0f;
    VkDeviceQueueCreateInfo queue_info{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
    queue_info.queueFamilyIndex = ctx.family;
    queue_info.queueCount = 1;
    queue_info.pQueuePriorities = &priority;
    const char* device_extension = VK_KHR_SWAPCHAIN_EXTENSION_NAME;
    VkDeviceCreateInfo device_info{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
    device_info.queueCreateInfoCount = 1;
    device_info.pQueueCreateInfos = &queue_info;
    device_info.enabledExtensionCount = 1;
    device_info.ppEnabledExtensionNames = &device_extension;
    VkPhysicalDeviceTimelineSemaphoreFeatures timeline_features{
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_TIMELINE_SEMAPHORE_FEATURES};
    VkPhysicalDeviceFeatures2 features{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
    features.pNext = &timeline_features;
    if (properties.apiVersion >= VK_API_VERSION_1_2) vkGetPhysicalDeviceFeatures2(ctx.physical, &features);
    if (timeline_features.timelineSemaphore) {
        timeline_features.pNext = nullptr;
        device_info.pNext = &timeline_features;
        ctx.timelines = true;
    }
    VK_CHECK(vkCreateDevice(ctx.physical, &device_info, nullptr, &ctx.device));
    vkGetDeviceQueue(ctx.device, ctx.family, 0, &ctx.queue);
    VkCommandPoolCreateInfo pool_info{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
    pool_info.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
    pool_info.queueFamilyIndex = ctx.family;
    VK_CHECK(vkCreateCommandPool(ctx.device, &pool_info, nullptr, &ctx.pool));

    if (forever) return present_forever(ctx, surface);
    if (pattern) return show_pattern(ctx, surface, std::atof(args[1].c_str()));
    std::vector<VkPresentModeKHR> modes;
    check_surface_queries(ctx, surface, window, modes);
    for (VkPresentModeKHR mode :
         {VK_PRESENT_MODE_FIFO_KHR, VK_PRESENT_MODE_MAILBOX_KHR, VK_PRESENT_MODE_IMMEDIATE_KHR}) {
        if (std::find(modes.begin(), modes.end(), mode) != modes.end())
            check_present_mode(ctx, surface, mode);
        else
            std::printf("present %s: not offered\n", mode_name(mode));
    }
    check_acquire_timeouts(ctx, surface);
    check_acquire_beside_blocked_queue(ctx, surface);
    check_resize(ctx, surface, window);
    if (ctx.headless)
        check_headless(ctx);
    else
        std::printf("headless: VK_EXT_headless_surface not offered\n");

    vkDestroyCommandPool(ctx.device, ctx.pool, nullptr);
    vkDestroyDevice(ctx.device, nullptr);
    vkDestroySurfaceKHR(ctx.instance, surface, nullptr);
    vkDestroyInstance(ctx.instance, nullptr);
    if (failures) {
        std::fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    std::printf("all checks passed\n");
    return 0;
}
