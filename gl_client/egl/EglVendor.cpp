// The glvnd EGL vendor: EGL 1.5 on the client, over rendersock GL contexts.
// Displays are ours (surfaceless, or X11 where window surfaces are
// presented); configs are the host's; surfaces are host pbuffers.
#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <glvnd/libeglabi.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gl_client/GlConnection.h"
#include "gl_client/GlContext.h"
#include "gl_client/GlEntries.h"
#include "gl_client/egl/EglObjects.h"
#include "wire/InsideServer.h"

using namespace rendersock::gl_client;
using namespace rendersock::gl_client::egl;

namespace {

const __EGLapiExports* exports = nullptr;
thread_local EGLint last_error = EGL_SUCCESS;

template <typename T>
T fail(EGLint error, T value) {
    last_error = error;
    if (exports) exports->setEGLError(error);
    return value;
}
EGLBoolean ok() {
    last_error = EGL_SUCCESS;
    return EGL_TRUE;
}

EGLDisplay get_platform_display(EGLenum platform, void* native, const EGLAttrib* /*attributes*/) {
    Display::Kind kind;
    if (platform == EGL_PLATFORM_SURFACELESS_MESA) {
        kind = Display::Kind::Surfaceless;
    } else if (platform == EGL_PLATFORM_X11_KHR) {
        kind = Display::Kind::X11;
    } else if (platform == EGL_NONE) {
        kind = native ? Display::Kind::X11 : Display::Kind::Default;
    } else {
        return EGL_NO_DISPLAY;
    }
    return Display::get(kind, native);
}

EGLBoolean supports_api(EGLenum api) { return api == EGL_OPENGL_API || api == EGL_OPENGL_ES_API; }

const char* vendor_string(int name) {
    if (name == __EGL_VENDOR_STRING_PLATFORM_EXTENSIONS)
        return "EGL_EXT_platform_base EGL_MESA_platform_surfaceless EGL_KHR_platform_x11 EGL_EXT_platform_x11";
    return nullptr;
}

// ---- EGL functions ----

EGLBoolean EGLAPIENTRY egl_initialize(EGLDisplay dpy, EGLint* major, EGLint* minor) {
    Display* display = Display::from(dpy);
    if (!display) return fail(EGL_BAD_DISPLAY, EGL_FALSE);
    if (!display->initialize()) return fail(EGL_NOT_INITIALIZED, EGL_FALSE);
    if (major) *major = 1;
    if (minor) *minor = 5;
    return ok();
}

EGLBoolean EGLAPIENTRY egl_terminate(EGLDisplay dpy) {
    Display* display = Display::from(dpy);
    if (!display) return fail(EGL_BAD_DISPLAY, EGL_FALSE);
    return ok();
}

const char* EGLAPIENTRY egl_query_string(EGLDisplay dpy, EGLint name) {
    if (dpy == EGL_NO_DISPLAY && name == EGL_EXTENSIONS) return vendor_string(__EGL_VENDOR_STRING_PLATFORM_EXTENSIONS);
    Display* display = Display::from(dpy);
    if (!display || !display->initialized()) return fail(EGL_NOT_INITIALIZED, nullptr);
    ok();
    switch (name) {
        case EGL_VENDOR: return display->vendor().c_str();
        case EGL_VERSION: return "1.5 rendersock";
        case EGL_CLIENT_APIS: return "OpenGL OpenGL_ES";
        case EGL_EXTENSIONS:
            return "EGL_KHR_create_context EGL_KHR_surfaceless_context EGL_KHR_get_all_proc_addresses "
                   "EGL_KHR_config_attribs EGL_EXT_create_context_robustness";
        default: return fail(EGL_BAD_PARAMETER, nullptr);
    }
}

EGLBoolean EGLAPIENTRY egl_get_configs(EGLDisplay dpy, EGLConfig* configs, EGLint size, EGLint* count) {
    Display* display = Display::from(dpy);
    if (!display || !display->initialized()) return fail(EGL_NOT_INITIALIZED, EGL_FALSE);
    if (!count) return fail(EGL_BAD_PARAMETER, EGL_FALSE);
    const auto& all = display->configs();
    EGLint n = 0;
    for (size_t i = 0; i < all.size() && (!configs || n < size); ++i) {
        if (configs) configs[n] = display->handle(i);
        ++n;
    }
    *count = configs ? n : static_cast<EGLint>(all.size());
    return ok();
}

EGLBoolean EGLAPIENTRY egl_choose_config(EGLDisplay dpy, const EGLint* attributes, EGLConfig* configs,
                                         EGLint size, EGLint* count) {
    Display* display = Display::from(dpy);
    if (!display || !display->initialized()) return fail(EGL_NOT_INITIALIZED, EGL_FALSE);
    if (!count) return fail(EGL_BAD_PARAMETER, EGL_FALSE);
    std::vector<size_t> chosen;
    if (!display->choose(attributes, chosen)) return fail(EGL_BAD_ATTRIBUTE, EGL_FALSE);
    EGLint n = 0;
    for (size_t index : chosen) {
        if (configs && n >= size) break;
        if (configs) configs[n] = display->handle(index);
        ++n;
    }
    *count = n;
    return ok();
}

EGLBoolean EGLAPIENTRY egl_get_config_attrib(EGLDisplay dpy, EGLConfig config, EGLint attribute, EGLint* value) {
    Display* display = Display::from(dpy);
    if (!display || !display->initialized()) return fail(EGL_NOT_INITIALIZED, EGL_FALSE);
    const auto index = display->index_of(config);
    if (!index) return fail(EGL_BAD_CONFIG, EGL_FALSE);
    EGLint result = 0;
    if (!display->attribute(*index, attribute, result)) return fail(EGL_BAD_ATTRIBUTE, EGL_FALSE);
    if (value) *value = result;
    return ok();
}

EGLContext EGLAPIENTRY egl_create_context(EGLDisplay dpy, EGLConfig config, EGLContext share, const EGLint* attributes) {
    Display* display = Display::from(dpy);
    if (!display || !display->initialized()) return fail(EGL_NOT_INITIALIZED, EGL_NO_CONTEXT);
    EGLint error = EGL_SUCCESS;
    const EGLenum api = exports ? exports->getCurrentApi() : EGL_OPENGL_ES_API;
    EGLContext context = display->create_context(config, share, attributes, api, error);
    if (context == EGL_NO_CONTEXT) return fail(error, EGL_NO_CONTEXT);
    ok();
    return context;
}

EGLBoolean EGLAPIENTRY egl_destroy_context(EGLDisplay dpy, EGLContext context) {
    Display* display = Display::from(dpy);
    if (!display || !display->destroy_context(context)) return fail(EGL_BAD_CONTEXT, EGL_FALSE);
    return ok();
}

EGLSurface EGLAPIENTRY egl_create_pbuffer_surface(EGLDisplay dpy, EGLConfig config, const EGLint* attributes) {
    Display* display = Display::from(dpy);
    if (!display || !display->initialized()) return fail(EGL_NOT_INITIALIZED, EGL_NO_SURFACE);
    EGLint error = EGL_SUCCESS;
    EGLSurface surface = display->create_pbuffer(config, attributes, error);
    if (surface == EGL_NO_SURFACE) return fail(error, EGL_NO_SURFACE);
    ok();
    return surface;
}

EGLSurface EGLAPIENTRY egl_create_window_surface(EGLDisplay dpy, EGLConfig config, EGLNativeWindowType window,
                                                 const EGLint* /*attributes*/) {
    Display* display = Display::from(dpy);
    if (!display || !display->initialized()) return fail(EGL_NOT_INITIALIZED, EGL_NO_SURFACE);
    EGLint error = EGL_SUCCESS;
    EGLSurface surface = display->create_window(config, static_cast<unsigned long>(window), error);
    if (surface == EGL_NO_SURFACE) return fail(error, EGL_NO_SURFACE);
    ok();
    return surface;
}

EGLSurface EGLAPIENTRY egl_create_platform_window_surface(EGLDisplay dpy, EGLConfig config, void* window,
                                                          const EGLAttrib* /*attributes*/) {
    if (!window) return fail(EGL_BAD_NATIVE_WINDOW, EGL_NO_SURFACE);
    return egl_create_window_surface(dpy, config, *static_cast<EGLNativeWindowType*>(window), nullptr);
}

EGLBoolean EGLAPIENTRY egl_destroy_surface(EGLDisplay dpy, EGLSurface surface) {
    Display* display = Display::from(dpy);
    if (!display || !display->destroy_surface(surface)) return fail(EGL_BAD_SURFACE, EGL_FALSE);
    return ok();
}

EGLBoolean EGLAPIENTRY egl_query_surface(EGLDisplay dpy, EGLSurface surface, EGLint attribute, EGLint* value) {
    Display* display = Display::from(dpy);
    Surface* s = display ? display->surface(surface) : nullptr;
    if (!s) return fail(EGL_BAD_SURFACE, EGL_FALSE);
    EGLint result = 0;
    if (!s->query(attribute, result)) return fail(EGL_BAD_ATTRIBUTE, EGL_FALSE);
    if (value) *value = result;
    return ok();
}

EGLBoolean EGLAPIENTRY egl_make_current(EGLDisplay dpy, EGLSurface draw, EGLSurface read, EGLContext context) {
    Display* display = Display::from(dpy);
    if (!display) return fail(EGL_BAD_DISPLAY, EGL_FALSE);
    EGLint error = EGL_SUCCESS;
    if (!display->make_current(draw, read, context, error)) return fail(error, EGL_FALSE);
    return ok();
}

EGLBoolean EGLAPIENTRY egl_swap_buffers(EGLDisplay dpy, EGLSurface surface) {
    Display* display = Display::from(dpy);
    Surface* s = display ? display->surface(surface) : nullptr;
    if (!s) return fail(EGL_BAD_SURFACE, EGL_FALSE);
    EGLint error = EGL_SUCCESS;
    if (!display->swap(*s, error)) return fail(error, EGL_FALSE);
    return ok();
}

EGLBoolean EGLAPIENTRY egl_query_context(EGLDisplay dpy, EGLContext context, EGLint attribute, EGLint* value) {
    Display* display = Display::from(dpy);
    if (!display || !display->query_context(context, attribute, value)) return fail(EGL_BAD_CONTEXT, EGL_FALSE);
    return ok();
}

EGLint EGLAPIENTRY egl_get_error() {
    const EGLint error = last_error;
    last_error = EGL_SUCCESS;
    return error;
}

EGLBoolean EGLAPIENTRY egl_swap_interval(EGLDisplay, EGLint) { return ok(); }
EGLBoolean EGLAPIENTRY egl_wait_client() {
    if (GlContext* ctx = current_context()) ctx->flush();
    return ok();
}
EGLBoolean EGLAPIENTRY egl_wait_native(EGLint) { return ok(); }
EGLBoolean EGLAPIENTRY egl_release_thread() {
    set_current_context(nullptr);
    return ok();
}
EGLBoolean EGLAPIENTRY egl_bind_api(EGLenum api) { return supports_api(api) ? ok() : fail(EGL_BAD_PARAMETER, EGL_FALSE); }

// EGL 1.4 functions glvnd requires of every vendor, for features this
// vendor does not offer (pixmaps, texture binding, client buffers).
EGLBoolean EGLAPIENTRY egl_copy_buffers(EGLDisplay, EGLSurface, EGLNativePixmapType) {
    return fail(EGL_BAD_NATIVE_PIXMAP, EGL_FALSE);
}
EGLSurface EGLAPIENTRY egl_create_pixmap_surface(EGLDisplay, EGLConfig, EGLNativePixmapType, const EGLint*) {
    return fail(EGL_BAD_MATCH, EGL_NO_SURFACE);
}
EGLBoolean EGLAPIENTRY egl_bind_tex_image(EGLDisplay, EGLSurface, EGLint) { return fail(EGL_BAD_MATCH, EGL_FALSE); }
EGLBoolean EGLAPIENTRY egl_release_tex_image(EGLDisplay, EGLSurface, EGLint) { return fail(EGL_BAD_MATCH, EGL_FALSE); }
EGLBoolean EGLAPIENTRY egl_surface_attrib(EGLDisplay dpy, EGLSurface surface, EGLint attribute, EGLint value) {
    Display* display = Display::from(dpy);
    if (!display || !display->surface(surface)) return fail(EGL_BAD_SURFACE, EGL_FALSE);
    if (attribute == EGL_SWAP_BEHAVIOR && value == EGL_BUFFER_DESTROYED) return ok();
    return fail(EGL_BAD_MATCH, EGL_FALSE);
}
EGLSurface EGLAPIENTRY egl_create_pbuffer_from_client_buffer(EGLDisplay, EGLenum, EGLClientBuffer, EGLConfig,
                                                             const EGLint*) {
    return fail(EGL_BAD_PARAMETER, EGL_NO_SURFACE);
}

void* get_proc_address(const char* name);

__eglMustCastToProperFunctionPointerType EGLAPIENTRY egl_get_proc_address(const char* name) {
    return reinterpret_cast<__eglMustCastToProperFunctionPointerType>(get_proc_address(name));
}

const std::map<std::string, void*>& egl_functions() {
    static const std::map<std::string, void*> functions = {
        {"eglInitialize", reinterpret_cast<void*>(&egl_initialize)},
        {"eglTerminate", reinterpret_cast<void*>(&egl_terminate)},
        {"eglQueryString", reinterpret_cast<void*>(&egl_query_string)},
        {"eglGetConfigs", reinterpret_cast<void*>(&egl_get_configs)},
        {"eglChooseConfig", reinterpret_cast<void*>(&egl_choose_config)},
        {"eglGetConfigAttrib", reinterpret_cast<void*>(&egl_get_config_attrib)},
        {"eglCreateContext", reinterpret_cast<void*>(&egl_create_context)},
        {"eglDestroyContext", reinterpret_cast<void*>(&egl_destroy_context)},
        {"eglCreatePbufferSurface", reinterpret_cast<void*>(&egl_create_pbuffer_surface)},
        {"eglCreateWindowSurface", reinterpret_cast<void*>(&egl_create_window_surface)},
        {"eglCreatePlatformWindowSurface", reinterpret_cast<void*>(&egl_create_platform_window_surface)},
        {"eglDestroySurface", reinterpret_cast<void*>(&egl_destroy_surface)},
        {"eglQuerySurface", reinterpret_cast<void*>(&egl_query_surface)},
        {"eglMakeCurrent", reinterpret_cast<void*>(&egl_make_current)},
        {"eglSwapBuffers", reinterpret_cast<void*>(&egl_swap_buffers)},
        {"eglQueryContext", reinterpret_cast<void*>(&egl_query_context)},
        {"eglGetError", reinterpret_cast<void*>(&egl_get_error)},
        {"eglSwapInterval", reinterpret_cast<void*>(&egl_swap_interval)},
        {"eglWaitClient", reinterpret_cast<void*>(&egl_wait_client)},
        {"eglWaitGL", reinterpret_cast<void*>(&egl_wait_client)},
        {"eglWaitNative", reinterpret_cast<void*>(&egl_wait_native)},
        {"eglReleaseThread", reinterpret_cast<void*>(&egl_release_thread)},
        {"eglBindAPI", reinterpret_cast<void*>(&egl_bind_api)},
        {"eglGetProcAddress", reinterpret_cast<void*>(&egl_get_proc_address)},
        {"eglCopyBuffers", reinterpret_cast<void*>(&egl_copy_buffers)},
        {"eglCreatePixmapSurface", reinterpret_cast<void*>(&egl_create_pixmap_surface)},
        {"eglBindTexImage", reinterpret_cast<void*>(&egl_bind_tex_image)},
        {"eglReleaseTexImage", reinterpret_cast<void*>(&egl_release_tex_image)},
        {"eglSurfaceAttrib", reinterpret_cast<void*>(&egl_surface_attrib)},
        {"eglCreatePbufferFromClientBuffer", reinterpret_cast<void*>(&egl_create_pbuffer_from_client_buffer)},
    };
    return functions;
}

void* get_proc_address(const char* name) {
    if (!name) return nullptr;
    if (name[0] == 'e') {
        auto it = egl_functions().find(name);
        return it == egl_functions().end() ? nullptr : it->second;
    }
    return gl_function(name);
}

void* get_dispatch_address(const char*) { return nullptr; }
void set_dispatch_index(const char*, int) {}

}  // namespace

extern "C" __attribute__((visibility("default"))) EGLBoolean __egl_Main(uint32_t version, const __EGLapiExports* api_exports,
                                                                      __EGLvendorInfo* /*vendor*/,
                                                                      __EGLapiImports* imports) {
    if (EGL_VENDOR_ABI_GET_MAJOR_VERSION(version) != EGL_VENDOR_ABI_MAJOR_VERSION) return EGL_FALSE;
    // Never the server's own host EGL (wire/InsideServer.h).
    if (rendersock::wire::inside_server()) return EGL_FALSE;
    exports = api_exports;
    imports->getPlatformDisplay = get_platform_display;
    imports->getSupportsAPI = supports_api;
    imports->getVendorString = vendor_string;
    imports->getProcAddress = get_proc_address;
    imports->getDispatchAddress = get_dispatch_address;
    imports->setDispatchIndex = set_dispatch_index;
    return EGL_TRUE;
}
