#pragma once
// A Venus (Vulkan) context: decodes the client's Venus command stream and
// runs it on the host's Vulkan device.

#include <memory>

#include "server/ContextRegistry.h"
#include "server/venus/VulkanHost.h"

namespace rendersock::server::venus {

class VenusContext final : public Context {
public:
    VenusContext(const ContextCreateInfo& info, std::shared_ptr<VulkanHost> host);

    fb::CapsetType type() const override { return fb::CapsetType::Venus; }
    Status submit(uint32_t ring, std::span<const std::byte> stream) override;

private:
    uint32_t ctx_id_;
    ContextHost& host_io_;
    std::shared_ptr<VulkanHost> host_;
};

}  // namespace rendersock::server::venus
