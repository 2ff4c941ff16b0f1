#pragma once

#include <memory>

#include "server/ContextRegistry.h"
#include "server/virgl/EglHost.h"

namespace rendersock::server::virgl {

// OpenGL / OpenGL ES contexts on the host's EGL (see VirglContext).
class VirglContextType final : public ContextType {
public:
    // The host EGL needs no options yet (upstream's --use-gles and
    // --use-egl-surfaceless are what it does anyway).
    explicit VirglContextType(const Options& options);
    ~VirglContextType() override;

    fb::CapsetType capset() const override { return fb::CapsetType::Virgl; }
    const char* name() const override { return "virgl (OpenGL)"; }
    std::optional<std::string> unavailable_reason() override;
    uint32_t max_version() const override;
    std::string description() override;
    std::vector<uint8_t> capset_data(uint32_t version) override;
    std::unique_ptr<Context> create(const ContextCreateInfo& info, Status& status) override;
    void probe_in_child_process() override;

private:
    void probe();
    void probe_if_needed() {
        if (!probed_) probe();
    }

    bool probed_ = false;
    bool prober_said_available_ = false;
    std::string unavailable_;
    std::shared_ptr<EglHost> host_;
    std::string dma_buf_node_;
    std::vector<uint8_t> capset_;
};

}  // namespace rendersock::server::virgl
