#include "gl_client/egl/EglObjects.h"

#include <algorithm>
#include <atomic>

#include "gl_client/GlConnection.h"

#include <X11/Xlib.h>
#include <X11/Xutil.h>

namespace rendersock::gl_client::egl {

namespace {

std::atomic<uint32_t> next_surface_id{1};
constexpr EGLint kMaxPbuffer = 16384;
constexpr int kMaxGlMajor = 4, kMaxGlMinor = 3;

std::mutex displays_mutex;
std::vector<std::unique_ptr<Display>>& displays() {
    static std::vector<std::unique_ptr<Display>> list;
    return list;
}

bool window_capable(const wire::gl::GlConfig& c) {
    return c.red == 8 && c.green == 8 && c.blue == 8 && c.samples == 0;
}

}  // namespace

// ---- Surface ----

Surface::Surface(Kind kind, uint32_t id, size_t config, int32_t width, int32_t height)
    : kind_(kind), id_(id), config_(config), width_(width), height_(height) {}

bool Surface::query(EGLint attribute, EGLint& value) const {
    switch (attribute) {
        case EGL_WIDTH: value = width_; return true;
        case EGL_HEIGHT: value = height_; return true;
        case EGL_CONFIG_ID: value = static_cast<EGLint>(config_ + 1); return true;
        case EGL_RENDER_BUFFER: value = kind_ == Kind::Window ? EGL_BACK_BUFFER : EGL_BACK_BUFFER; return true;
        case EGL_SWAP_BEHAVIOR: value = EGL_BUFFER_DESTROYED; return true;
        case EGL_LARGEST_PBUFFER: case EGL_MIPMAP_TEXTURE: case EGL_MIPMAP_LEVEL: value = 0; return true;
        case EGL_TEXTURE_FORMAT: case EGL_TEXTURE_TARGET: value = EGL_NO_TEXTURE; return true;
        case EGL_MULTISAMPLE_RESOLVE: value = EGL_MULTISAMPLE_RESOLVE_DEFAULT; return true;
        case EGL_HORIZONTAL_RESOLUTION: case EGL_VERTICAL_RESOLUTION: case EGL_PIXEL_ASPECT_RATIO:
            value = EGL_UNKNOWN; return true;
        default: return false;
    }
}

// ---- Display ----

EGLDisplay Display::get(Kind kind, void* native) {
    std::lock_guard lock(displays_mutex);
    for (auto& display : displays())
        if (display->kind_ == kind && display->native_ == native) return display.get();
    displays().push_back(std::unique_ptr<Display>(new Display(kind, native)));
    return displays().back().get();
}

Display* Display::from(EGLDisplay handle) {
    std::lock_guard lock(displays_mutex);
    for (auto& display : displays())
        if (display.get() == handle) return display.get();
    return nullptr;
}

bool Display::initialize() {
    std::lock_guard lock(mutex_);
    if (host_) return true;
    host_ = gl_host();
    if (!host_) return false;
    vendor_ = "rendersock (host: " + host_->egl_vendor + ")";
    if (kind_ == Kind::X11)
        x11_ = X11Connection::borrow(static_cast<XDisplay*>(native_));
    else if (kind_ == Kind::Default && std::getenv("DISPLAY"))
        x11_ = X11Connection::open();
    return true;
}

const std::vector<wire::gl::GlConfig>& Display::configs() const { return host_->configs; }

std::optional<size_t> Display::index_of(EGLConfig config) const {
    const auto value = reinterpret_cast<uintptr_t>(config);
    if (!host_ || value == 0 || value > host_->configs.size()) return std::nullopt;
    return value - 1;
}

bool Display::attribute(size_t index, EGLint attribute, EGLint& value) const {
    const auto& c = host_->configs[index];
    const bool window = has_windows() && window_capable(c);
    switch (attribute) {
        case EGL_BUFFER_SIZE: value = EGLint(c.red + c.green + c.blue + c.alpha); return true;
        case EGL_RED_SIZE: value = EGLint(c.red); return true;
        case EGL_GREEN_SIZE: value = EGLint(c.green); return true;
        case EGL_BLUE_SIZE: value = EGLint(c.blue); return true;
        case EGL_ALPHA_SIZE: value = EGLint(c.alpha); return true;
        case EGL_DEPTH_SIZE: value = EGLint(c.depth); return true;
        case EGL_STENCIL_SIZE: value = EGLint(c.stencil); return true;
        case EGL_SAMPLES: value = EGLint(c.samples); return true;
        case EGL_SAMPLE_BUFFERS: value = c.samples ? 1 : 0; return true;
        case EGL_CONFIG_ID: value = EGLint(index + 1); return true;
        case EGL_RENDERABLE_TYPE: case EGL_CONFORMANT: value = EGLint(c.renderable); return true;
        case EGL_SURFACE_TYPE: value = EGL_PBUFFER_BIT | (window ? EGL_WINDOW_BIT : 0); return true;
        case EGL_COLOR_BUFFER_TYPE: value = EGL_RGB_BUFFER; return true;
        case EGL_CONFIG_CAVEAT: value = EGL_NONE; return true;
        case EGL_NATIVE_RENDERABLE: value = EGL_FALSE; return true;
        case EGL_NATIVE_VISUAL_ID:
            value = window ? EGLint(XVisualIDFromVisual(DefaultVisual(x11_->display, DefaultScreen(x11_->display))))
                           : 0;
            return true;
        case EGL_NATIVE_VISUAL_TYPE: value = window ? TrueColor : EGL_NONE; return true;
        case EGL_LEVEL: case EGL_LUMINANCE_SIZE: case EGL_ALPHA_MASK_SIZE: case EGL_MIN_SWAP_INTERVAL:
        case EGL_TRANSPARENT_RED_VALUE: case EGL_TRANSPARENT_GREEN_VALUE: case EGL_TRANSPARENT_BLUE_VALUE:
        case EGL_BIND_TO_TEXTURE_RGB: case EGL_BIND_TO_TEXTURE_RGBA:
            value = 0; return true;
        case EGL_MAX_SWAP_INTERVAL: value = 1; return true;
        case EGL_TRANSPARENT_TYPE: value = EGL_NONE; return true;
        case EGL_MAX_PBUFFER_WIDTH: case EGL_MAX_PBUFFER_HEIGHT: value = kMaxPbuffer; return true;
        case EGL_MAX_PBUFFER_PIXELS: value = kMaxPbuffer * kMaxPbuffer; return true;
        default: return false;
    }
}

// eglChooseConfig: the spec's matching rules and sort order.
bool Display::choose(const EGLint* attributes, std::vector<size_t>& chosen) const {
    std::map<EGLint, EGLint> wanted = {{EGL_SURFACE_TYPE, EGL_WINDOW_BIT},
                                       {EGL_RENDERABLE_TYPE, EGL_OPENGL_ES_BIT},
                                       {EGL_COLOR_BUFFER_TYPE, EGL_RGB_BUFFER}};
    for (const EGLint* a = attributes; a && a[0] != EGL_NONE; a += 2) wanted[a[0]] = a[1];
    const auto& all = host_->configs;
    auto id = wanted.find(EGL_CONFIG_ID);
    if (id != wanted.end() && id->second != EGL_DONT_CARE) {
        if (id->second >= 1 && size_t(id->second) <= all.size()) chosen.push_back(size_t(id->second - 1));
        return true;
    }
    for (size_t i = 0; i < all.size(); ++i) {
        bool match = true;
        for (auto [name, value] : wanted) {
            if (value == EGL_DONT_CARE) continue;
            if (name == EGL_MAX_PBUFFER_WIDTH || name == EGL_MAX_PBUFFER_HEIGHT || name == EGL_MAX_PBUFFER_PIXELS)
                continue;
            EGLint have = 0;
            if (!attribute(i, name, have)) return false;
            switch (name) {
                case EGL_SURFACE_TYPE: case EGL_RENDERABLE_TYPE: case EGL_CONFORMANT:
                    match = (have & value) == value; break;
                case EGL_BUFFER_SIZE: case EGL_RED_SIZE: case EGL_GREEN_SIZE: case EGL_BLUE_SIZE:
                case EGL_ALPHA_SIZE: case EGL_DEPTH_SIZE: case EGL_STENCIL_SIZE: case EGL_SAMPLES:
                case EGL_SAMPLE_BUFFERS: case EGL_LUMINANCE_SIZE: case EGL_ALPHA_MASK_SIZE:
                    match = have >= value; break;
                default:
                    match = have == value; break;
            }
            if (!match) break;
        }
        if (match) chosen.push_back(i);
    }
    auto requested = [&](EGLint name) {
        auto it = wanted.find(name);
        return it != wanted.end() && it->second != 0 && it->second != EGL_DONT_CARE;
    };
    auto color_bits = [&](size_t i) {
        const auto& c = all[i];
        return (requested(EGL_RED_SIZE) ? c.red : 0) + (requested(EGL_GREEN_SIZE) ? c.green : 0) +
               (requested(EGL_BLUE_SIZE) ? c.blue : 0) + (requested(EGL_ALPHA_SIZE) ? c.alpha : 0);
    };
    std::stable_sort(chosen.begin(), chosen.end(), [&](size_t a, size_t b) {
        const auto& x = all[a];
        const auto& y = all[b];
        if (color_bits(a) != color_bits(b)) return color_bits(a) > color_bits(b);
        const uint32_t size_x = x.red + x.green + x.blue + x.alpha;
        const uint32_t size_y = y.red + y.green + y.blue + y.alpha;
        if (size_x != size_y) return size_x < size_y;
        if ((x.samples > 0) != (y.samples > 0)) return x.samples < y.samples;
        if (x.samples != y.samples) return x.samples < y.samples;
        if (x.depth != y.depth) return x.depth < y.depth;
        if (x.stencil != y.stencil) return x.stencil < y.stencil;
        return a < b;
    });
    return true;
}

GlContext* Display::context(EGLContext handle) {
    auto it = contexts_.find(static_cast<GlContext*>(handle));
    return it == contexts_.end() ? nullptr : it->first;
}

EGLContext Display::create_context(EGLConfig config, EGLContext share, const EGLint* attributes, EGLenum api,
                                   EGLint& error) {
    std::lock_guard lock(mutex_);
    GlContext::Attributes a;
    a.api = api == EGL_OPENGL_API ? GlContext::Api::OpenGL : GlContext::Api::OpenGLES;
    a.profile = a.api == GlContext::Api::OpenGL ? EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT : 0;
    for (const EGLint* at = attributes; at && at[0] != EGL_NONE; at += 2) {
        switch (at[0]) {
            case EGL_CONTEXT_MAJOR_VERSION: a.major = at[1]; break;
            case EGL_CONTEXT_MINOR_VERSION: a.minor = at[1]; break;
            case EGL_CONTEXT_OPENGL_PROFILE_MASK: a.profile = at[1]; break;
            case EGL_CONTEXT_FLAGS_KHR: a.flags |= at[1]; break;
            case EGL_CONTEXT_OPENGL_DEBUG: if (at[1]) a.flags |= EGL_CONTEXT_OPENGL_DEBUG_BIT_KHR; break;
            case EGL_CONTEXT_OPENGL_FORWARD_COMPATIBLE:
                if (at[1]) a.flags |= EGL_CONTEXT_OPENGL_FORWARD_COMPATIBLE_BIT_KHR;
                break;
            case EGL_CONTEXT_OPENGL_ROBUST_ACCESS: case EGL_CONTEXT_OPENGL_RESET_NOTIFICATION_STRATEGY:
            case EGL_CONTEXT_OPENGL_NO_ERROR_KHR:
                break;
            default: error = EGL_BAD_ATTRIBUTE; return EGL_NO_CONTEXT;
        }
    }
    if (a.api == GlContext::Api::OpenGLES && a.major < 2) {
        error = EGL_BAD_MATCH;  // OpenGL ES 1 is not forwarded
        return EGL_NO_CONTEXT;
    }
    if (a.api == GlContext::Api::OpenGL && (a.major > kMaxGlMajor || (a.major == kMaxGlMajor && a.minor > kMaxGlMinor))) {
        error = EGL_BAD_MATCH;
        return EGL_NO_CONTEXT;
    }
    const auto index = config ? index_of(config) : std::optional<size_t>(0);
    if (!index) {
        error = EGL_BAD_CONFIG;
        return EGL_NO_CONTEXT;
    }
    a.config = host_->configs[*index].id;
    GlContext* shared = nullptr;
    if (share != EGL_NO_CONTEXT && !(shared = context(share))) {
        error = EGL_BAD_CONTEXT;
        return EGL_NO_CONTEXT;
    }
    try {
        auto created = std::make_unique<GlContext>(*host_->connection, a, shared);
        const int result = created->create();
        if (result != 0) {
            error = result == EGL_BAD_ATTRIBUTE || result == EGL_BAD_MATCH ? result : EGL_BAD_MATCH;
            return EGL_NO_CONTEXT;
        }
        GlContext* raw = created.get();
        contexts_[raw] = std::move(created);
        return raw;
    } catch (const std::exception&) {
        error = EGL_BAD_ALLOC;
        return EGL_NO_CONTEXT;
    }
}

bool Display::destroy_context(EGLContext handle) {
    std::lock_guard lock(mutex_);
    GlContext* ctx = context(handle);
    if (!ctx) return false;
    if (current_context() == ctx) set_current_context(nullptr);
    bound_.erase(ctx);
    contexts_.erase(ctx);
    return true;
}

bool Display::query_context(EGLContext handle, EGLint attribute, EGLint* value) {
    std::lock_guard lock(mutex_);
    GlContext* ctx = context(handle);
    if (!ctx || !value) return false;
    const auto& a = ctx->attributes();
    switch (attribute) {
        case EGL_CONTEXT_CLIENT_TYPE:
            *value = a.api == GlContext::Api::OpenGL ? EGL_OPENGL_API : EGL_OPENGL_ES_API; return true;
        case EGL_CONTEXT_CLIENT_VERSION: *value = a.major; return true;
        case EGL_RENDER_BUFFER: *value = EGL_BACK_BUFFER; return true;
        case EGL_CONFIG_ID: {
            for (size_t i = 0; i < host_->configs.size(); ++i)
                if (host_->configs[i].id == a.config) *value = EGLint(i + 1);
            return true;
        }
        default: return false;
    }
}

EGLSurface Display::create_pbuffer(EGLConfig config, const EGLint* attributes, EGLint& error) {
    std::lock_guard lock(mutex_);
    const auto index = index_of(config);
    if (!index) {
        error = EGL_BAD_CONFIG;
        return EGL_NO_SURFACE;
    }
    EGLint width = 0, height = 0;
    for (const EGLint* a = attributes; a && a[0] != EGL_NONE; a += 2) {
        if (a[0] == EGL_WIDTH) width = a[1];
        else if (a[0] == EGL_HEIGHT) height = a[1];
    }
    if (width < 0 || height < 0 || width > kMaxPbuffer || height > kMaxPbuffer) {
        error = EGL_BAD_PARAMETER;
        return EGL_NO_SURFACE;
    }
    auto surface = std::make_unique<Surface>(Surface::Kind::Pbuffer, next_surface_id++, *index,
                                             std::max(width, 1), std::max(height, 1));
    if (width == 0 || height == 0) surface->set_size(width, height);
    Surface* raw = surface.get();
    surfaces_[raw] = std::move(surface);
    return raw;
}

EGLSurface Display::create_window(EGLConfig config, unsigned long window, EGLint& error) {
    std::lock_guard lock(mutex_);
    const auto index = index_of(config);
    if (!index) {
        error = EGL_BAD_CONFIG;
        return EGL_NO_SURFACE;
    }
    if (!has_windows() || !window_capable(host_->configs[*index])) {
        error = has_windows() ? EGL_BAD_MATCH : EGL_BAD_NATIVE_WINDOW;
        return EGL_NO_SURFACE;
    }
    auto presenter = std::make_unique<Presenter>(x11_->display, window);
    int32_t width = 0, height = 0;
    if (!presenter->window_size(width, height)) {
        error = EGL_BAD_NATIVE_WINDOW;
        return EGL_NO_SURFACE;
    }
    auto surface = std::make_unique<Surface>(Surface::Kind::Window, next_surface_id++, *index, width, height);
    surface->presenter = std::move(presenter);
    Surface* raw = surface.get();
    surfaces_[raw] = std::move(surface);
    return raw;
}

bool Display::destroy_surface(EGLSurface handle) {
    std::lock_guard lock(mutex_);
    auto it = surfaces_.find(static_cast<Surface*>(handle));
    if (it == surfaces_.end()) return false;
    for (auto& [ctx, pair] : bound_)
        if (pair.first == it->first || pair.second == it->first) pair = {nullptr, nullptr};
    surfaces_.erase(it);
    return true;
}

Surface* Display::surface(EGLSurface handle) {
    std::lock_guard lock(mutex_);
    auto it = surfaces_.find(static_cast<Surface*>(handle));
    return it == surfaces_.end() ? nullptr : it->first;
}

bool Display::make_current(EGLSurface draw_handle, EGLSurface read_handle, EGLContext handle, EGLint& error) {
    std::lock_guard lock(mutex_);
    if (GlContext* previous = current_context()) previous->flush();
    if (handle == EGL_NO_CONTEXT) {
        set_current_context(nullptr);
        return true;
    }
    GlContext* ctx = context(handle);
    if (!ctx) {
        error = EGL_BAD_CONTEXT;
        return false;
    }
    auto find = [&](EGLSurface s) -> Surface* {
        auto it = surfaces_.find(static_cast<Surface*>(s));
        return it == surfaces_.end() ? nullptr : it->first;
    };
    Surface* draw = draw_handle == EGL_NO_SURFACE ? nullptr : find(draw_handle);
    Surface* read = read_handle == EGL_NO_SURFACE ? nullptr : find(read_handle);
    if ((draw_handle != EGL_NO_SURFACE && !draw) || (read_handle != EGL_NO_SURFACE && !read)) {
        error = EGL_BAD_SURFACE;
        return false;
    }
    for (Surface* s : {draw, read}) {
        int32_t w, h;
        if (s && s->presenter && s->presenter->window_size(w, h)) s->set_size(w, h);
    }
    const int result = ctx->make_current(draw ? draw->id() : 0, draw ? draw->width() : 0, draw ? draw->height() : 0,
                                         read ? read->id() : 0, read ? read->width() : 0, read ? read->height() : 0);
    if (result != 0) {
        error = result;
        return false;
    }
    bound_[ctx] = {draw, read};
    set_current_context(ctx);
    return true;
}

bool Display::swap(Surface& surface, EGLint& error) {
    GlContext* ctx = current_context();
    if (surface.kind() == Surface::Kind::Pbuffer || !surface.presenter) {
        if (ctx) ctx->flush();
        return true;
    }
    if (!ctx || bound_[ctx].first != &surface) {
        error = EGL_BAD_SURFACE;
        return false;
    }
    surface.presenter->present(*ctx, surface.id(), surface.width(), surface.height());
    if (ctx->lost()) {
        error = EGL_CONTEXT_LOST;
        return false;
    }
    int32_t width, height;
    if (surface.presenter->window_size(width, height) && (width != surface.width() || height != surface.height())) {
        surface.set_size(width, height);
        Surface* read = bound_[ctx].second;
        ctx->make_current(surface.id(), width, height, read ? read->id() : 0, read ? read->width() : 0,
                          read ? read->height() : 0);
    }
    return true;
}

}  // namespace rendersock::gl_client::egl
