#pragma once
// What a virgl capset query answers (server → client): the host's
// framebuffer configurations, which become the client's EGL configs and
// GLX fbconfigs, and the host's renderer for logs.

#include <cstdint>

namespace rendersock::wire::gl {

inline constexpr uint32_t kGlCapsetMagic = 0x4c475352;  // "RSGL"
inline constexpr uint32_t kGlCapsetVersion = 1;
inline constexpr uint32_t kMaxGlConfigs = 256;

struct GlConfig {
    uint32_t id;  // the host's EGL config id
    uint32_t red, green, blue, alpha, depth, stencil, samples;
    uint32_t renderable;  // EGL_OPENGL_BIT | EGL_OPENGL_ES2_BIT | EGL_OPENGL_ES3_BIT_KHR
};

struct GlCapsetHeader {
    uint32_t magic;
    uint32_t version;
    uint32_t config_count;
    uint32_t config_size;  // sizeof(GlConfig)
    char egl_vendor[64];
    char egl_version[64];
};

}  // namespace rendersock::wire::gl
