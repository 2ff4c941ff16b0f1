// Surface creation and the surface queries. Images are presented by copying
// them into shared memory and putting the pixels on the window, so any
// queue family that can copy presents, and the formats offered are the
// 32-bit BGRA layouts an X server's depth-24/32 visuals and wl_shm's
// XRGB8888 take as they are. A Wayland surface has no size of its own: the
// swapchain's extent decides it (currentExtent 0xFFFFFFFF).
#include "icd/wsi/Surface.h"

#include <X11/Xlib-xcb.h>
#include <vulkan/vulkan_xcb.h>
#include <vulkan/vulkan_xlib.h>
#include <wayland-client.h>
#include <vulkan/vulkan_wayland.h>

#include <algorithm>
#include <iterator>
#include <memory>
#include <vector>

#include "icd/wsi/WsiDispatch.h"
#include "icd/wsi/XlibDispatch.h"

namespace rendersock::icd::wsi {

namespace {

constexpr uint32_t kMinImages = 2;
constexpr uint32_t kMaxImages = 8;
constexpr VkFormat kFormats[] = {VK_FORMAT_B8G8R8A8_UNORM, VK_FORMAT_B8G8R8A8_SRGB};
constexpr VkPresentModeKHR kPresentModes[] = {VK_PRESENT_MODE_FIFO_KHR, VK_PRESENT_MODE_MAILBOX_KHR,
                                             VK_PRESENT_MODE_IMMEDIATE_KHR};

VkSurfaceKHR publish(std::unique_ptr<Surface> surface) {
    return reinterpret_cast<VkSurfaceKHR>(surface.release());
}

template <typename T>
VkResult fill(const T* items, uint32_t available, uint32_t* count, T* out) {
    if (!out) {
        *count = available;
        return VK_SUCCESS;
    }
    const uint32_t n = std::min(*count, available);
    for (uint32_t i = 0; i < n; ++i) out[i] = items[i];
    *count = n;
    return n < available ? VK_INCOMPLETE : VK_SUCCESS;
}

}  // namespace

bool window_extent(const Surface& surface, VkExtent2D& extent) {
    if (surface.kind != Surface::Kind::Xcb) return false;
    xcb_get_geometry_reply_t* geometry =
        xcb_get_geometry_reply(surface.connection, xcb_get_geometry(surface.connection, surface.window), nullptr);
    if (!geometry) return false;
    extent = {geometry->width, geometry->height};
    free(geometry);
    return true;
}

VKAPI_ATTR VkResult VKAPI_CALL CreateXcbSurfaceKHR(VkInstance, const VkXcbSurfaceCreateInfoKHR* info,
                                                   const VkAllocationCallbacks*, VkSurfaceKHR* out) {
    auto surface = std::make_unique<Surface>();
    surface->kind = Surface::Kind::Xcb;
    surface->connection = info->connection;
    surface->window = info->window;
    *out = publish(std::move(surface));
    return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL CreateXlibSurfaceKHR(VkInstance, const VkXlibSurfaceCreateInfoKHR* info,
                                                    const VkAllocationCallbacks*, VkSurfaceKHR* out) {
    // Xlib windows are drawn through the display's own xcb connection.
    auto surface = std::make_unique<Surface>();
    surface->kind = Surface::Kind::Xcb;
    surface->connection = XGetXCBConnection(info->dpy);
    surface->window = static_cast<xcb_window_t>(info->window);
    *out = publish(std::move(surface));
    return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL CreateWaylandSurfaceKHR(VkInstance, const VkWaylandSurfaceCreateInfoKHR* info,
                                                       const VkAllocationCallbacks*, VkSurfaceKHR* out) {
    auto surface = std::make_unique<Surface>();
    surface->kind = Surface::Kind::Wayland;
    surface->display = info->display;
    surface->surface = info->surface;
    *out = publish(std::move(surface));
    return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL CreateHeadlessSurfaceEXT(VkInstance, const VkHeadlessSurfaceCreateInfoEXT*,
                                                        const VkAllocationCallbacks*, VkSurfaceKHR* out) {
    auto surface = std::make_unique<Surface>();
    surface->kind = Surface::Kind::Headless;
    *out = publish(std::move(surface));
    return VK_SUCCESS;
}

VKAPI_ATTR void VKAPI_CALL DestroySurfaceKHR(VkInstance, VkSurfaceKHR surface, const VkAllocationCallbacks*) {
    delete surface_of(surface);
}

VKAPI_ATTR VkResult VKAPI_CALL GetPhysicalDeviceSurfaceSupportKHR(VkPhysicalDevice, uint32_t,
                                                                  VkSurfaceKHR, VkBool32* supported) {
    *supported = VK_TRUE;
    return VK_SUCCESS;
}

VKAPI_ATTR VkBool32 VKAPI_CALL GetPhysicalDeviceXcbPresentationSupportKHR(VkPhysicalDevice, uint32_t,
                                                                          xcb_connection_t*, xcb_visualid_t) {
    return VK_TRUE;
}

VKAPI_ATTR VkBool32 VKAPI_CALL GetPhysicalDeviceWaylandPresentationSupportKHR(VkPhysicalDevice, uint32_t,
                                                                              wl_display*) {
    return VK_TRUE;
}

VKAPI_ATTR VkBool32 VKAPI_CALL GetPhysicalDeviceXlibPresentationSupportKHR(VkPhysicalDevice, uint32_t,
                                                                           Display*, VisualID) {
    return VK_TRUE;
}

VKAPI_ATTR VkResult VKAPI_CALL GetPhysicalDeviceSurfaceCapabilitiesKHR(VkPhysicalDevice, VkSurfaceKHR handle,
                                                                       VkSurfaceCapabilitiesKHR* caps) {
    const Surface& surface = *surface_of(handle);
    *caps = {};
    caps->minImageCount = kMinImages;
    caps->maxImageCount = kMaxImages;
    VkExtent2D extent{};
    if (window_extent(surface, extent)) {
        caps->currentExtent = extent;
    } else if (surface.kind == Surface::Kind::Xcb) {
        return VK_ERROR_SURFACE_LOST_KHR;
    } else {
        caps->currentExtent = {0xFFFFFFFF, 0xFFFFFFFF};  // the swapchain decides
    }
    caps->minImageExtent = {1, 1};
    caps->maxImageExtent = {16384, 16384};
    caps->maxImageArrayLayers = 1;
    caps->supportedTransforms = VK_SURFACE_TRANSFORM_IDENTITY_BIT_KHR;
    caps->currentTransform = VK_SURFACE_TRANSFORM_IDENTITY_BIT_KHR;
    caps->supportedCompositeAlpha = VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR | VK_COMPOSITE_ALPHA_INHERIT_BIT_KHR;
    caps->supportedUsageFlags = VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT |
                                VK_IMAGE_USAGE_TRANSFER_DST_BIT | VK_IMAGE_USAGE_SAMPLED_BIT |
                                VK_IMAGE_USAGE_STORAGE_BIT;
    return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL GetPhysicalDeviceSurfaceFormatsKHR(VkPhysicalDevice, VkSurfaceKHR,
                                                                  uint32_t* count, VkSurfaceFormatKHR* out) {
    VkSurfaceFormatKHR formats[std::size(kFormats)];
    for (size_t i = 0; i < std::size(kFormats); ++i)
        formats[i] = {kFormats[i], VK_COLOR_SPACE_SRGB_NONLINEAR_KHR};
    return fill(formats, static_cast<uint32_t>(std::size(formats)), count, out);
}

VKAPI_ATTR VkResult VKAPI_CALL GetPhysicalDeviceSurfacePresentModesKHR(VkPhysicalDevice, VkSurfaceKHR,
                                                                       uint32_t* count, VkPresentModeKHR* out) {
    return fill(kPresentModes, static_cast<uint32_t>(std::size(kPresentModes)), count, out);
}

// Device groups (VK_KHR_swapchain on Vulkan 1.1, VK_KHR_device_group with
// VK_KHR_surface): the device is never part of a larger group, so it presents
// its own images, to the whole window.

VKAPI_ATTR VkResult VKAPI_CALL GetDeviceGroupPresentCapabilitiesKHR(VkDevice,
                                                                    VkDeviceGroupPresentCapabilitiesKHR* caps) {
    std::fill(std::begin(caps->presentMask), std::end(caps->presentMask), 0u);
    caps->presentMask[0] = 1;  // device 0 presents its own images
    caps->modes = VK_DEVICE_GROUP_PRESENT_MODE_LOCAL_BIT_KHR;
    return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL GetDeviceGroupSurfacePresentModesKHR(VkDevice, VkSurfaceKHR handle,
                                                                    VkDeviceGroupPresentModeFlagsKHR* modes) {
    const Surface& surface = *surface_of(handle);
    VkExtent2D extent{};
    if (surface.kind == Surface::Kind::Xcb && !window_extent(surface, extent)) return VK_ERROR_SURFACE_LOST_KHR;
    *modes = VK_DEVICE_GROUP_PRESENT_MODE_LOCAL_BIT_KHR;
    return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL GetPhysicalDevicePresentRectanglesKHR(VkPhysicalDevice, VkSurfaceKHR handle,
                                                                     uint32_t* count, VkRect2D* out) {
    const Surface& surface = *surface_of(handle);
    VkRect2D whole{{0, 0}, {0xFFFFFFFF, 0xFFFFFFFF}};  // headless: no size of its own
    if (surface.kind == Surface::Kind::Xcb && !window_extent(surface, whole.extent)) return VK_ERROR_SURFACE_LOST_KHR;
    return fill(&whole, 1, count, out);
}

}  // namespace rendersock::icd::wsi
