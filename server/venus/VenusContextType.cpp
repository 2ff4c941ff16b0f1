#include "server/venus/VenusContextType.h"

#include <cstdio>
#include <cstring>

#include "server/venus/VenusContext.h"
#include "wire/venus/VenusCapset.h"

namespace rendersock::server::venus {

VenusContextType::VenusContextType(const Options& options) : options_(options) {}
VenusContextType::~VenusContextType() = default;

void VenusContextType::probe() {
    if (probed_) return;
    probed_ = true;
    std::string error;
    auto host = VulkanHost::create(options_.vulkan_device.value_or(0), error);
    if (!host) {
        unavailable_ = error;
        return;
    }
    host_ = std::move(host);
}

std::optional<std::string> VenusContextType::unavailable_reason() {
    probe();
    if (unavailable_.empty()) return std::nullopt;
    return unavailable_;
}

uint32_t VenusContextType::max_version() const { return wire::venus::kVenusWireVersion; }

std::string VenusContextType::description() {
    probe();
    return host_ ? host_->properties().deviceName : unavailable_;
}

std::vector<uint8_t> VenusContextType::capset_data(uint32_t /*version*/) {
    probe();
    wire::venus::VenusCapset capset{};
    capset.struct_size = sizeof(capset);
    capset.wire_version = wire::venus::kVenusWireVersion;
    capset.vk_xml_version = VK_HEADER_VERSION_COMPLETE;
    if (host_) {
        const auto& properties = host_->properties();
        capset.host_api_version = properties.apiVersion;
        capset.host_vendor_id = properties.vendorID;
        capset.host_device_id = properties.deviceID;
        std::snprintf(capset.host_device_name, sizeof(capset.host_device_name), "%s",
                      properties.deviceName);
    }
    std::vector<uint8_t> bytes(sizeof(capset));
    std::memcpy(bytes.data(), &capset, sizeof(capset));
    return bytes;
}

std::unique_ptr<Context> VenusContextType::create(const ContextCreateInfo& info, Status& status) {
    probe();
    if (!host_) {
        status = Status::error(fb::ErrorCode::Unsupported, unavailable_);
        return nullptr;
    }
    return std::make_unique<VenusContext>(info, host_, !options_.no_host_pointer_import);
}

}  // namespace rendersock::server::venus
