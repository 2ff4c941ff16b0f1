#pragma once
// A virgl (OpenGL) context: one host EGL context, fed by the client's GL
// stream (wire/gl/GlWire.h). Generated stubs run the GL commands; the
// private commands here follow what EGL/GLX do on the client (context
// creation, make-current, presenting) and what the client builds on top of
// GL (client-side arrays, buffer mappings).

#include <array>
#include <map>
#include <memory>
#include <span>
#include <vector>

#include "server/ContextRegistry.h"
#include "server/virgl/EglHost.h"
#include "server/virgl/GlCall.h"

namespace rendersock::server::virgl {

class VirglContext final : public Context {
public:
    VirglContext(const ContextCreateInfo& info, std::shared_ptr<EglHost> host);
    ~VirglContext() override;

    fb::CapsetType type() const override { return fb::CapsetType::Virgl; }
    Status submit(uint32_t ring, std::span<const std::byte> stream, std::vector<std::byte>* reply) override;
    void fence(uint32_t ring, FenceSignal signal) override;
    Status accepts_dma_buf() const override;

private:
    Status execute(uint32_t op, std::span<const std::byte> body, std::vector<std::byte>* reply);
    Status execute_private(uint32_t op, GlCall& call);
    Status create_context(GlCall& call);
    Status make_current(GlCall& call);
    Status present(GlCall& call);
    Status get_string(GlCall& call);
    Status client_array(GlCall& call);
    Status index_range(GlCall& call);
    Status map_buffer_range(GlCall& call);
    Status select_buffer(GlCall& call);
    Status render_mode(GlCall& call);
    Status image_from_blob(GlCall& call);
    Status unmap_buffer(GlCall& call);
    Status flush_mapped_range(GlCall& call);
    bool ensure_current();
    std::shared_ptr<Blob> memory_blob(uint32_t blob_id);
    int host_major_version() const;
    GLuint null_array_buffer();
    bool is_gles() const { return api_ == 1; }

    uint32_t ctx_id_;
    ContextHost& client_;
    std::shared_ptr<EglHost> host_;
    EGLContext context_ = EGL_NO_CONTEXT;
    uint32_t api_ = 0;
    uint32_t major_ = 0;
    bool full_pixel_store_ = true;
    uint32_t draw_id_ = 0, read_id_ = 0;
    SyncTable syncs_;
    BlobLookup blobs_;
    GLuint null_array_buffer_ = 0;
    std::vector<GLuint> select_buffer_, feedback_buffer_;
    std::array<GLuint, 64> scratch_buffers_{};  // client-array uploads
    struct Mapping {
        void* pointer = nullptr;
        uint64_t length = 0;
        std::shared_ptr<Blob> blob;  // the client's copy, when shared
    };
    std::map<GLenum, Mapping> mappings_;  // by buffer target
};

}  // namespace rendersock::server::virgl
