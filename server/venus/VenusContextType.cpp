#include "server/venus/VenusContextType.h"

#include <cstdio>
#include <cstring>

#include "server/ChildProbe.h"
#include "server/venus/VenusContext.h"
#include "wire/Log.h"

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
    const auto& properties = host_->properties();
    capset_.struct_size = sizeof(capset_);
    capset_.wire_version = wire::venus::kVenusWireVersion;
    capset_.vk_xml_version = VK_HEADER_VERSION_COMPLETE;
    capset_.host_api_version = properties.apiVersion;
    capset_.host_vendor_id = properties.vendorID;
    capset_.host_device_id = properties.deviceID;
    std::snprintf(capset_.host_device_name, sizeof(capset_.host_device_name), "%s",
                  properties.deviceName);
}

// Probed in a short-lived child (server/ChildProbe.h); serving children
// inherit the answer and load the driver only when a context is created.
void VenusContextType::probe_in_child_process() {
    const ProbeReport report = probe_in_child(
        [this] {
            probe();
            std::vector<uint8_t> data(sizeof(capset_));
            std::memcpy(data.data(), &capset_, sizeof(capset_));
            return ProbeReport{host_ != nullptr, std::move(data), unavailable_};
        },
        "Vulkan");
    probed_ = true;
    if (report.data.size() == sizeof(capset_)) std::memcpy(&capset_, report.data.data(), sizeof(capset_));
    prober_said_available_ = report.available;
    if (!report.available) unavailable_ = report.reason.empty() ? "no Vulkan device" : report.reason;
}

std::optional<std::string> VenusContextType::unavailable_reason() {
    probe_if_needed();
    if (unavailable_.empty()) return std::nullopt;
    return unavailable_;
}

void VenusContextType::probe_if_needed() {
    if (!probed_) probe();
}

uint32_t VenusContextType::max_version() const { return wire::venus::kVenusWireVersion; }

std::string VenusContextType::description() {
    probe_if_needed();
    return unavailable_.empty() ? capset_.host_device_name : unavailable_;
}

std::vector<uint8_t> VenusContextType::capset_data(uint32_t /*version*/) {
    probe_if_needed();
    std::vector<uint8_t> bytes(sizeof(capset_));
    std::memcpy(bytes.data(), &capset_, sizeof(capset_));
    return bytes;
}

std::unique_ptr<Context> VenusContextType::create(const ContextCreateInfo& info, Status& status) {
    probe_if_needed();
    if (!host_ && prober_said_available_) {
        // First context of this serving process: load the driver now.
        std::string error;
        auto host = VulkanHost::create(options_.vulkan_device.value_or(0), error);
        if (!host) {
            status = Status::error(fb::ErrorCode::HostFailure, error);
            return nullptr;
        }
        host_ = std::move(host);
    }
    if (!host_) {
        status = Status::error(fb::ErrorCode::Unsupported, unavailable_);
        return nullptr;
    }
    return std::make_unique<VenusContext>(info, host_, !options_.no_host_pointer_import);
}

}  // namespace rendersock::server::venus
