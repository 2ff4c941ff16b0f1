#pragma once
// GLX objects of the vendor, per X display: fbconfigs (the host's configs),
// the X visual they render to, contexts (GlContext) and drawables (X
// windows presented through GlPresenter, and pbuffers).

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "gl_client/GlConnection.h"
#include "gl_client/GlContext.h"
#include "gl_client/GlPresenter.h"

// Last: Xlib's macros clash with names in the headers above.
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <GL/glx.h>

namespace rendersock::gl_client::glx {

struct Drawable {
    uint32_t id = 0;
    bool pbuffer = false;
    int32_t width = 0, height = 0;
    size_t config = 0;
    std::unique_ptr<Presenter> presenter;
};

class GlxDisplay {
public:
    GlxDisplay(::Display* display, GlHost& host);

    bool window_capable(size_t index) const;
    std::optional<size_t> index_of(GLXFBConfig config) const;
    GLXFBConfig handle(size_t index) const { return reinterpret_cast<GLXFBConfig>(index + 1); }
    bool config_attribute(size_t index, int attribute, int& value) const;
    GLXFBConfig* fb_configs(int screen, const int* attributes, int* count);
    std::optional<size_t> choose_visual_config(const int* attributes);
    std::optional<size_t> config_for_visual(unsigned long visual) const;
    XVisualInfo* visual_info(int screen) const;

    GLXContext create_context(size_t config, GLXContext share, const int* attributes, int render_type);
    void destroy_context(GLXContext context);
    bool query_context(GLXContext context, int attribute, int& value);
    bool make_current(unsigned long draw, unsigned long read, GLXContext context);
    void swap(unsigned long drawable);
    unsigned long create_pbuffer(size_t config, const int* attributes);
    void forget_drawable(unsigned long drawable);
    void query_drawable(unsigned long drawable, int attribute, unsigned int& value);

private:
    GlContext* context(GLXContext handle);
    Drawable* drawable(unsigned long id, size_t config);
    bool matches(size_t index, const std::map<int, int>& wanted) const;
    std::vector<size_t> sorted(std::vector<size_t> chosen) const;

    ::Display* display_;
    GlHost& host_;
    unsigned long visual_id_ = 0;
    std::optional<size_t> visual_config_;
    std::recursive_mutex mutex_;
    struct Context {
        std::unique_ptr<GlContext> gl;
        size_t config;
        unsigned long draw = 0, read = 0;
        int32_t draw_w = -1, draw_h = -1, read_w = -1, read_h = -1;
    };
    std::map<GlContext*, Context> contexts_;
    std::map<unsigned long, Drawable> drawables_;
};

class GlxState {
public:
    static GlxState& get();
    bool available(::Display* display) { return this->display(display) != nullptr; }
    GlxDisplay* display(::Display* display);
    static const char* extensions();

private:
    std::mutex mutex_;
    std::map<::Display*, std::unique_ptr<GlxDisplay>> displays_;
};

}  // namespace rendersock::gl_client::glx
