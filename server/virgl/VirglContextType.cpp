#include "server/virgl/VirglContextType.h"

#include <cstdio>
#include <cstring>

#include "server/ChildProbe.h"
#include "server/drm/DrmDevice.h"
#include "server/virgl/VirglContext.h"
#include "wire/Log.h"

namespace rendersock::server::virgl {

namespace gl = wire::gl;

VirglContextType::VirglContextType(const Options& options) {
    // DRM contexts allocate on this node (server/drm/DrmContextType.cpp);
    // the dma-buf probe allocates there too.
    std::string ignored;
    dma_buf_node_ = options.render_node.empty() ? drm::DrmDevice::default_node(ignored) : options.render_node;
}
VirglContextType::~VirglContextType() = default;

void VirglContextType::probe() {
    if (probed_) return;
    probed_ = true;
    std::string error;
    host_ = EglHost::create(dma_buf_node_, error);
    if (!host_) {
        unavailable_ = error;
        return;
    }
    gl::GlCapsetHeader header{};
    header.magic = gl::kGlCapsetMagic;
    header.version = gl::kGlCapsetVersion;
    header.config_count = static_cast<uint32_t>(host_->configs().size());
    header.config_size = sizeof(gl::GlConfig);
    std::snprintf(header.egl_vendor, sizeof(header.egl_vendor), "%s", host_->vendor().c_str());
    std::snprintf(header.egl_version, sizeof(header.egl_version), "%s", host_->version().c_str());
    capset_.resize(sizeof(header) + header.config_count * sizeof(gl::GlConfig));
    std::memcpy(capset_.data(), &header, sizeof(header));
    std::memcpy(capset_.data() + sizeof(header), host_->configs().data(),
                header.config_count * sizeof(gl::GlConfig));
}

// Probed in a short-lived child (server/ChildProbe.h).
void VirglContextType::probe_in_child_process() {
    const ProbeReport report = probe_in_child(
        [this] {
            probe();
            return ProbeReport{host_ != nullptr, capset_, unavailable_};
        },
        "EGL");
    probed_ = true;
    capset_ = report.data;
    prober_said_available_ = report.available;
    unavailable_ = report.available ? std::string() : (report.reason.empty() ? "no EGL display" : report.reason);
}

std::optional<std::string> VirglContextType::unavailable_reason() {
    probe_if_needed();
    if (unavailable_.empty()) return std::nullopt;
    return unavailable_;
}

uint32_t VirglContextType::max_version() const { return gl::kGlCapsetVersion; }

std::string VirglContextType::description() {
    probe_if_needed();
    if (!unavailable_.empty()) return unavailable_;
    gl::GlCapsetHeader header{};
    std::memcpy(&header, capset_.data(), std::min(capset_.size(), sizeof(header)));
    return std::string("EGL ") + header.egl_version + " (" + header.egl_vendor + "), " +
           std::to_string(header.config_count) + " configs";
}

std::vector<uint8_t> VirglContextType::capset_data(uint32_t /*version*/) {
    probe_if_needed();
    return capset_;
}

std::unique_ptr<Context> VirglContextType::create(const ContextCreateInfo& info, Status& status) {
    probe_if_needed();
    if (!host_ && prober_said_available_) {
        std::string error;
        host_ = EglHost::create(dma_buf_node_, error);
        if (!host_) {
            status = Status::error(fb::ErrorCode::HostFailure, error);
            return nullptr;
        }
    }
    if (!host_) {
        status = Status::error(fb::ErrorCode::Unsupported, unavailable_);
        return nullptr;
    }
    return std::make_unique<VirglContext>(info, host_);
}

}  // namespace rendersock::server::virgl
