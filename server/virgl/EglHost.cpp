#include "server/virgl/EglHost.h"

#include <algorithm>

#include "server/virgl/DmaBufProbe.h"
#include "wire/Log.h"

namespace rendersock::server::virgl {

std::shared_ptr<EglHost> EglHost::create(const std::string& dma_buf_node, std::string& error) {
    std::shared_ptr<EglHost> host(new EglHost());
    host->dma_buf_node_ = dma_buf_node;
    if (!host->initialize(error)) return nullptr;
    return host;
}

EglHost::~EglHost() {
    if (display_ == EGL_NO_DISPLAY) return;
    eglMakeCurrent(display_, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
    eglTerminate(display_);
}

namespace {

EGLDisplay open_display() {
    if (epoxy_has_egl_extension(EGL_NO_DISPLAY, "EGL_MESA_platform_surfaceless")) {
        EGLDisplay display = eglGetPlatformDisplayEXT(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, nullptr);
        if (display != EGL_NO_DISPLAY && eglInitialize(display, nullptr, nullptr)) return display;
    }
    // NVIDIA: the first EGL device.
    if (epoxy_has_egl_extension(EGL_NO_DISPLAY, "EGL_EXT_platform_device")) {
        EGLDeviceEXT devices[8];
        EGLint count = 0;
        if (eglQueryDevicesEXT(8, devices, &count) && count > 0) {
            EGLDisplay display = eglGetPlatformDisplayEXT(EGL_PLATFORM_DEVICE_EXT, devices[0], nullptr);
            if (display != EGL_NO_DISPLAY && eglInitialize(display, nullptr, nullptr)) return display;
        }
    }
    return EGL_NO_DISPLAY;
}

EGLint attribute(EGLDisplay display, EGLConfig config, EGLint name) {
    EGLint value = 0;
    eglGetConfigAttrib(display, config, name, &value);
    return value;
}

}  // namespace

bool EglHost::initialize(std::string& error) {
    display_ = open_display();
    if (display_ == EGL_NO_DISPLAY) {
        error = "no EGL display (neither the surfaceless nor the device platform initialised)";
        return false;
    }
    vendor_ = eglQueryString(display_, EGL_VENDOR);
    version_ = eglQueryString(display_, EGL_VERSION);
    imports_dma_buf_ = epoxy_has_egl_extension(display_, "EGL_EXT_image_dma_buf_import");
    const EGLint wanted[] = {EGL_SURFACE_TYPE, EGL_PBUFFER_BIT, EGL_COLOR_BUFFER_TYPE, EGL_RGB_BUFFER, EGL_NONE};
    EGLint count = 0;
    eglChooseConfig(display_, wanted, nullptr, 0, &count);
    std::vector<EGLConfig> all(static_cast<size_t>(std::max(count, 0)));
    eglChooseConfig(display_, wanted, all.data(), count, &count);
    for (EGLConfig config : all) {
        if (configs_.size() >= wire::gl::kMaxGlConfigs) break;
        wire::gl::GlConfig c{};
        c.id = static_cast<uint32_t>(attribute(display_, config, EGL_CONFIG_ID));
        c.red = static_cast<uint32_t>(attribute(display_, config, EGL_RED_SIZE));
        c.green = static_cast<uint32_t>(attribute(display_, config, EGL_GREEN_SIZE));
        c.blue = static_cast<uint32_t>(attribute(display_, config, EGL_BLUE_SIZE));
        c.alpha = static_cast<uint32_t>(attribute(display_, config, EGL_ALPHA_SIZE));
        c.depth = static_cast<uint32_t>(attribute(display_, config, EGL_DEPTH_SIZE));
        c.stencil = static_cast<uint32_t>(attribute(display_, config, EGL_STENCIL_SIZE));
        c.samples = static_cast<uint32_t>(attribute(display_, config, EGL_SAMPLES));
        c.renderable = static_cast<uint32_t>(attribute(display_, config, EGL_RENDERABLE_TYPE));
        configs_.push_back(c);
        egl_configs_.push_back(config);
    }
    if (configs_.empty()) {
        error = "the EGL display has no pbuffer configs";
        return false;
    }
    return true;
}

const std::optional<std::string>& EglHost::dma_buf_read_problem() {
    if (!dma_buf_probed_ && !dma_buf_node_.empty() && !egl_configs_.empty()) {
        dma_buf_read_problem_ = find_dma_buf_read_problem(display_, egl_configs_.front(), dma_buf_node_);
        if (dma_buf_read_problem_) RS_WARN("%s", dma_buf_read_problem_->c_str());
    }
    dma_buf_probed_ = true;
    return dma_buf_read_problem_;
}

EGLConfig EglHost::config(uint32_t id) const {
    for (size_t i = 0; i < configs_.size(); ++i)
        if (configs_[i].id == id) return egl_configs_[i];
    return nullptr;
}

const GlFunctionTable& EglHost::functions() {
    if (functions_.empty()) {
        functions_.reserve(kGlCommandCount);
        for (size_t i = 0; i < kGlCommandCount; ++i)
            functions_.push_back(eglGetProcAddress(kGlCommands[i].name));
    }
    return functions_;
}

EglHost::Surface* EglHost::surface(const void* client, uint32_t id, int32_t width, int32_t height,
                                   uint32_t config, EGLint& error) {
    error = EGL_SUCCESS;
    Surface& s = surfaces_[{client, id}];
    if (s.surface != EGL_NO_SURFACE && s.width == width && s.height == height && s.config == config)
        return &s;
    EGLConfig egl_config = this->config(config);
    if (!egl_config || width <= 0 || height <= 0 || width > 16384 || height > 16384) {
        error = egl_config ? EGL_BAD_PARAMETER : EGL_BAD_CONFIG;
        surfaces_.erase({client, id});
        return nullptr;
    }
    if (s.surface != EGL_NO_SURFACE) eglDestroySurface(display_, s.surface);
    const EGLint attributes[] = {EGL_WIDTH, width, EGL_HEIGHT, height, EGL_NONE};
    s.surface = eglCreatePbufferSurface(display_, egl_config, attributes);
    if (s.surface == EGL_NO_SURFACE) {
        error = eglGetError();
        surfaces_.erase({client, id});
        return nullptr;
    }
    s.width = width;
    s.height = height;
    s.config = config;
    return &s;
}

EglHost::Surface* EglHost::find_surface(const void* client, uint32_t id) {
    auto it = surfaces_.find({client, id});
    return it == surfaces_.end() ? nullptr : &it->second;
}

void EglHost::destroy_surface(const void* client, uint32_t id) {
    auto it = surfaces_.find({client, id});
    if (it == surfaces_.end()) return;
    eglDestroySurface(display_, it->second.surface);
    surfaces_.erase(it);
}

void EglHost::add_context(const void* client, uint32_t ctx_id, EGLContext context) {
    contexts_[{client, ctx_id}] = context;
}

EGLContext EglHost::find_context(const void* client, uint32_t ctx_id) const {
    auto it = contexts_.find({client, ctx_id});
    return it == contexts_.end() ? EGL_NO_CONTEXT : it->second;
}

void EglHost::remove_context(const void* client, uint32_t ctx_id) { contexts_.erase({client, ctx_id}); }

}  // namespace rendersock::server::virgl

namespace rendersock::server::virgl {

void EglHost::forget_client(const void* client) {
    for (auto it = surfaces_.begin(); it != surfaces_.end();) {
        if (it->first.first == client) {
            eglDestroySurface(display_, it->second.surface);
            it = surfaces_.erase(it);
        } else {
            ++it;
        }
    }
}

}  // namespace rendersock::server::virgl
