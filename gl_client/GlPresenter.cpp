#include "gl_client/GlPresenter.h"

#include <sys/mman.h>
#include <unistd.h>
#include <xcb/shm.h>
#include <xcb/xcb.h>

#include <bit>
#include <cstdlib>
#include <cstring>

#include "gl_client/GlContext.h"
#include "wire/Log.h"

// Last: Xlib defines macros (None, Status, Bool) other headers use as names.
#include <X11/Xlib-xcb.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>

namespace rendersock::gl_client {

X11Connection::~X11Connection() {
    if (owned && display) XCloseDisplay(display);
}

std::unique_ptr<X11Connection> X11Connection::borrow(XDisplay* display) {
    if (!display) return nullptr;
    auto connection = std::make_unique<X11Connection>();
    connection->display = display;
    return connection;
}

std::unique_ptr<X11Connection> X11Connection::open() {
    XDisplay* display = XOpenDisplay(nullptr);
    if (!display) return nullptr;
    auto connection = std::make_unique<X11Connection>();
    connection->display = display;
    connection->owned = true;
    return connection;
}

Presenter::Presenter(XDisplay* display, unsigned long window) : display_(display), window_(window) {
    XWindowAttributes attributes{};
    if (XGetWindowAttributes(display_, window_, &attributes)) {
        depth_ = attributes.depth;
        visual_ = attributes.visual;
    }
    gc_ = XCreateGC(display_, window_, 0, nullptr);
}

Presenter::~Presenter() {
    release_segment();
    if (gc_) XFreeGC(display_, static_cast<GC>(gc_));
}

bool Presenter::window_size(int32_t& width, int32_t& height) {
    ::Window root;
    int x, y;
    unsigned int w = 0, h = 0, border, depth;
    if (!XGetGeometry(display_, window_, &root, &x, &y, &w, &h, &border, &depth)) return false;
    width = static_cast<int32_t>(w);
    height = static_cast<int32_t>(h);
    return true;
}

bool Presenter::present(GlContext& context, uint32_t surface, int32_t width, int32_t height) {
    if (width <= 0 || height <= 0) return true;
    const uint64_t stride = uint64_t(width) * 4;
    const uint64_t size = stride * uint64_t(height);
    const bool presented = context.with_server([&] {
        if (!blob_ || blob_->size() < size || blob_context_ != &context) {
            blob_.reset();
            const uint64_t rounded = (size + 65535) & ~uint64_t{65535};
            blob_ = std::make_unique<client::Blob>(context.transport(), rounded,
                                                   static_cast<uint32_t>(client::fb::BlobFlags::Mappable));
            blob_context_ = &context;
        }
    });
    // (present() loses the context itself when the server is gone.)
    if (!presented || !context.present(surface, blob_->id(), width, height, stride)) return false;
    if (!blob_->is_shared() && !context.with_server([&] { blob_->invalidate(0, size); })) return false;
    return put(width, height, blob_->data(), stride);
}

namespace {
int shift_of(unsigned long mask) { return mask ? std::countr_zero(mask) : 0; }
}  // namespace

void Presenter::convert(int32_t width, int32_t height, const std::byte* rgba, uint64_t stride, uint32_t* out) {
    auto* visual = static_cast<Visual*>(visual_);
    const int red = visual ? shift_of(visual->red_mask) : 16;
    const int green = visual ? shift_of(visual->green_mask) : 8;
    const int blue = visual ? shift_of(visual->blue_mask) : 0;
    for (int32_t y = 0; y < height; ++y) {
        const auto* row = reinterpret_cast<const uint8_t*>(rgba + uint64_t(height - 1 - y) * stride);
        uint32_t* line = out + size_t(y) * size_t(width);
        for (int32_t x = 0; x < width; ++x) {
            const uint8_t* p = row + x * 4;
            line[x] = (uint32_t{p[0]} << red) | (uint32_t{p[1]} << green) | (uint32_t{p[2]} << blue) |
                      (depth_ == 32 ? uint32_t{p[3]} << 24 : 0);
        }
    }
}

uint32_t* Presenter::shared_pixels(uint64_t bytes) {
    if (!shm_usable_) return nullptr;
    if (segment_ && segment_bytes_ >= bytes) return static_cast<uint32_t*>(segment_memory_);
    release_segment();
    xcb_connection_t* connection = XGetXCBConnection(display_);
    const xcb_query_extension_reply_t* shm = xcb_get_extension_data(connection, &xcb_shm_id);
    const int fd = shm && shm->present ? memfd_create("rendersock-gl-window", MFD_CLOEXEC) : -1;
    const uint64_t rounded = (bytes + 65535) & ~uint64_t{65535};
    void* memory = MAP_FAILED;
    if (fd >= 0 && ftruncate(fd, static_cast<off_t>(rounded)) == 0)
        memory = mmap(nullptr, rounded, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (memory == MAP_FAILED) {
        if (fd >= 0) close(fd);
        shm_usable_ = false;
        return nullptr;
    }
    // xcb closes the fd it sends; the mapping keeps the memory.
    const uint32_t segment = xcb_generate_id(connection);
    xcb_generic_error_t* error = xcb_request_check(connection, xcb_shm_attach_fd_checked(connection, segment, fd, 1));
    if (error) {
        free(error);
        munmap(memory, rounded);
        shm_usable_ = false;
        RS_DEBUG("the X server takes no MIT-SHM segment from us: window frames go by XPutImage");
        return nullptr;
    }
    RS_DEBUG("window frames go through a MIT-SHM segment of %llu bytes", static_cast<unsigned long long>(rounded));
    segment_ = segment;
    segment_memory_ = memory;
    segment_bytes_ = rounded;
    return static_cast<uint32_t*>(memory);
}

void Presenter::release_segment() {
    if (!segment_) return;
    xcb_connection_t* connection = XGetXCBConnection(display_);
    xcb_shm_detach(connection, segment_);
    xcb_flush(connection);
    munmap(segment_memory_, segment_bytes_);
    segment_ = 0;
    segment_memory_ = nullptr;
    segment_bytes_ = 0;
}

bool Presenter::put(int32_t width, int32_t height, const std::byte* rgba, uint64_t stride) {
    const uint64_t bytes = uint64_t(width) * uint64_t(height) * 4;
    if (uint32_t* shared = shared_pixels(bytes)) {
        convert(width, height, rgba, stride, shared);
        return put_shared(width, height);
    }
    pixels_.resize(size_t(width) * size_t(height));
    convert(width, height, rgba, stride, pixels_.data());
    return put_image(width, height);
}

// The segment is written again next frame: the round trip at the end makes
// sure the X server has taken these pixels first.
bool Presenter::put_shared(int32_t width, int32_t height) {
    xcb_connection_t* connection = XGetXCBConnection(display_);
    XFlush(display_);  // Xlib's requests before ours
    xcb_shm_put_image(connection, static_cast<xcb_drawable_t>(window_),
                      static_cast<xcb_gcontext_t>(XGContextFromGC(static_cast<GC>(gc_))),
                      static_cast<uint16_t>(width), static_cast<uint16_t>(height), 0, 0,
                      static_cast<uint16_t>(width), static_cast<uint16_t>(height), 0, 0,
                      static_cast<uint8_t>(depth_), XCB_IMAGE_FORMAT_Z_PIXMAP, 0, segment_, 0);
    xcb_generic_error_t* error = nullptr;
    free(xcb_get_input_focus_reply(connection, xcb_get_input_focus(connection), &error));
    if (error) {
        free(error);
        return false;
    }
    return xcb_connection_has_error(connection) == 0;
}

bool Presenter::put_image(int32_t width, int32_t height) {
    auto* visual = static_cast<Visual*>(visual_);
    XImage* image = XCreateImage(display_, visual, static_cast<unsigned>(depth_), ZPixmap, 0,
                                 reinterpret_cast<char*>(pixels_.data()), static_cast<unsigned>(width),
                                 static_cast<unsigned>(height), 32, 0);
    if (!image) return false;
    XPutImage(display_, window_, static_cast<GC>(gc_), image, 0, 0, 0, 0, static_cast<unsigned>(width),
              static_cast<unsigned>(height));
    image->data = nullptr;
    XDestroyImage(image);
    XFlush(display_);
    return true;
}

}  // namespace rendersock::gl_client
