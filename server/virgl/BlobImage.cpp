// DRM buffers as GL textures: a DRM context's buffer, attached to a virgl
// context of the same client, becomes a texture's storage through an
// EGLImage of its dma-buf. The host imports the buffer as it is; where it
// cannot, the attach is refused with the reason (never a silent copy).
#include <epoxy/egl.h>
#include <epoxy/gl.h>

#include "server/Blob.h"
#include "server/virgl/VirglContext.h"

namespace rendersock::server::virgl {

namespace {

constexpr uint64_t kModifierInvalid = 0x00ffffffffffffffull;  // DRM_FORMAT_MOD_INVALID

struct DmaBufLayout {
    int32_t width = 0;
    int32_t height = 0;
    uint32_t fourcc = 0;
    uint32_t offset = 0;
    uint32_t stride = 0;
    uint64_t modifier = kModifierInvalid;
};

std::vector<EGLint> image_attributes(const DmaBufLayout& layout, int fd) {
    std::vector<EGLint> attributes = {
        EGL_WIDTH, layout.width,
        EGL_HEIGHT, layout.height,
        EGL_LINUX_DRM_FOURCC_EXT, static_cast<EGLint>(layout.fourcc),
        EGL_DMA_BUF_PLANE0_FD_EXT, fd,
        EGL_DMA_BUF_PLANE0_OFFSET_EXT, static_cast<EGLint>(layout.offset),
        EGL_DMA_BUF_PLANE0_PITCH_EXT, static_cast<EGLint>(layout.stride),
    };
    if (layout.modifier != kModifierInvalid) {
        attributes.insert(attributes.end(),
                          {EGL_DMA_BUF_PLANE0_MODIFIER_LO_EXT, static_cast<EGLint>(layout.modifier & 0xffffffffu),
                           EGL_DMA_BUF_PLANE0_MODIFIER_HI_EXT, static_cast<EGLint>(layout.modifier >> 32)});
    }
    attributes.push_back(EGL_NONE);
    return attributes;
}

}  // namespace

Status VirglContext::accepts_dma_buf() const {
    if (!host_->imports_dma_buf())
        return Status::error(fb::ErrorCode::Unsupported,
                             "the host EGL (" + host_->vendor() + " " + host_->version() +
                                 ") lacks EGL_EXT_image_dma_buf_import, so a virgl context cannot use it");
    if (const auto& problem = host_->dma_buf_read_problem())
        return Status::error(fb::ErrorCode::Unsupported, *problem);
    return Status::ok();
}

Status VirglContext::image_from_blob(GlCall& call) {
    const uint32_t blob_id = call.scalar<uint32_t>(0);
    DmaBufLayout layout;
    layout.width = call.scalar<int32_t>(1);
    layout.height = call.scalar<int32_t>(2);
    layout.fourcc = call.scalar<uint32_t>(3);
    layout.offset = call.scalar<uint32_t>(4);
    layout.stride = call.scalar<uint32_t>(5);
    layout.modifier = call.scalar<uint64_t>(6);
    auto blob = client_.find_blob(ctx_id_, blob_id);
    if (!blob || !blob->context_memory())
        return Status::error(fb::ErrorCode::NoSuchBlob, "image-from-blob: blob " + std::to_string(blob_id) +
                                                            " is not a DRM buffer attached to this context");
    // The kernel checks the layout against the buffer as well; these keep
    // the arithmetic below and the driver's from seeing nonsense.
    const uint64_t rows_end = uint64_t(layout.offset) + uint64_t(layout.stride) * uint64_t(layout.height);
    if (layout.width <= 0 || layout.height <= 0 || layout.width > 16384 || layout.height > 16384 ||
        layout.stride == 0 || rows_end > blob->size())
        return Status::error(fb::ErrorCode::OutOfRange,
                             "image-from-blob: " + std::to_string(layout.width) + "x" +
                                 std::to_string(layout.height) + " with stride " + std::to_string(layout.stride) +
                                 " at offset " + std::to_string(layout.offset) + " does not fit blob " +
                                 std::to_string(blob_id) + " of " + std::to_string(blob->size()) + " bytes");
    if (!epoxy_has_gl_extension("GL_OES_EGL_image")) {
        call.put_value<int64_t>(EGL_BAD_MATCH);
        return Status::ok();
    }
    const auto attributes = image_attributes(layout, blob->fd());
    EGLImageKHR image = eglCreateImageKHR(host_->display(), EGL_NO_CONTEXT, EGL_LINUX_DMA_BUF_EXT, nullptr,
                                          attributes.data());
    if (image == EGL_NO_IMAGE_KHR) {
        call.put_value<int64_t>(eglGetError());
        return Status::ok();
    }
    // A GL error here (no texture bound, say) stays for the application's
    // glGetError, as the same call would leave it natively.
    glEGLImageTargetTexture2DOES(GL_TEXTURE_2D, image);
    // The texture holds the storage now; the image handle is not needed.
    eglDestroyImageKHR(host_->display(), image);
    call.put_value<int64_t>(0);
    return Status::ok();
}

}  // namespace rendersock::server::virgl
