#pragma once

#include <memory>

#include "server/ContextRegistry.h"
#include "server/venus/VulkanHost.h"
#include "wire/venus/VenusCapset.h"

namespace rendersock::server::venus {

class VenusContextType final : public ContextType {
public:
    explicit VenusContextType(const Options& options);
    ~VenusContextType() override;

    fb::CapsetType capset() const override { return fb::CapsetType::Venus; }
    const char* name() const override { return "Venus (Vulkan)"; }
    std::optional<std::string> unavailable_reason() override;
    uint32_t max_version() const override;
    std::string description() override;
    std::vector<uint8_t> capset_data(uint32_t version) override;
    std::unique_ptr<Context> create(const ContextCreateInfo& info, Status& status) override;
    void probe_in_child_process() override;

private:
    void probe();
    void probe_if_needed();

    const Options& options_;
    bool probed_ = false;
    std::string unavailable_;
    std::shared_ptr<VulkanHost> host_;
    wire::venus::VenusCapset capset_{};
    bool prober_said_available_ = false;
};

}  // namespace rendersock::server::venus
