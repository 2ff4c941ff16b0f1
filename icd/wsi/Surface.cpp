// Surface creation and the surface queries. Images are presented by copying
// them into shared memory and putting the pixels on the window, so any
// queue family that can copy presents, and the formats offered are the
// 32-bit BGRA layouts an X server's depth-24/32 visuals take as they are.
#include "icd/wsi/Surface.h"

#include <X11/Xlib-xcb.h>
#include <vulkan/vulkan_xcb.h>
#include <vulkan/vulkan_xlib.h>

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

}  // namespace rendersock::icd::wsi
