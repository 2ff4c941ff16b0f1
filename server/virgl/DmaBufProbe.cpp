#include "server/virgl/DmaBufProbe.h"

#include <drm_fourcc.h>
#include <epoxy/gl.h>
#include <linux/dma-buf.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <cstring>
#include <vector>

#include "server/drm/DrmAllocation.h"
#include "server/drm/DrmDevice.h"
#include "wire/Log.h"

namespace rendersock::server::virgl {
namespace {

constexpr int32_t kWidth = 32;
constexpr int32_t kHeight = 8;

uint8_t pattern_byte(size_t pixel, size_t channel) { return static_cast<uint8_t>(pixel * 29 + channel * 71 + 5); }

// Writes the pattern through a CPU mapping of the dma-buf.
bool write_pattern(const drm::DrmAllocation& buffer) {
    const size_t size = size_t{buffer.offset} + size_t{buffer.stride} * kHeight;
    void* memory = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, buffer.dmabuf.get(), 0);
    if (memory == MAP_FAILED) return false;
    dma_buf_sync sync{DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE};
    ioctl(buffer.dmabuf.get(), DMA_BUF_IOCTL_SYNC, &sync);
    auto* bytes = static_cast<uint8_t*>(memory) + buffer.offset;
    for (int32_t y = 0; y < kHeight; ++y)
        for (int32_t x = 0; x < kWidth; ++x)
            for (size_t c = 0; c < 4; ++c)
                bytes[size_t(y) * buffer.stride + size_t(x) * 4 + c] = pattern_byte(size_t(y) * kWidth + x, c);
    sync.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE;
    ioctl(buffer.dmabuf.get(), DMA_BUF_IOCTL_SYNC, &sync);
    munmap(memory, size);
    return true;
}

// XRGB8888 is B, G, R, X in memory; read back as RGBA.
size_t count_differing_pixels(const std::vector<uint8_t>& rgba) {
    size_t differ = 0;
    for (size_t pixel = 0; pixel < size_t{kWidth} * kHeight; ++pixel) {
        const uint8_t* got = &rgba[pixel * 4];
        if (got[0] != pattern_byte(pixel, 2) || got[1] != pattern_byte(pixel, 1) || got[2] != pattern_byte(pixel, 0))
            ++differ;
    }
    return differ;
}

// The current context and surfaces, put back when the probe is done with
// its own (the client's context may be current on this thread).
class CurrentContextKeeper {
public:
    explicit CurrentContextKeeper(EGLDisplay display)
        : display_(display),
          context_(eglGetCurrentContext()),
          draw_(eglGetCurrentSurface(EGL_DRAW)),
          read_(eglGetCurrentSurface(EGL_READ)),
          api_(eglQueryAPI()) {}
    ~CurrentContextKeeper() {
        eglBindAPI(api_);
        eglMakeCurrent(display_, draw_, read_, context_);
    }
    CurrentContextKeeper(const CurrentContextKeeper&) = delete;
    CurrentContextKeeper& operator=(const CurrentContextKeeper&) = delete;

private:
    EGLDisplay display_;
    EGLContext context_;
    EGLSurface draw_, read_;
    EGLenum api_;
};

// Reads the image through a framebuffer, in the current context; empty
// when the texture is no complete framebuffer.
std::vector<uint8_t> read_image(EGLImageKHR image) {
    GLuint texture = 0, framebuffer = 0;
    glGenTextures(1, &texture);
    glBindTexture(GL_TEXTURE_2D, texture);
    glEGLImageTargetTexture2DOES(GL_TEXTURE_2D, image);
    glGenFramebuffers(1, &framebuffer);
    glBindFramebuffer(GL_FRAMEBUFFER, framebuffer);
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, texture, 0);
    std::vector<uint8_t> rgba;
    if (glCheckFramebufferStatus(GL_FRAMEBUFFER) == GL_FRAMEBUFFER_COMPLETE) {
        rgba.resize(size_t{kWidth} * kHeight * 4);
        glPixelStorei(GL_PACK_ALIGNMENT, 1);
        glReadPixels(0, 0, kWidth, kHeight, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
    }
    glDeleteFramebuffers(1, &framebuffer);
    glDeleteTextures(1, &texture);
    return rgba;
}

// Imports the buffer as image-from-blob does, in a context of the probe's
// own (epoxy finds EGL's image entry points through the current display);
// empty on an EGL or GL failure, with `failure` saying which.
std::vector<uint8_t> read_through_gl(EGLDisplay display, EGLConfig config, const drm::DrmAllocation& buffer,
                                     std::string& failure) {
    CurrentContextKeeper keeper(display);
    eglBindAPI(EGL_OPENGL_API);
    const EGLint surface_size[] = {EGL_WIDTH, 1, EGL_HEIGHT, 1, EGL_NONE};
    EGLSurface surface = eglCreatePbufferSurface(display, config, surface_size);
    EGLContext context = eglCreateContext(display, config, EGL_NO_CONTEXT, nullptr);
    std::vector<uint8_t> rgba;
    if (surface != EGL_NO_SURFACE && context != EGL_NO_CONTEXT &&
        eglMakeCurrent(display, surface, surface, context)) {
        const EGLint attributes[] = {
            EGL_WIDTH, kWidth, EGL_HEIGHT, kHeight, EGL_LINUX_DRM_FOURCC_EXT, DRM_FORMAT_XRGB8888,
            EGL_DMA_BUF_PLANE0_FD_EXT, buffer.dmabuf.get(),
            EGL_DMA_BUF_PLANE0_OFFSET_EXT, static_cast<EGLint>(buffer.offset),
            EGL_DMA_BUF_PLANE0_PITCH_EXT, static_cast<EGLint>(buffer.stride), EGL_NONE};
        EGLImageKHR image = eglCreateImageKHR(display, EGL_NO_CONTEXT, EGL_LINUX_DMA_BUF_EXT, nullptr, attributes);
        if (image == EGL_NO_IMAGE_KHR) {
            failure = "eglCreateImageKHR refused it (EGL error " + std::to_string(eglGetError()) + ")";
        } else {
            rgba = read_image(image);
            if (rgba.empty()) failure = "a texture of it is not a complete framebuffer";
            eglDestroyImageKHR(display, image);
        }
    } else {
        failure = "no EGL context for the probe (EGL error " + std::to_string(eglGetError()) + ")";
    }
    eglMakeCurrent(display, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
    if (context != EGL_NO_CONTEXT) eglDestroyContext(display, context);
    if (surface != EGL_NO_SURFACE) eglDestroySurface(display, surface);
    return rgba;
}

}  // namespace

std::optional<std::string> find_dma_buf_read_problem(EGLDisplay display, EGLConfig config,
                                                     const std::string& node) {
    std::string error;
    auto device = drm::DrmDevice::open(node, error);
    if (!device) return std::nullopt;
    drm::DrmAllocation buffer;
    const drm::DrmAllocationRequest request{kWidth, kHeight, DRM_FORMAT_XRGB8888, DRM_FORMAT_MOD_INVALID,
                                            wire::drm::kUsageLinear | wire::drm::kUsageRendering};
    if (drm::allocate_drm_buffer(*device, request, buffer, error) != 0 || !write_pattern(buffer)) {
        RS_DEBUG("dma-buf probe: no probe buffer on %s (%s); not judged", node.c_str(), error.c_str());
        drm::release_drm_buffer(*device, buffer);
        return std::nullopt;
    }
    std::string failure;
    const std::vector<uint8_t> rgba = read_through_gl(display, config, buffer, failure);
    drm::release_drm_buffer(*device, buffer);
    const std::string what = "the host EGL imports buffers of " + node + " but ";
    if (rgba.empty()) return what + "cannot read one back: " + failure;
    const size_t differ = count_differing_pixels(rgba);
    if (differ == 0) return std::nullopt;
    return what + "reads other bytes than they hold (probe: " + std::to_string(differ) + " of " +
           std::to_string(kWidth * kHeight) + " pixels of a " + std::to_string(kWidth) + "x" +
           std::to_string(kHeight) + " XR24 buffer differ), so DRM buffers cannot be shared with GL here";
}

}  // namespace rendersock::server::virgl
