#include "server/drm/DrmDevice.h"

#include <dirent.h>
#include <drm_fourcc.h>
#include <fcntl.h>
#include <unistd.h>
#include <xf86drm.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace rendersock::server::drm {
namespace {

// The formats worth offering: what GL, Vulkan and video clients ask for.
constexpr uint32_t kCandidateFormats[] = {
    DRM_FORMAT_XRGB8888, DRM_FORMAT_ARGB8888, DRM_FORMAT_XBGR8888, DRM_FORMAT_ABGR8888,
    DRM_FORMAT_RGB565,   DRM_FORMAT_R8,       DRM_FORMAT_GR88,     DRM_FORMAT_XRGB2101010,
    DRM_FORMAT_ABGR16161616F, DRM_FORMAT_NV12,
};

bool dumb_buffers_work(int fd) {
    drm_mode_create_dumb create{};
    create.width = 1;
    create.height = 1;
    create.bpp = 32;
    if (drmIoctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &create) != 0) return false;
    drm_mode_destroy_dumb destroy{};
    destroy.handle = create.handle;
    drmIoctl(fd, DRM_IOCTL_MODE_DESTROY_DUMB, &destroy);
    return true;
}

bool gbm_allocates(gbm_device* gbm) {
    gbm_bo* bo = gbm_bo_create(gbm, 64, 64, GBM_FORMAT_XRGB8888, GBM_BO_USE_RENDERING);
    if (!bo) bo = gbm_bo_create(gbm, 64, 64, GBM_FORMAT_XRGB8888, GBM_BO_USE_LINEAR);
    if (!bo) return false;
    gbm_bo_destroy(bo);
    return true;
}

void copy_string(char* out, size_t capacity, const char* in, size_t length) {
    const size_t n = std::min(capacity - 1, length);
    std::memcpy(out, in, n);
    out[n] = '\0';
}

}  // namespace

uint32_t dumb_bytes_per_pixel(uint32_t fourcc) {
    switch (fourcc) {
        case DRM_FORMAT_XRGB8888: case DRM_FORMAT_ARGB8888:
        case DRM_FORMAT_XBGR8888: case DRM_FORMAT_ABGR8888:
        case DRM_FORMAT_XRGB2101010: return 4;
        case DRM_FORMAT_RGB565: case DRM_FORMAT_GR88: return 2;
        case DRM_FORMAT_R8: return 1;
        case DRM_FORMAT_ABGR16161616F: return 8;
        default: return 0;
    }
}

std::unique_ptr<DrmDevice> DrmDevice::open(const std::string& path, std::string& error) {
    std::unique_ptr<DrmDevice> device(new DrmDevice());
    device->fd_.reset(::open(path.c_str(), O_RDWR | O_CLOEXEC));
    if (!device->fd_) {
        error = "cannot open " + path + ": " + std::strerror(errno);
        return nullptr;
    }
    drmVersionPtr version = drmGetVersion(device->fd());
    if (!version) {
        error = path + " is not a DRM device (DRM_IOCTL_VERSION failed)";
        return nullptr;
    }
    dw::DrmCapset& capset = device->capset_;
    capset.magic = dw::kDrmCapsetMagic;
    capset.version = dw::kDrmCapsetVersion;
    copy_string(capset.driver, sizeof(capset.driver), version->name, static_cast<size_t>(version->name_len));
    copy_string(capset.description, sizeof(capset.description), version->desc,
                static_cast<size_t>(version->desc_len));
    capset.version_major = version->version_major;
    capset.version_minor = version->version_minor;
    capset.version_patch = version->version_patchlevel;
    drmFreeVersion(version);
    copy_string(capset.node, sizeof(capset.node), path.c_str(), path.size());
    device->read_capabilities(path);
    return device;
}

void DrmDevice::read_capabilities(const std::string& /*path*/) {
    uint64_t value = 0;
    if (drmGetCap(fd(), DRM_CAP_PRIME, &value) == 0 && (value & DRM_PRIME_CAP_EXPORT))
        capset_.caps |= dw::kCapPrime;
    if (drmGetCap(fd(), DRM_CAP_SYNCOBJ, &value) == 0 && value) capset_.caps |= dw::kCapSyncobj;
    if (drmGetCap(fd(), DRM_CAP_SYNCOBJ_TIMELINE, &value) == 0 && value)
        capset_.caps |= dw::kCapSyncobjTimeline;
    if (dumb_buffers_work(fd())) capset_.caps |= dw::kCapDumb;
    gbm_ = gbm_create_device(fd());
    if (gbm_ && gbm_allocates(gbm_)) {
        capset_.caps |= dw::kCapGbm;
    } else if (gbm_) {
        gbm_device_destroy(gbm_);
        gbm_ = nullptr;
    }
}

DrmDevice::~DrmDevice() {
    if (gbm_) gbm_device_destroy(gbm_);
}

const std::vector<dw::DrmFormatModifier>& DrmDevice::formats() {
    if (formats_known_) return formats_;
    formats_known_ = true;
    for (uint32_t format : kCandidateFormats) {
        if (gbm_) {
            const uint64_t linear = DRM_FORMAT_MOD_LINEAR;
            if (gbm_bo* bo = gbm_bo_create_with_modifiers2(gbm_, 64, 64, format, &linear, 1, 0)) {
                formats_.push_back({format, 0, DRM_FORMAT_MOD_LINEAR});
                gbm_bo_destroy(bo);
            }
            if (gbm_bo* bo = gbm_bo_create(gbm_, 64, 64, format, GBM_BO_USE_RENDERING)) {
                formats_.push_back({format, 0, DRM_FORMAT_MOD_INVALID});  // the driver's choice
                gbm_bo_destroy(bo);
            }
        } else if (has(dw::kCapDumb) && dumb_bytes_per_pixel(format)) {
            formats_.push_back({format, 0, DRM_FORMAT_MOD_LINEAR});
        }
    }
    return formats_;
}

std::string DrmDevice::default_node(std::string& error) {
    std::vector<std::string> nodes;
    if (DIR* dir = opendir("/dev/dri")) {
        while (dirent* entry = readdir(dir))
            if (std::strncmp(entry->d_name, "renderD", 7) == 0)
                nodes.push_back(std::string("/dev/dri/") + entry->d_name);
        closedir(dir);
    }
    std::sort(nodes.begin(), nodes.end());
    for (const std::string& node : nodes) {
        int fd = ::open(node.c_str(), O_RDWR | O_CLOEXEC);
        if (fd >= 0) {
            ::close(fd);
            return node;
        }
        error += (error.empty() ? "" : "; ") + node + ": " + std::strerror(errno);
    }
    if (nodes.empty()) error = "no render node (/dev/dri/renderD*) on this host";
    return {};
}

}  // namespace rendersock::server::drm
