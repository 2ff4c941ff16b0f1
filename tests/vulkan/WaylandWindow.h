#pragma once
// A toplevel window of the test's own on a Wayland compositor ($WAYLAND_DISPLAY),
// through xdg-shell (code generated at build time by wayland-scanner from
// wayland-protocols' xdg-shell.xml), configured and ready for a Vulkan surface.

#include <wayland-client.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "xdg-shell-client-protocol.h"

class WaylandWindow {
public:
    WaylandWindow() {
        display_ = wl_display_connect(nullptr);
        if (!display_) {
            std::fprintf(stderr, "cannot connect to the Wayland compositor ($WAYLAND_DISPLAY=%s)\n",
                         std::getenv("WAYLAND_DISPLAY") ? std::getenv("WAYLAND_DISPLAY") : "");
            std::exit(1);
        }
        registry_ = wl_display_get_registry(display_);
        wl_registry_add_listener(registry_, &kRegistryListener, this);
        wl_display_roundtrip(display_);
        if (!compositor_ || !wm_base_) {
            std::fprintf(stderr, "the compositor offers no wl_compositor or xdg_wm_base\n");
            std::exit(1);
        }
        surface_ = wl_compositor_create_surface(compositor_);
        xdg_surface_ = xdg_wm_base_get_xdg_surface(wm_base_, surface_);
        xdg_surface_add_listener(xdg_surface_, &kXdgSurfaceListener, this);
        toplevel_ = xdg_surface_get_toplevel(xdg_surface_);
        xdg_toplevel_set_title(toplevel_, "wsi_test");
        wl_surface_commit(surface_);
        while (!configured_ && wl_display_dispatch(display_) >= 0) {
        }
    }
    ~WaylandWindow() {
        xdg_toplevel_destroy(toplevel_);
        xdg_surface_destroy(xdg_surface_);
        wl_surface_destroy(surface_);
        xdg_wm_base_destroy(wm_base_);
        wl_compositor_destroy(compositor_);
        wl_registry_destroy(registry_);
        wl_display_disconnect(display_);
    }
    WaylandWindow(const WaylandWindow&) = delete;
    WaylandWindow& operator=(const WaylandWindow&) = delete;

    wl_display* display() const { return display_; }
    wl_surface* surface() const { return surface_; }
    // Answers the compositor's pings and configures that came meanwhile.
    void dispatch_pending() const { wl_display_dispatch_pending(display_); }

private:
    static void on_global(void* data, wl_registry* registry, uint32_t name, const char* interface, uint32_t) {
        auto* self = static_cast<WaylandWindow*>(data);
        if (std::strcmp(interface, wl_compositor_interface.name) == 0)
            self->compositor_ = static_cast<wl_compositor*>(wl_registry_bind(registry, name, &wl_compositor_interface, 4));
        else if (std::strcmp(interface, xdg_wm_base_interface.name) == 0) {
            self->wm_base_ = static_cast<xdg_wm_base*>(wl_registry_bind(registry, name, &xdg_wm_base_interface, 1));
            xdg_wm_base_add_listener(self->wm_base_, &kWmBaseListener, self);
        }
    }
    static void on_global_remove(void*, wl_registry*, uint32_t) {}
    static void on_ping(void*, xdg_wm_base* base, uint32_t serial) { xdg_wm_base_pong(base, serial); }
    static void on_configure(void* data, xdg_surface* surface, uint32_t serial) {
        xdg_surface_ack_configure(surface, serial);
        static_cast<WaylandWindow*>(data)->configured_ = true;
    }
    static constexpr wl_registry_listener kRegistryListener = {&on_global, &on_global_remove};
    static constexpr xdg_wm_base_listener kWmBaseListener = {&on_ping};
    static constexpr xdg_surface_listener kXdgSurfaceListener = {&on_configure};

    wl_display* display_ = nullptr;
    wl_registry* registry_ = nullptr;
    wl_compositor* compositor_ = nullptr;
    xdg_wm_base* wm_base_ = nullptr;
    wl_surface* surface_ = nullptr;
    xdg_surface* xdg_surface_ = nullptr;
    xdg_toplevel* toplevel_ = nullptr;
    bool configured_ = false;
};
