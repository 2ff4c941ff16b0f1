#include "server/drm/DrmContextType.h"

#include <cstring>

#include "server/ChildProbe.h"
#include "server/drm/DrmContext.h"

namespace rendersock::server::drm {

DrmContextType::DrmContextType(const Options& options) : options_(options) {}

// Opening the node loads libgbm's driver: in the fork-per-client parent
// this runs in a child (probe_in_child_process).
void DrmContextType::probe() {
    if (probed_) return;
    probed_ = true;
    node_ = options_.render_node;
    if (node_.empty()) node_ = DrmDevice::default_node(unavailable_);
    if (node_.empty()) return;
    std::string error;
    auto device = DrmDevice::open(node_, error);
    if (!device) {
        unavailable_ = error;
        return;
    }
    capset_.resize(sizeof(wire::drm::DrmCapset));
    std::memcpy(capset_.data(), &device->capset(), sizeof(wire::drm::DrmCapset));
}

void DrmContextType::probe_in_child_process() {
    const ProbeReport report = probe_in_child(
        [this] {
            probe();
            return ProbeReport{unavailable_.empty(), capset_, unavailable_};
        },
        "DRM");
    probed_ = true;
    capset_ = report.data;
    unavailable_ = report.available ? std::string() : (report.reason.empty() ? "no render node" : report.reason);
    if (capset_.size() == sizeof(wire::drm::DrmCapset)) {
        wire::drm::DrmCapset capset{};
        std::memcpy(&capset, capset_.data(), sizeof(capset));
        node_ = std::string(capset.node, strnlen(capset.node, sizeof(capset.node)));
    }
}

std::optional<std::string> DrmContextType::unavailable_reason() {
    probe();
    if (unavailable_.empty()) return std::nullopt;
    return unavailable_;
}

std::string DrmContextType::description() {
    probe();
    if (!unavailable_.empty()) return unavailable_;
    wire::drm::DrmCapset capset{};
    std::memcpy(&capset, capset_.data(), std::min(capset_.size(), sizeof(capset)));
    std::string text = std::string(capset.driver) + " " + std::to_string(capset.version_major) + "." +
                       std::to_string(capset.version_minor) + "." + std::to_string(capset.version_patch) +
                       " on " + capset.node + " (";
    const char* separator = "";
    auto add = [&](uint32_t bit, const char* what) {
        if (capset.caps & bit) {
            text += separator;
            text += what;
            separator = ", ";
        }
    };
    add(wire::drm::kCapGbm, "gbm");
    add(wire::drm::kCapDumb, "dumb buffers");
    add(wire::drm::kCapPrime, "prime");
    add(wire::drm::kCapSyncobj, "syncobj");
    add(wire::drm::kCapSyncobjTimeline, "timelines");
    return text + ")";
}

std::vector<uint8_t> DrmContextType::capset_data(uint32_t /*version*/) {
    probe();
    return capset_;
}

std::unique_ptr<Context> DrmContextType::create(const ContextCreateInfo& info, Status& status) {
    probe();
    if (!unavailable_.empty()) {
        status = Status::error(fb::ErrorCode::Unsupported, "DRM contexts are not available: " + unavailable_);
        return nullptr;
    }
    std::string error;
    auto device = DrmDevice::open(node_, error);
    if (!device) {
        status = Status::error(fb::ErrorCode::HostFailure, error);
        return nullptr;
    }
    return std::make_unique<DrmContext>(std::move(device), info, options_.limits.max_blob_bytes);
}

}  // namespace rendersock::server::drm
