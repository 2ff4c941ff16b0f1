#include "gl_client/GlPresenter.h"

#include <bit>
#include <cstring>

#include "gl_client/GlContext.h"

// Last: Xlib defines macros (None, Status, Bool) other headers use as names.
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

bool Presenter::put(int32_t width, int32_t height, const std::byte* rgba, uint64_t stride) {
    auto* visual = static_cast<Visual*>(visual_);
    const int red = visual ? shift_of(visual->red_mask) : 16;
    const int green = visual ? shift_of(visual->green_mask) : 8;
    const int blue = visual ? shift_of(visual->blue_mask) : 0;
    pixels_.resize(size_t(width) * size_t(height));
    for (int32_t y = 0; y < height; ++y) {
        const auto* row = reinterpret_cast<const uint8_t*>(rgba + uint64_t(height - 1 - y) * stride);
        uint32_t* out = pixels_.data() + size_t(y) * size_t(width);
        for (int32_t x = 0; x < width; ++x) {
            const uint8_t* p = row + x * 4;
            out[x] = (uint32_t{p[0]} << red) | (uint32_t{p[1]} << green) | (uint32_t{p[2]} << blue) |
                     (depth_ == 32 ? uint32_t{p[3]} << 24 : 0);
        }
    }
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
