#include "tests/drm/GlReadback.h"

#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <GLES2/gl2.h>
#include <GLES2/gl2ext.h>
#include <fcntl.h>
#include <gbm.h>
#include <unistd.h>

#include <cstring>

namespace rendersock::testing {

struct GlReadback::Impl {
    int fd = -1;
    gbm_device* gbm = nullptr;
    EGLDisplay display = EGL_NO_DISPLAY;
    EGLContext context = EGL_NO_CONTEXT;
    PFNEGLCREATEIMAGEKHRPROC create_image = nullptr;
    PFNEGLDESTROYIMAGEKHRPROC destroy_image = nullptr;
    PFNGLEGLIMAGETARGETTEXTURE2DOESPROC image_target_texture = nullptr;
};

std::unique_ptr<GlReadback> GlReadback::open(const std::string& node, std::string& error) {
    std::unique_ptr<GlReadback> reader(new GlReadback());
    reader->impl_ = std::make_unique<Impl>();
    Impl& gl = *reader->impl_;
    gl.fd = ::open(node.c_str(), O_RDWR | O_CLOEXEC);
    if (gl.fd < 0) return error = "cannot open " + node, nullptr;
    gl.gbm = gbm_create_device(gl.fd);
    if (!gl.gbm) return error = "no GBM device on " + node, nullptr;
    auto get_display = reinterpret_cast<PFNEGLGETPLATFORMDISPLAYEXTPROC>(
        eglGetProcAddress("eglGetPlatformDisplayEXT"));
    gl.display = get_display ? get_display(EGL_PLATFORM_GBM_KHR, gl.gbm, nullptr) : EGL_NO_DISPLAY;
    EGLint major = 0, minor = 0;
    if (gl.display == EGL_NO_DISPLAY || !eglInitialize(gl.display, &major, &minor))
        return error = "no EGL on GBM on " + node, nullptr;
    const char* extensions = eglQueryString(gl.display, EGL_EXTENSIONS);
    if (!extensions || !std::strstr(extensions, "EGL_EXT_image_dma_buf_import"))
        return error = "EGL on " + node + " cannot import dma-bufs", nullptr;
    eglBindAPI(EGL_OPENGL_ES_API);
    const EGLint attributes[] = {EGL_CONTEXT_CLIENT_VERSION, 2, EGL_NONE};
    gl.context = eglCreateContext(gl.display, EGL_NO_CONFIG_KHR, EGL_NO_CONTEXT, attributes);
    if (gl.context == EGL_NO_CONTEXT || !eglMakeCurrent(gl.display, EGL_NO_SURFACE, EGL_NO_SURFACE, gl.context))
        return error = "no surfaceless GLES2 context on " + node, nullptr;
    gl.create_image = reinterpret_cast<PFNEGLCREATEIMAGEKHRPROC>(eglGetProcAddress("eglCreateImageKHR"));
    gl.destroy_image = reinterpret_cast<PFNEGLDESTROYIMAGEKHRPROC>(eglGetProcAddress("eglDestroyImageKHR"));
    gl.image_target_texture = reinterpret_cast<PFNGLEGLIMAGETARGETTEXTURE2DOESPROC>(
        eglGetProcAddress("glEGLImageTargetTexture2DOES"));
    if (!gl.create_image || !gl.destroy_image || !gl.image_target_texture)
        return error = "EGLImage entry points missing", nullptr;
    return reader;
}

GlReadback::~GlReadback() {
    Impl& gl = *impl_;
    if (gl.display != EGL_NO_DISPLAY) {
        eglMakeCurrent(gl.display, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
        if (gl.context != EGL_NO_CONTEXT) eglDestroyContext(gl.display, gl.context);
        eglTerminate(gl.display);
    }
    if (gl.gbm) gbm_device_destroy(gl.gbm);
    if (gl.fd >= 0) ::close(gl.fd);
}

std::optional<std::vector<uint8_t>> GlReadback::read(int dmabuf, uint32_t width, uint32_t height, uint32_t fourcc,
                                                     uint32_t stride, uint32_t offset, std::string& error) {
    Impl& gl = *impl_;
    const EGLint attributes[] = {EGL_WIDTH, static_cast<EGLint>(width), EGL_HEIGHT, static_cast<EGLint>(height),
                                 EGL_LINUX_DRM_FOURCC_EXT, static_cast<EGLint>(fourcc),
                                 EGL_DMA_BUF_PLANE0_FD_EXT, dmabuf,
                                 EGL_DMA_BUF_PLANE0_OFFSET_EXT, static_cast<EGLint>(offset),
                                 EGL_DMA_BUF_PLANE0_PITCH_EXT, static_cast<EGLint>(stride), EGL_NONE};
    EGLImageKHR image = gl.create_image(gl.display, EGL_NO_CONTEXT, EGL_LINUX_DMA_BUF_EXT, nullptr, attributes);
    if (image == EGL_NO_IMAGE_KHR) {
        error = "eglCreateImageKHR(EGL_LINUX_DMA_BUF_EXT) failed: 0x" + std::to_string(eglGetError());
        return std::nullopt;
    }
    GLuint texture = 0, framebuffer = 0;
    glGenTextures(1, &texture);
    glBindTexture(GL_TEXTURE_2D, texture);
    gl.image_target_texture(GL_TEXTURE_2D, image);
    glGenFramebuffers(1, &framebuffer);
    glBindFramebuffer(GL_FRAMEBUFFER, framebuffer);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, texture, 0);
    std::optional<std::vector<uint8_t>> pixels;
    if (glCheckFramebufferStatus(GL_FRAMEBUFFER) == GL_FRAMEBUFFER_COMPLETE) {
        pixels.emplace(size_t{width} * height * 4);
        glPixelStorei(GL_PACK_ALIGNMENT, 1);
        glReadPixels(0, 0, static_cast<GLsizei>(width), static_cast<GLsizei>(height), GL_RGBA, GL_UNSIGNED_BYTE,
                     pixels->data());
        if (glGetError() != GL_NO_ERROR) {
            error = "glReadPixels failed";
            pixels.reset();
        }
    } else {
        error = "the imported image is not a complete framebuffer";
    }
    glDeleteFramebuffers(1, &framebuffer);
    glDeleteTextures(1, &texture);
    gl.destroy_image(gl.display, image);
    return pixels;
}

}  // namespace rendersock::testing
