#pragma once
// Reads a dma-buf through GL: EGL on GBM on the same DRM node (Mesa's
// kms_swrast with llvmpipe in the test VM) imports it as an EGLImage
// (EGL_EXT_image_dma_buf_import), and glReadPixels returns its pixels as
// RGBA. A second, independent reader of what the client wrote through its
// mapping: it sees the buffer only through the kernel, with the layout
// (stride, offset, format) the server reported.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace rendersock::testing {

class GlReadback {
public:
    // Null (and `error` says why) when the node has no EGL on GBM.
    static std::unique_ptr<GlReadback> open(const std::string& node, std::string& error);
    ~GlReadback();

    // RGBA8 rows, bottom row of the buffer last, or nothing (`error` says why).
    std::optional<std::vector<uint8_t>> read(int dmabuf, uint32_t width, uint32_t height, uint32_t fourcc,
                                             uint32_t stride, uint32_t offset, std::string& error);

private:
    GlReadback() = default;
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace rendersock::testing
