#pragma once
// Puts a surface's frames in an X11 window: the host reads the surface into
// a shared blob (bottom row first, RGBA), the client turns it into the
// window's pixel order and hands it to the X server, through MIT-SHM where
// the X server shares memory with us, else with XPutImage.

#include <cstdint>
#include <memory>
#include <vector>

#include "wire/client/Blob.h"

// Xlib's Display, without Xlib's macros (they clash with generated code).
struct _XDisplay;

namespace rendersock::gl_client {

class GlContext;
using XDisplay = ::_XDisplay;

// An Xlib display the presenter draws on: the application's (EGL X11
// platform, GLX), or one we open (EGL default display with $DISPLAY).
struct X11Connection {
    XDisplay* display = nullptr;
    bool owned = false;
    ~X11Connection();
    static std::unique_ptr<X11Connection> borrow(XDisplay* display);
    static std::unique_ptr<X11Connection> open();
};

class Presenter {
public:
    Presenter(XDisplay* display, unsigned long window);
    ~Presenter();
    // The window's current size (a round trip to the X server).
    bool window_size(int32_t& width, int32_t& height);
    // Presents the current frame of `surface` (current in `context`).
    bool present(GlContext& context, uint32_t surface, int32_t width, int32_t height);

private:
    bool put(int32_t width, int32_t height, const std::byte* rgba_bottom_up, uint64_t stride);
    // Turns the host's bottom-up RGBA rows into the window's pixels.
    void convert(int32_t width, int32_t height, const std::byte* rgba_bottom_up, uint64_t stride, uint32_t* out);
    // A MIT-SHM segment of at least `bytes` (a memfd the X server maps), or
    // null where the X server cannot share memory with us (remote, no
    // MIT-SHM 1.2): then XPutImage carries the pixels.
    uint32_t* shared_pixels(uint64_t bytes);
    void release_segment();
    bool put_shared(int32_t width, int32_t height);
    bool put_image(int32_t width, int32_t height);

    XDisplay* display_;
    unsigned long window_;
    void* gc_ = nullptr;
    std::unique_ptr<client::Blob> blob_;
    GlContext* blob_context_ = nullptr;
    std::vector<uint32_t> pixels_;
    int depth_ = 24;
    void* visual_ = nullptr;
    bool shm_usable_ = true;     // until an attach fails
    uint32_t segment_ = 0;       // MIT-SHM segment id, 0 if none
    void* segment_memory_ = nullptr;
    uint64_t segment_bytes_ = 0;
};

}  // namespace rendersock::gl_client
