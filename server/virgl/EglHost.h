#pragma once
// The host's EGL in a serving process: one display (surfaceless on Mesa,
// the device platform elsewhere), its configs, and the pbuffers that stand
// in for clients' window and pbuffer surfaces. Every client context is a
// host EGL context on this display.

#include <epoxy/egl.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "server/virgl/GlCall.h"
#include "wire/gl/GlCapset.h"

namespace rendersock::server::virgl {

class EglHost {
public:
    // `dma_buf_node`: the render node DRM contexts allocate on (empty: none).
    static std::shared_ptr<EglHost> create(const std::string& dma_buf_node, std::string& error);
    ~EglHost();

    EGLDisplay display() const { return display_; }
    const std::vector<wire::gl::GlConfig>& configs() const { return configs_; }
    const std::string& vendor() const { return vendor_; }
    const std::string& version() const { return version_; }
    EGLConfig config(uint32_t id) const;
    // EGL_EXT_image_dma_buf_import: DRM buffers can be textures, no copy.
    bool imports_dma_buf() const { return imports_dma_buf_; }
    // Why the import reads DRM buffers wrong here, if it does: probed once,
    // at the first need (server/virgl/DmaBufProbe.h).
    const std::optional<std::string>& dma_buf_read_problem();
    // Host entry points for the generated commands (resolved once).
    const GlFunctionTable& functions();

    // Surfaces are per client (ContextHost), shared by its contexts.
    struct Surface {
        EGLSurface surface = EGL_NO_SURFACE;
        int32_t width = 0;
        int32_t height = 0;
        uint32_t config = 0;
    };
    // The surface `id`, (re)created at the given size when needed.
    Surface* surface(const void* client, uint32_t id, int32_t width, int32_t height,
                     uint32_t config, EGLint& error);
    Surface* find_surface(const void* client, uint32_t id);
    void destroy_surface(const void* client, uint32_t id);
    void forget_client(const void* client);

    // Contexts by client id, for share groups.
    void add_context(const void* client, uint32_t ctx_id, EGLContext context);
    EGLContext find_context(const void* client, uint32_t ctx_id) const;
    void remove_context(const void* client, uint32_t ctx_id);

private:
    EglHost() = default;
    bool initialize(std::string& error);

    EGLDisplay display_ = EGL_NO_DISPLAY;
    std::vector<wire::gl::GlConfig> configs_;
    std::vector<EGLConfig> egl_configs_;
    std::string vendor_, version_;
    bool imports_dma_buf_ = false;
    std::string dma_buf_node_;
    bool dma_buf_probed_ = false;
    std::optional<std::string> dma_buf_read_problem_;
    GlFunctionTable functions_;
    std::map<std::pair<const void*, uint32_t>, Surface> surfaces_;
    std::map<std::pair<const void*, uint32_t>, EGLContext> contexts_;
};

}  // namespace rendersock::server::virgl
