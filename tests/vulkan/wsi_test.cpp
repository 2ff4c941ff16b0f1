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
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "WsiSupport.h"

using namespace wsi_test;

namespace {
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
