#pragma once
// Surfaces live only in the client: the server never sees a window. A
// VkSurfaceKHR is a pointer to one of these.

#include <vulkan/vulkan.h>
#include <xcb/xcb.h>

#include <cstdint>

struct wl_display;
struct wl_surface;

namespace rendersock::icd::wsi {

struct Surface {
    enum class Kind { Xcb, Wayland, Headless };
    Kind kind;
    xcb_connection_t* connection = nullptr;
    xcb_window_t window = 0;
    wl_display* display = nullptr;
    wl_surface* surface = nullptr;
};

inline Surface* surface_of(VkSurfaceKHR handle) { return reinterpret_cast<Surface*>(handle); }

// The window's current size, or false when it is gone (or headless).
bool window_extent(const Surface& surface, VkExtent2D& extent);

}  // namespace rendersock::icd::wsi
