#pragma once
// EGL objects of the vendor: displays (surfaceless or X11), their configs
// (the host's), contexts (GlContext) and surfaces. EGL handles are
// pointers to these objects, checked against the display's lists before use.

#include <EGL/egl.h>
#include <EGL/eglext.h>

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gl_client/GlConnection.h"
#include "gl_client/GlContext.h"
#include "gl_client/GlPresenter.h"
#include "wire/gl/GlCapset.h"

namespace rendersock::gl_client::egl {

class Surface {
public:
    enum class Kind { Pbuffer, Window };
    Surface(Kind kind, uint32_t id, size_t config, int32_t width, int32_t height);
    Kind kind() const { return kind_; }
    uint32_t id() const { return id_; }
    size_t config() const { return config_; }
    int32_t width() const { return width_; }
    int32_t height() const { return height_; }
    void set_size(int32_t width, int32_t height) {
        width_ = width;
        height_ = height;
    }
    bool query(EGLint attribute, EGLint& value) const;
    std::unique_ptr<Presenter> presenter;  // windows

private:
    Kind kind_;
    uint32_t id_;
    size_t config_;
    int32_t width_, height_;
};

class Display {
public:
    enum class Kind { Default, Surfaceless, X11 };
    static EGLDisplay get(Kind kind, void* native);
    static Display* from(EGLDisplay display);

    bool initialize();
    bool initialized() const { return host_ != nullptr; }
    const std::string& vendor() const { return vendor_; }
    const std::vector<wire::gl::GlConfig>& configs() const;
    EGLConfig handle(size_t index) const { return reinterpret_cast<EGLConfig>(index + 1); }
    std::optional<size_t> index_of(EGLConfig config) const;
    bool attribute(size_t index, EGLint attribute, EGLint& value) const;
    bool choose(const EGLint* attributes, std::vector<size_t>& chosen) const;

    EGLContext create_context(EGLConfig config, EGLContext share, const EGLint* attributes, EGLenum api,
                              EGLint& error);
    bool destroy_context(EGLContext context);
    bool query_context(EGLContext context, EGLint attribute, EGLint* value);
    EGLSurface create_pbuffer(EGLConfig config, const EGLint* attributes, EGLint& error);
    EGLSurface create_window(EGLConfig config, unsigned long window, EGLint& error);
    bool destroy_surface(EGLSurface surface);
    Surface* surface(EGLSurface surface);
    bool make_current(EGLSurface draw, EGLSurface read, EGLContext context, EGLint& error);
    bool swap(Surface& surface, EGLint& error);

private:
    Display(Kind kind, void* native) : kind_(kind), native_(native) {}
    GlContext* context(EGLContext context);
    bool has_windows() const { return x11_ != nullptr; }

    Kind kind_;
    void* native_;
    GlHost* host_ = nullptr;
    std::string vendor_;
    std::unique_ptr<X11Connection> x11_;
    std::mutex mutex_;
    std::map<GlContext*, std::unique_ptr<GlContext>> contexts_;
    std::map<Surface*, std::unique_ptr<Surface>> surfaces_;
    std::map<GlContext*, std::pair<Surface*, Surface*>> bound_;
};

}  // namespace rendersock::gl_client::egl
