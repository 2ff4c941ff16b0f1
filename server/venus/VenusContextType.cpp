#include "server/venus/VenusContextType.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

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

// The parent never loads a host driver (drivers are known to break when
// loaded before a fork), yet every client wants to know at once what the
// host offers. A short-lived child probes and reports; serving children
// inherit the answer and load the driver only when a context is created.
void VenusContextType::probe_in_child_process() {
    int channel[2];
    if (::pipe(channel) != 0) return;
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(channel[0]);
        probe();
        const uint8_t available = host_ ? 1 : 0;
        [[maybe_unused]] ssize_t n = ::write(channel[1], &available, 1);
        n = ::write(channel[1], &capset_, sizeof(capset_));
        n = ::write(channel[1], unavailable_.data(), std::min<size_t>(unavailable_.size(), 4000));
        ::_exit(0);
    }
    ::close(channel[1]);
    if (pid < 0) {
        ::close(channel[0]);
        return;
    }
    std::string report;
    char buffer[4096];
    ssize_t n;
    while ((n = ::read(channel[0], buffer, sizeof(buffer))) > 0) report.append(buffer, static_cast<size_t>(n));
    ::close(channel[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    probed_ = true;
    if (report.size() < 1 + sizeof(capset_)) {
        unavailable_ = "the host Vulkan driver crashed while being probed";
        return;
    }
    std::memcpy(&capset_, report.data() + 1, sizeof(capset_));
    if (report[0]) {
        prober_said_available_ = true;
    } else {
        unavailable_ = report.substr(1 + sizeof(capset_));
        if (unavailable_.empty()) unavailable_ = "no Vulkan device";
    }
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
