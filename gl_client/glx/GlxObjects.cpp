#include "gl_client/glx/GlxObjects.h"

#include <GL/glxext.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>

namespace rendersock::gl_client::glx {

namespace {

std::atomic<uint32_t> next_surface_id{0x10000};  // apart from EGL's ids
constexpr int kMaxPbuffer = 16384;
constexpr int kMaxGlMajor = 4, kMaxGlMinor = 3;

}  // namespace

GlxState& GlxState::get() {
    static GlxState state;
    return state;
}

GlxDisplay* GlxState::display(::Display* display) {
    if (!display) return nullptr;
    std::lock_guard lock(mutex_);
    auto it = displays_.find(display);
    if (it != displays_.end()) return it->second.get();
    GlHost* host = gl_host();
    if (!host) return nullptr;
    auto created = std::make_unique<GlxDisplay>(display, *host);
    GlxDisplay* raw = created.get();
    displays_[display] = std::move(created);
    return raw;
}

const char* GlxState::extensions() {
    return "GLX_ARB_create_context GLX_ARB_create_context_profile GLX_EXT_create_context_es2_profile "
           "GLX_EXT_create_context_es_profile GLX_ARB_get_proc_address GLX_ARB_multisample "
           "GLX_EXT_visual_info GLX_SGI_swap_control GLX_MESA_swap_control GLX_EXT_swap_control ";
}

GlxDisplay::GlxDisplay(::Display* display, GlHost& host) : display_(display), host_(host) {
    visual_id_ = XVisualIDFromVisual(DefaultVisual(display_, DefaultScreen(display_)));
}

bool GlxDisplay::window_capable(size_t index) const {
    const auto& c = host_.configs[index];
    return c.red == 8 && c.green == 8 && c.blue == 8;
}

std::optional<size_t> GlxDisplay::index_of(GLXFBConfig config) const {
    const auto value = reinterpret_cast<uintptr_t>(config);
    if (value == 0 || value > host_.configs.size()) return std::nullopt;
    return value - 1;
}

bool GlxDisplay::config_attribute(size_t index, int attribute, int& value) const {
    const auto& c = host_.configs[index];
    const bool window = window_capable(index);
    switch (attribute) {
        case GLX_USE_GL: case GLX_RGBA: case GLX_DOUBLEBUFFER: value = True; return true;
        case GLX_FBCONFIG_ID: value = int(index + 1); return true;
        case GLX_BUFFER_SIZE: value = int(c.red + c.green + c.blue + c.alpha); return true;
        case GLX_RED_SIZE: value = int(c.red); return true;
        case GLX_GREEN_SIZE: value = int(c.green); return true;
        case GLX_BLUE_SIZE: value = int(c.blue); return true;
        case GLX_ALPHA_SIZE: value = int(c.alpha); return true;
        case GLX_DEPTH_SIZE: value = int(c.depth); return true;
        case GLX_STENCIL_SIZE: value = int(c.stencil); return true;
        case GLX_SAMPLES: value = int(c.samples); return true;
        case GLX_SAMPLE_BUFFERS: value = c.samples ? 1 : 0; return true;
        case GLX_LEVEL: case GLX_STEREO: case GLX_AUX_BUFFERS: case GLX_ACCUM_RED_SIZE:
        case GLX_ACCUM_GREEN_SIZE: case GLX_ACCUM_BLUE_SIZE: case GLX_ACCUM_ALPHA_SIZE:
        case GLX_TRANSPARENT_INDEX_VALUE: case GLX_TRANSPARENT_RED_VALUE: case GLX_TRANSPARENT_GREEN_VALUE:
        case GLX_TRANSPARENT_BLUE_VALUE: case GLX_TRANSPARENT_ALPHA_VALUE:
        case GLX_FRAMEBUFFER_SRGB_CAPABLE_ARB:
            value = 0; return true;
        case GLX_RENDER_TYPE: value = GLX_RGBA_BIT; return true;
        case GLX_DRAWABLE_TYPE: value = GLX_PBUFFER_BIT | (window ? GLX_WINDOW_BIT : 0); return true;
        case GLX_X_RENDERABLE: value = window ? True : False; return true;
        case GLX_VISUAL_ID: value = window ? int(visual_id_) : 0; return true;
        case GLX_X_VISUAL_TYPE: value = window ? GLX_TRUE_COLOR : GLX_NONE; return true;
        case GLX_CONFIG_CAVEAT: value = GLX_NONE; return true;
        case GLX_TRANSPARENT_TYPE: value = GLX_NONE; return true;
        case GLX_MAX_PBUFFER_WIDTH: case GLX_MAX_PBUFFER_HEIGHT: value = kMaxPbuffer; return true;
        case GLX_MAX_PBUFFER_PIXELS: value = kMaxPbuffer * kMaxPbuffer; return true;
        default: return false;
    }
}

bool GlxDisplay::matches(size_t index, const std::map<int, int>& wanted) const {
    for (auto [name, value] : wanted) {
        if (value == int(GLX_DONT_CARE)) continue;
        int have = 0;
        if (name == GLX_RGBA || name == GLX_USE_GL) continue;
        if (!config_attribute(index, name, have)) continue;  // attributes we do not know do not filter
        switch (name) {
            case GLX_RENDER_TYPE: case GLX_DRAWABLE_TYPE:
                if ((have & value) != value) return false;
                break;
            case GLX_BUFFER_SIZE: case GLX_RED_SIZE: case GLX_GREEN_SIZE: case GLX_BLUE_SIZE:
            case GLX_ALPHA_SIZE: case GLX_DEPTH_SIZE: case GLX_STENCIL_SIZE: case GLX_SAMPLES:
            case GLX_SAMPLE_BUFFERS: case GLX_AUX_BUFFERS: case GLX_ACCUM_RED_SIZE: case GLX_ACCUM_GREEN_SIZE:
            case GLX_ACCUM_BLUE_SIZE: case GLX_ACCUM_ALPHA_SIZE:
                if (have < value) return false;
                break;
            case GLX_DOUBLEBUFFER: case GLX_STEREO: case GLX_X_RENDERABLE: case GLX_LEVEL:
            case GLX_CONFIG_CAVEAT: case GLX_X_VISUAL_TYPE: case GLX_TRANSPARENT_TYPE: case GLX_FBCONFIG_ID:
            case GLX_VISUAL_ID:
                if (have != value) return false;
                break;
            default:
                break;
        }
    }
    return true;
}

std::vector<size_t> GlxDisplay::sorted(std::vector<size_t> chosen) const {
    const auto& all = host_.configs;
    std::stable_sort(chosen.begin(), chosen.end(), [&](size_t a, size_t b) {
        const auto& x = all[a];
        const auto& y = all[b];
        const uint32_t cx = x.red + x.green + x.blue + x.alpha, cy = y.red + y.green + y.blue + y.alpha;
        if (cx != cy) return cx > cy;
        if (x.samples != y.samples) return x.samples < y.samples;
        if (x.depth != y.depth) return x.depth > y.depth;
        if (x.stencil != y.stencil) return x.stencil > y.stencil;
        return a < b;
    });
    return chosen;
}

GLXFBConfig* GlxDisplay::fb_configs(int /*screen*/, const int* attributes, int* count) {
    std::map<int, int> wanted = {{GLX_RENDER_TYPE, GLX_RGBA_BIT}, {GLX_DRAWABLE_TYPE, GLX_WINDOW_BIT}};
    if (!attributes) wanted.clear();
    for (const int* a = attributes; a && a[0] != None; a += 2) wanted[a[0]] = a[1];
    std::vector<size_t> chosen;
    for (size_t i = 0; i < host_.configs.size(); ++i)
        if (matches(i, wanted)) chosen.push_back(i);
    if (attributes) chosen = sorted(chosen);
    if (count) *count = int(chosen.size());
    if (chosen.empty()) return nullptr;
    auto* configs = static_cast<GLXFBConfig*>(std::malloc(chosen.size() * sizeof(GLXFBConfig)));
    for (size_t i = 0; i < chosen.size(); ++i) configs[i] = handle(chosen[i]);
    return configs;
}

// GLX 1.2 lists: booleans stand alone, other attributes take a value.
std::optional<size_t> GlxDisplay::choose_visual_config(const int* attributes) {
    std::map<int, int> wanted = {{GLX_DRAWABLE_TYPE, GLX_WINDOW_BIT}};
    bool rgba = false;
    for (const int* a = attributes; a && a[0] != None;) {
        switch (a[0]) {
            case GLX_USE_GL: a += 1; break;
            case GLX_RGBA: rgba = true; a += 1; break;
            case GLX_DOUBLEBUFFER: case GLX_STEREO: wanted[a[0]] = True; a += 1; break;
            default: wanted[a[0]] = a[1]; a += 2; break;
        }
    }
    if (!rgba) return std::nullopt;  // colour-index visuals: none
    std::vector<size_t> chosen;
    for (size_t i = 0; i < host_.configs.size(); ++i)
        if (window_capable(i) && matches(i, wanted)) chosen.push_back(i);
    if (chosen.empty()) return std::nullopt;
    // GLX 1.2 prefers the smallest buffers that satisfy the request.
    std::stable_sort(chosen.begin(), chosen.end(), [&](size_t a, size_t b) {
        const auto& x = host_.configs[a];
        const auto& y = host_.configs[b];
        if (x.samples != y.samples) return x.samples < y.samples;
        if (x.alpha != y.alpha) return x.alpha < y.alpha;
        if (x.stencil != y.stencil) return x.stencil < y.stencil;
        return x.depth < y.depth;
    });
    std::lock_guard lock(mutex_);
    visual_config_ = chosen.front();
    return visual_config_;
}

std::optional<size_t> GlxDisplay::config_for_visual(unsigned long visual) const {
    if (visual != visual_id_) return std::nullopt;
    if (visual_config_) return visual_config_;
    // A visual nobody chose through us: the most capable single-sample config.
    std::optional<size_t> best;
    for (size_t i = 0; i < host_.configs.size(); ++i) {
        const auto& c = host_.configs[i];
        if (!window_capable(i) || c.samples) continue;
        if (!best || c.alpha + c.depth + c.stencil >
                         host_.configs[*best].alpha + host_.configs[*best].depth + host_.configs[*best].stencil)
            best = i;
    }
    return best;
}

XVisualInfo* GlxDisplay::visual_info(int screen) const {
    XVisualInfo wanted{};
    wanted.visualid = visual_id_;
    wanted.screen = screen;
    int count = 0;
    return XGetVisualInfo(display_, VisualIDMask | VisualScreenMask, &wanted, &count);
}

GlContext* GlxDisplay::context(GLXContext handle) {
    auto it = contexts_.find(reinterpret_cast<GlContext*>(handle));
    return it == contexts_.end() ? nullptr : it->first;
}

GLXContext GlxDisplay::create_context(size_t config, GLXContext share, const int* attributes, int render_type) {
    std::lock_guard lock(mutex_);
    if (render_type != GLX_RGBA_TYPE) return nullptr;
    GlContext::Attributes a;
    a.profile = 2;  // compatibility, unless asked otherwise
    bool profile_given = false;
    for (const int* at = attributes; at && at[0] != None; at += 2) {
        switch (at[0]) {
            case GLX_CONTEXT_MAJOR_VERSION_ARB: a.major = at[1]; break;
            case GLX_CONTEXT_MINOR_VERSION_ARB: a.minor = at[1]; break;
            case GLX_CONTEXT_FLAGS_ARB: a.flags = at[1] & 3; break;
            case GLX_CONTEXT_PROFILE_MASK_ARB: a.profile = at[1]; profile_given = true; break;
            case GLX_RENDER_TYPE: break;
            default: break;
        }
    }
    if (a.profile & (GLX_CONTEXT_ES2_PROFILE_BIT_EXT)) {
        a.api = GlContext::Api::OpenGLES;
        a.profile = 0;
        if (a.major < 2) return nullptr;
    } else {
        if (!profile_given) a.profile = (a.major > 3 || (a.major == 3 && a.minor >= 2)) ? 1 : 2;
        if (a.major > kMaxGlMajor || (a.major == kMaxGlMajor && a.minor > kMaxGlMinor)) return nullptr;
        // Before 3.2 there are no profiles: the host decides (compatibility).
        if (a.major < 3 || (a.major == 3 && a.minor < 2)) a.profile = 0;
    }
    a.config = host_.configs[config].id;
    GlContext* shared = nullptr;
    if (share && !(shared = context(share))) return nullptr;
    try {
        auto created = std::make_unique<GlContext>(*host_.connection, a, shared);
        if (created->create() != 0) return nullptr;
        GlContext* raw = created.get();
        contexts_[raw] = Context{std::move(created), config};
        return reinterpret_cast<GLXContext>(raw);
    } catch (const std::exception&) {
        return nullptr;
    }
}

void GlxDisplay::destroy_context(GLXContext handle) {
    std::lock_guard lock(mutex_);
    GlContext* ctx = context(handle);
    if (!ctx) return;
    if (current_context() == ctx) set_current_context(nullptr);
    contexts_.erase(ctx);
}

bool GlxDisplay::query_context(GLXContext handle, int attribute, int& value) {
    std::lock_guard lock(mutex_);
    GlContext* ctx = context(handle);
    if (!ctx) return false;
    switch (attribute) {
        case GLX_FBCONFIG_ID: value = int(contexts_[ctx].config + 1); return true;
        case GLX_RENDER_TYPE: value = GLX_RGBA_TYPE; return true;
        case GLX_SCREEN: value = DefaultScreen(display_); return true;
        default: return false;
    }
}

Drawable* GlxDisplay::drawable(unsigned long id, size_t config) {
    if (!id) return nullptr;
    auto it = drawables_.find(id);
    if (it != drawables_.end()) return &it->second;
    // An X window used directly (GLX 1.2) or through glXCreateWindow.
    Drawable d;
    d.id = next_surface_id++;
    d.config = config;
    d.presenter = std::make_unique<Presenter>(display_, id);
    if (!d.presenter->window_size(d.width, d.height)) return nullptr;
    return &(drawables_[id] = std::move(d));
}

bool GlxDisplay::make_current(unsigned long draw_id, unsigned long read_id, GLXContext handle) {
    std::lock_guard lock(mutex_);
    if (GlContext* previous = current_context()) previous->flush();
    if (!handle) {
        set_current_context(nullptr);
        return true;
    }
    GlContext* ctx = context(handle);
    if (!ctx) return false;
    Context& c = contexts_[ctx];
    Drawable* draw = drawable(draw_id, c.config);
    Drawable* read = read_id == draw_id ? draw : drawable(read_id, c.config);
    if ((draw_id && !draw) || (read_id && !read)) return false;
    for (Drawable* d : {draw, read})
        if (d && d->presenter) d->presenter->window_size(d->width, d->height);
    const bool same = c.draw == draw_id && c.read == read_id && (!draw || (c.draw_w == draw->width && c.draw_h == draw->height)) &&
                      (!read || (c.read_w == read->width && c.read_h == read->height));
    if (!same) {
        if (ctx->make_current(draw ? draw->id : 0, draw ? draw->width : 0, draw ? draw->height : 0, read ? read->id : 0,
                              read ? read->width : 0, read ? read->height : 0) != 0)
            return false;
        c.draw = draw_id;
        c.read = read_id;
        c.draw_w = draw ? draw->width : 0;
        c.draw_h = draw ? draw->height : 0;
        c.read_w = read ? read->width : 0;
        c.read_h = read ? read->height : 0;
    }
    set_current_context(ctx);
    return true;
}

void GlxDisplay::swap(unsigned long drawable_id) {
    std::lock_guard lock(mutex_);
    GlContext* ctx = current_context();
    auto it = drawables_.find(drawable_id);
    if (!ctx || it == drawables_.end() || !contexts_.count(ctx)) return;
    Context& c = contexts_[ctx];
    Drawable& d = it->second;
    if (c.draw != drawable_id || !d.presenter) {
        ctx->flush();
        return;
    }
    d.presenter->present(*ctx, d.id, d.width, d.height);
    int32_t width, height;
    if (d.presenter->window_size(width, height) && (width != d.width || height != d.height)) {
        d.width = width;
        d.height = height;
        ctx->make_current(d.id, width, height, d.id, width, height);
        c.draw_w = c.read_w = width;
        c.draw_h = c.read_h = height;
    }
}

unsigned long GlxDisplay::create_pbuffer(size_t config, const int* attributes) {
    std::lock_guard lock(mutex_);
    Drawable d;
    d.pbuffer = true;
    d.config = config;
    d.id = next_surface_id++;
    for (const int* a = attributes; a && a[0] != None; a += 2) {
        if (a[0] == GLX_PBUFFER_WIDTH) d.width = a[1];
        if (a[0] == GLX_PBUFFER_HEIGHT) d.height = a[1];
    }
    if (d.width <= 0 || d.height <= 0 || d.width > kMaxPbuffer || d.height > kMaxPbuffer) return 0;
    const unsigned long xid = XAllocID(display_);
    drawables_[xid] = std::move(d);
    return xid;
}

void GlxDisplay::forget_drawable(unsigned long id) {
    std::lock_guard lock(mutex_);
    drawables_.erase(id);
}

void GlxDisplay::query_drawable(unsigned long id, int attribute, unsigned int& value) {
    std::lock_guard lock(mutex_);
    auto it = drawables_.find(id);
    Drawable* d = it == drawables_.end() ? drawable(id, 0) : &it->second;
    if (!d) return;
    switch (attribute) {
        case GLX_WIDTH: value = unsigned(d->width); break;
        case GLX_HEIGHT: value = unsigned(d->height); break;
        case GLX_FBCONFIG_ID: value = unsigned(d->config + 1); break;
        case GLX_PRESERVED_CONTENTS: value = True; break;
        case GLX_LARGEST_PBUFFER: value = 0; break;
        case GLX_SWAP_INTERVAL_EXT: value = 0; break;
        case GLX_MAX_SWAP_INTERVAL_EXT: value = 1; break;
        default: break;
    }
}

}  // namespace rendersock::gl_client::glx
