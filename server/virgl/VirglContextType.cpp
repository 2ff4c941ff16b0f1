#include "server/virgl/VirglContextType.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "server/virgl/VirglContext.h"
#include "wire/Log.h"

namespace rendersock::server::virgl {

namespace gl = wire::gl;

VirglContextType::VirglContextType(const Options& /*options*/) {}
VirglContextType::~VirglContextType() = default;

void VirglContextType::probe() {
    if (probed_) return;
    probed_ = true;
    std::string error;
    host_ = EglHost::create(error);
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

// As for Venus: a short-lived child loads the host driver and reports, so
// the listening parent never does (see VenusContextType).
void VirglContextType::probe_in_child_process() {
    int channel[2];
    if (::pipe(channel) != 0) return;
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(channel[0]);
        probe();
        const uint8_t available = host_ ? 1 : 0;
        const uint32_t size = static_cast<uint32_t>(capset_.size());
        [[maybe_unused]] ssize_t n = ::write(channel[1], &available, 1);
        n = ::write(channel[1], &size, 4);
        n = ::write(channel[1], capset_.data(), capset_.size());
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
    uint32_t size = 0;
    if (report.size() < 5) {
        unavailable_ = "the host EGL driver crashed while being probed";
        return;
    }
    std::memcpy(&size, report.data() + 1, 4);
    if (report.size() < 5 + size) {
        unavailable_ = "the host EGL probe was cut short";
        return;
    }
    capset_.assign(report.begin() + 5, report.begin() + 5 + size);
    if (report[0]) {
        prober_said_available_ = true;
    } else {
        unavailable_ = report.substr(5 + size);
        if (unavailable_.empty()) unavailable_ = "no EGL display";
    }
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
        host_ = EglHost::create(error);
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
