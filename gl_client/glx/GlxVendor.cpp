// The glvnd GLX vendor: GLX 1.4 implemented on the client over rendersock
// GL contexts, so no GLX is needed in the X server. Windows are presented
// like EGL windows (GlPresenter); fbconfigs are the host's 8-bit configs.
#include "gl_client/glx/GlxObjects.h"
#include "gl_client/GlEntries.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <GL/glxext.h>
#include <glvnd/libglxabi.h>

using namespace rendersock::gl_client;
using namespace rendersock::gl_client::glx;

namespace {

const __GLXapiExports* exports = nullptr;
__GLXvendorInfo* this_vendor = nullptr;

Bool is_screen_supported(::Display* dpy, int /*screen*/) { return GlxState::get().available(dpy) ? True : False; }

// ---- GLX 1.0–1.2 (visuals) ----

XVisualInfo* glx_choose_visual(::Display* dpy, int screen, int* attributes) {
    auto* state = GlxState::get().display(dpy);
    if (!state) return nullptr;
    const auto config = state->choose_visual_config(attributes);
    if (!config) return nullptr;
    return state->visual_info(screen);
}

int glx_get_config(::Display* dpy, XVisualInfo* visual, int attribute, int* value) {
    auto* state = GlxState::get().display(dpy);
    if (!state || !visual || !value) return GLX_BAD_VISUAL;
    const auto config = state->config_for_visual(visual->visualid);
    if (!config) {
        if (attribute == GLX_USE_GL) {
            *value = False;
            return Success;
        }
        return GLX_BAD_VISUAL;
    }
    return state->config_attribute(*config, attribute, *value) ? Success : GLX_BAD_ATTRIBUTE;
}

GLXContext glx_create_context(::Display* dpy, XVisualInfo* visual, GLXContext share, Bool /*direct*/) {
    auto* state = GlxState::get().display(dpy);
    if (!state || !visual) return nullptr;
    const auto config = state->config_for_visual(visual->visualid);
    if (!config) return nullptr;
    GLXContext context = state->create_context(*config, share, nullptr, GLX_RGBA_TYPE);
    if (context && exports) exports->addVendorContextMapping(dpy, context, this_vendor);
    return context;
}

void glx_destroy_context(::Display* dpy, GLXContext context) {
    if (auto* state = GlxState::get().display(dpy)) state->destroy_context(context);
    if (exports) exports->removeVendorContextMapping(dpy, context);
}

Bool glx_make_context_current(::Display* dpy, GLXDrawable draw, GLXDrawable read, GLXContext context) {
    auto* state = GlxState::get().display(dpy);
    if (!state) return False;
    return state->make_current(draw, read, context) ? True : False;
}

Bool glx_make_current(::Display* dpy, GLXDrawable drawable, GLXContext context) {
    return glx_make_context_current(dpy, drawable, drawable, context);
}

void glx_copy_context(::Display*, GLXContext, GLXContext, unsigned long) {}

GLXPixmap glx_create_glx_pixmap(::Display*, XVisualInfo*, Pixmap) { return 0; }
void glx_destroy_glx_pixmap(::Display*, GLXPixmap) {}

Bool glx_is_direct(::Display*, GLXContext) { return True; }

void glx_swap_buffers(::Display* dpy, GLXDrawable drawable) {
    if (auto* state = GlxState::get().display(dpy)) state->swap(drawable);
}

void glx_use_x_font(Font, int, int, int) {}
void glx_wait_gl() {
    if (GlContext* ctx = current_context()) ctx->flush();
}
void glx_wait_x() {}

const char* glx_query_server_string(::Display*, int, int name) {
    switch (name) {
        case GLX_VENDOR: return "rendersock";
        case GLX_VERSION: return "1.4";
        case GLX_EXTENSIONS: return GlxState::extensions();
        default: return nullptr;
    }
}
const char* glx_get_client_string(::Display* dpy, int name) { return glx_query_server_string(dpy, 0, name); }
const char* glx_query_extensions_string(::Display*, int) { return GlxState::extensions(); }

// ---- GLX 1.3 (fbconfigs, GLX drawables) ----

GLXFBConfig* glx_get_fb_configs(::Display* dpy, int screen, int* count) {
    auto* state = GlxState::get().display(dpy);
    if (!state) return nullptr;
    GLXFBConfig* configs = state->fb_configs(screen, nullptr, count);
    for (int i = 0; configs && exports && i < *count; ++i) exports->addVendorFBConfigMapping(dpy, configs[i], this_vendor);
    return configs;
}

GLXFBConfig* glx_choose_fb_config(::Display* dpy, int screen, const int* attributes, int* count) {
    auto* state = GlxState::get().display(dpy);
    if (!state) return nullptr;
    GLXFBConfig* configs = state->fb_configs(screen, attributes, count);
    for (int i = 0; configs && exports && i < *count; ++i) exports->addVendorFBConfigMapping(dpy, configs[i], this_vendor);
    return configs;
}

int glx_get_fb_config_attrib(::Display* dpy, GLXFBConfig config, int attribute, int* value) {
    auto* state = GlxState::get().display(dpy);
    const auto index = state ? state->index_of(config) : std::nullopt;
    if (!index || !value) return GLX_BAD_ATTRIBUTE;
    return state->config_attribute(*index, attribute, *value) ? Success : GLX_BAD_ATTRIBUTE;
}

XVisualInfo* glx_get_visual_from_fb_config(::Display* dpy, GLXFBConfig config) {
    auto* state = GlxState::get().display(dpy);
    const auto index = state ? state->index_of(config) : std::nullopt;
    if (!index || !state->window_capable(*index)) return nullptr;
    return state->visual_info(DefaultScreen(dpy));
}

GLXWindow glx_create_window(::Display* dpy, GLXFBConfig, Window window, const int*) {
    if (exports) exports->addVendorDrawableMapping(dpy, window, this_vendor);
    return window;
}
void glx_destroy_window(::Display* dpy, GLXWindow window) {
    if (auto* state = GlxState::get().display(dpy)) state->forget_drawable(window);
}
GLXPixmap glx_create_pixmap(::Display*, GLXFBConfig, Pixmap, const int*) { return 0; }
void glx_destroy_pixmap(::Display*, GLXPixmap) {}

GLXPbuffer glx_create_pbuffer(::Display* dpy, GLXFBConfig config, const int* attributes) {
    auto* state = GlxState::get().display(dpy);
    const auto index = state ? state->index_of(config) : std::nullopt;
    if (!index) return 0;
    GLXPbuffer pbuffer = state->create_pbuffer(*index, attributes);
    if (pbuffer && exports) exports->addVendorDrawableMapping(dpy, pbuffer, this_vendor);
    return pbuffer;
}
void glx_destroy_pbuffer(::Display* dpy, GLXPbuffer pbuffer) {
    if (auto* state = GlxState::get().display(dpy)) state->forget_drawable(pbuffer);
    if (exports) exports->removeVendorDrawableMapping(dpy, pbuffer);
}

void glx_query_drawable(::Display* dpy, GLXDrawable drawable, int attribute, unsigned int* value) {
    if (auto* state = GlxState::get().display(dpy); state && value) state->query_drawable(drawable, attribute, *value);
}

GLXContext glx_create_new_context(::Display* dpy, GLXFBConfig config, int render_type, GLXContext share, Bool) {
    auto* state = GlxState::get().display(dpy);
    const auto index = state ? state->index_of(config) : std::nullopt;
    if (!index) return nullptr;
    GLXContext context = state->create_context(*index, share, nullptr, render_type);
    if (context && exports) exports->addVendorContextMapping(dpy, context, this_vendor);
    return context;
}

int glx_query_context(::Display* dpy, GLXContext context, int attribute, int* value) {
    auto* state = GlxState::get().display(dpy);
    if (!state || !value) return GLX_BAD_CONTEXT;
    return state->query_context(context, attribute, *value) ? Success : GLX_BAD_ATTRIBUTE;
}

void glx_select_event(::Display*, GLXDrawable, unsigned long) {}
void glx_get_selected_event(::Display*, GLXDrawable, unsigned long* mask) {
    if (mask) *mask = 0;
}

// ---- extensions ----

GLXContext glx_create_context_attribs(::Display* dpy, GLXFBConfig config, GLXContext share, Bool,
                                      const int* attributes) {
    auto* state = GlxState::get().display(dpy);
    const auto index = config ? (state ? state->index_of(config) : std::nullopt) : std::optional<size_t>(0);
    if (!state || !index) return nullptr;
    GLXContext context = state->create_context(*index, share, attributes, GLX_RGBA_TYPE);
    if (context && exports) exports->addVendorContextMapping(dpy, context, this_vendor);
    return context;
}
int glx_swap_interval_mesa(unsigned int) { return 0; }
int glx_get_swap_interval_mesa() { return 0; }
void glx_swap_interval_ext(::Display*, GLXDrawable, int) {}
int glx_swap_interval_sgi(int) { return 0; }

const std::map<std::string, void*>& glx_functions() {
    static const std::map<std::string, void*> functions = {
        {"glXChooseVisual", reinterpret_cast<void*>(&glx_choose_visual)},
        {"glXCopyContext", reinterpret_cast<void*>(&glx_copy_context)},
        {"glXCreateContext", reinterpret_cast<void*>(&glx_create_context)},
        {"glXCreateGLXPixmap", reinterpret_cast<void*>(&glx_create_glx_pixmap)},
        {"glXDestroyContext", reinterpret_cast<void*>(&glx_destroy_context)},
        {"glXDestroyGLXPixmap", reinterpret_cast<void*>(&glx_destroy_glx_pixmap)},
        {"glXGetConfig", reinterpret_cast<void*>(&glx_get_config)},
        {"glXIsDirect", reinterpret_cast<void*>(&glx_is_direct)},
        {"glXMakeCurrent", reinterpret_cast<void*>(&glx_make_current)},
        {"glXSwapBuffers", reinterpret_cast<void*>(&glx_swap_buffers)},
        {"glXUseXFont", reinterpret_cast<void*>(&glx_use_x_font)},
        {"glXWaitGL", reinterpret_cast<void*>(&glx_wait_gl)},
        {"glXWaitX", reinterpret_cast<void*>(&glx_wait_x)},
        {"glXQueryServerString", reinterpret_cast<void*>(&glx_query_server_string)},
        {"glXGetClientString", reinterpret_cast<void*>(&glx_get_client_string)},
        {"glXQueryExtensionsString", reinterpret_cast<void*>(&glx_query_extensions_string)},
        {"glXChooseFBConfig", reinterpret_cast<void*>(&glx_choose_fb_config)},
        {"glXCreateNewContext", reinterpret_cast<void*>(&glx_create_new_context)},
        {"glXCreatePbuffer", reinterpret_cast<void*>(&glx_create_pbuffer)},
        {"glXCreatePixmap", reinterpret_cast<void*>(&glx_create_pixmap)},
        {"glXCreateWindow", reinterpret_cast<void*>(&glx_create_window)},
        {"glXDestroyPbuffer", reinterpret_cast<void*>(&glx_destroy_pbuffer)},
        {"glXDestroyPixmap", reinterpret_cast<void*>(&glx_destroy_pixmap)},
        {"glXDestroyWindow", reinterpret_cast<void*>(&glx_destroy_window)},
        {"glXGetFBConfigAttrib", reinterpret_cast<void*>(&glx_get_fb_config_attrib)},
        {"glXGetFBConfigs", reinterpret_cast<void*>(&glx_get_fb_configs)},
        {"glXGetSelectedEvent", reinterpret_cast<void*>(&glx_get_selected_event)},
        {"glXGetVisualFromFBConfig", reinterpret_cast<void*>(&glx_get_visual_from_fb_config)},
        {"glXMakeContextCurrent", reinterpret_cast<void*>(&glx_make_context_current)},
        {"glXQueryContext", reinterpret_cast<void*>(&glx_query_context)},
        {"glXQueryDrawable", reinterpret_cast<void*>(&glx_query_drawable)},
        {"glXSelectEvent", reinterpret_cast<void*>(&glx_select_event)},
        {"glXCreateContextAttribsARB", reinterpret_cast<void*>(&glx_create_context_attribs)},
        {"glXSwapIntervalMESA", reinterpret_cast<void*>(&glx_swap_interval_mesa)},
        {"glXGetSwapIntervalMESA", reinterpret_cast<void*>(&glx_get_swap_interval_mesa)},
        {"glXSwapIntervalEXT", reinterpret_cast<void*>(&glx_swap_interval_ext)},
        {"glXSwapIntervalSGI", reinterpret_cast<void*>(&glx_swap_interval_sgi)},
    };
    return functions;
}

void* get_proc_address(const GLubyte* name) {
    const char* text = reinterpret_cast<const char*>(name);
    if (!text) return nullptr;
    if (std::strncmp(text, "glX", 3) == 0) {
        auto it = glx_functions().find(text);
        return it == glx_functions().end() ? nullptr : it->second;
    }
    return gl_function(text);
}

// We are the only GLX vendor a process using us has (it is chosen with
// __GLX_VENDOR_LIBRARY_NAME), so an extension's dispatch function is its
// implementation.
void* get_dispatch_address(const GLubyte* name) {
    const char* text = reinterpret_cast<const char*>(name);
    if (!text || std::strncmp(text, "glX", 3) != 0) return nullptr;
    auto it = glx_functions().find(text);
    return it == glx_functions().end() ? nullptr : it->second;
}
void set_dispatch_index(const GLubyte*, int) {}

}  // namespace

extern "C" __attribute__((visibility("default"))) Bool __glx_Main(uint32_t version, const __GLXapiExports* api_exports,
                                                                 __GLXvendorInfo* vendor, __GLXapiImports* imports) {
    if (GLX_VENDOR_ABI_GET_MAJOR_VERSION(version) != GLX_VENDOR_ABI_MAJOR_VERSION) return False;
    exports = api_exports;
    this_vendor = vendor;
    imports->isScreenSupported = is_screen_supported;
    imports->getProcAddress = get_proc_address;
    imports->getDispatchAddress = get_dispatch_address;
    imports->setDispatchIndex = set_dispatch_index;
    return True;
}
