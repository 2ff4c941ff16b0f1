#pragma once
// Frames on a Wayland surface, through wl_shm. The compositor may read an
// attached wl_buffer until it releases it, while the swapchain reuses a
// frame's memory as soon as put() returns; so each frame is copied into a
// buffer of this output's own that the compositor has released (one copy
// of the frame, on the presenter thread). Events are dispatched on a queue
// of our own, so the application's event loop never sees them.

#include <wayland-client.h>

#include <memory>
#include <vector>

#include "icd/wsi/WindowOutput.h"

namespace rendersock::icd::wsi {

class WaylandOutput final : public WindowOutput {
public:
    // Null when the display offers no wl_shm.
    static std::unique_ptr<WaylandOutput> create(const Surface& surface, bool fifo);
    ~WaylandOutput() override;

    bool put(uint32_t index, const std::byte* pixels, uint32_t width, uint32_t height) override;
    // The swapchain's extent is the surface's size on Wayland.
    bool resized(uint32_t, uint32_t) const override { return false; }

private:
    struct Buffer {
        wl_buffer* buffer = nullptr;
        std::byte* memory = nullptr;
        size_t size = 0;
        uint32_t width = 0, height = 0;
        bool busy = false;  // attached, not yet released
    };

    explicit WaylandOutput(const Surface& surface, bool fifo);
    // Dispatches our queue's events, waiting up to `timeout_ms` for some:
    // -1 when the connection failed, 0 when none came, 1 otherwise.
    int dispatch(int timeout_ms);
    Buffer* free_buffer(uint32_t width, uint32_t height);
    Buffer* new_buffer(uint32_t width, uint32_t height);

    static void on_global(void* data, wl_registry* registry, uint32_t name, const char* interface, uint32_t version);
    static void on_global_remove(void*, wl_registry*, uint32_t) {}
    static void on_release(void* data, wl_buffer* buffer);
    static void on_frame_done(void* data, wl_callback* callback, uint32_t time);
    static const wl_registry_listener registry_listener_;
    static const wl_buffer_listener buffer_listener_;
    static const wl_callback_listener frame_listener_;

    wl_display* display_ = nullptr;
    wl_surface* app_surface_ = nullptr;
    wl_event_queue* queue_ = nullptr;
    wl_display* display_proxy_ = nullptr;  // the display, on our queue
    wl_surface* surface_proxy_ = nullptr;  // the surface, on our queue
    wl_registry* registry_ = nullptr;
    wl_shm* shm_ = nullptr;
    wl_callback* frame_ = nullptr;  // FIFO: the last frame's "shown" callback
    bool fifo_ = false;
    std::vector<std::unique_ptr<Buffer>> buffers_;
};

}  // namespace rendersock::icd::wsi
