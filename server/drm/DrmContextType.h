#pragma once

#include "server/ContextRegistry.h"
#include "wire/drm/DrmWire.h"

namespace rendersock::server::drm {

// DRM contexts on the host's render node (--rendernode PATH, or the first
// /dev/dri/renderD* that opens). Offered only where such a node exists.
class DrmContextType final : public ContextType {
public:
    explicit DrmContextType(const Options& options);

    fb::CapsetType capset() const override { return fb::CapsetType::Drm; }
    const char* name() const override { return "DRM"; }
    std::optional<std::string> unavailable_reason() override;
    uint32_t max_version() const override { return wire::drm::kDrmCapsetVersion; }
    std::string description() override;
    std::vector<uint8_t> capset_data(uint32_t version) override;
    std::unique_ptr<Context> create(const ContextCreateInfo& info, Status& status) override;
    void probe_in_child_process() override;

private:
    void probe();

    const Options& options_;
    bool probed_ = false;
    std::string node_;
    std::string unavailable_;
    std::vector<uint8_t> capset_;
};

}  // namespace rendersock::server::drm
