#pragma once
// One open DRM node on the host: what it is (driver, caps), and the
// allocators behind it (libgbm where Mesa has a driver for the node, the
// kernel's dumb buffers otherwise). Every DRM context opens its own: GEM
// handles and syncobjs belong to an open file, so contexts (and clients)
// can never reach each other's objects through the kernel.

#include <gbm.h>

#include <memory>
#include <string>
#include <vector>

#include "shm/UniqueFd.h"
#include "wire/drm/DrmWire.h"

namespace rendersock::server::drm {

namespace dw = wire::drm;

class DrmDevice {
public:
    // Opens `path`; on failure returns null and says why in `error`.
    static std::unique_ptr<DrmDevice> open(const std::string& path, std::string& error);
    // The first /dev/dri/renderD* that opens, or empty (with `error` saying
    // what was tried).
    static std::string default_node(std::string& error);
    ~DrmDevice();

    int fd() const { return fd_.get(); }
    const dw::DrmCapset& capset() const { return capset_; }
    bool has(dw::DrmCap cap) const { return (capset_.caps & cap) != 0; }
    gbm_device* gbm() const { return gbm_; }
    // The formats and modifiers buffers can be created with, each tried once.
    const std::vector<dw::DrmFormatModifier>& formats();

private:
    DrmDevice() = default;
    void read_capabilities(const std::string& path);

    shm::UniqueFd fd_;
    dw::DrmCapset capset_{};
    gbm_device* gbm_ = nullptr;
    bool formats_known_ = false;
    std::vector<dw::DrmFormatModifier> formats_;
};

// Bytes per pixel of the single-plane formats dumb buffers can hold; 0 for
// any other.
uint32_t dumb_bytes_per_pixel(uint32_t fourcc);

}  // namespace rendersock::server::drm
