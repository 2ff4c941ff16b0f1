#include "server/drm/DrmAllocation.h"

#include <drm_fourcc.h>
#include <fcntl.h>
#include <xf86drm.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "server/drm/DrmDevice.h"

namespace rendersock::server::drm {
namespace {

namespace dw = wire::drm;

uint32_t gbm_usage(uint32_t usage) {
    uint32_t flags = 0;
    if (usage & dw::kUsageScanout) flags |= GBM_BO_USE_SCANOUT;
    if (usage & dw::kUsageRendering) flags |= GBM_BO_USE_RENDERING;
    if (usage & dw::kUsageLinear) flags |= GBM_BO_USE_LINEAR;
    return flags;
}

// Exports `handle` read-write: gbm_bo_get_fd exports read-only (Mesa 22.3),
// and clients could not write through their mapping.
int export_handle(DrmDevice& device, uint32_t handle, DrmAllocation& out, const char* what,
                  std::string& message) {
    int fd = -1;
    if (drmPrimeHandleToFD(device.fd(), handle, DRM_CLOEXEC | DRM_RDWR, &fd) != 0) {
        const int error = -errno;
        message = std::string("PRIME export of a ") + what + ": " + std::strerror(-error);
        release_drm_buffer(device, out);
        return error;
    }
    out.dmabuf.reset(fd);
    return 0;
}

int allocate_gbm(DrmDevice& device, const DrmAllocationRequest& request, DrmAllocation& out,
                 std::string& message) {
    errno = 0;
    if (request.modifier != DRM_FORMAT_MOD_INVALID)
        out.bo = gbm_bo_create_with_modifiers2(device.gbm(), request.width, request.height, request.format,
                                               &request.modifier, 1, gbm_usage(request.usage));
    else
        out.bo = gbm_bo_create(device.gbm(), request.width, request.height, request.format,
                               gbm_usage(request.usage));
    if (!out.bo) {
        message = "libgbm could not create a " + std::to_string(request.width) + "x" +
                  std::to_string(request.height) + " " + fourcc_name(request.format) +
                  " buffer with these usage flags and modifier";
        return errno ? -errno : -EINVAL;
    }
    out.handle = gbm_bo_get_handle(out.bo).u32;  // gbm owns it; kept to spot re-imports
    if (int error = export_handle(device, out.handle, out, "GBM buffer", message)) return error;
    out.allocator = dw::DrmAllocator::Gbm;
    out.modifier = gbm_bo_get_modifier(out.bo);
    out.stride = gbm_bo_get_stride_for_plane(out.bo, 0);
    out.offset = gbm_bo_get_offset(out.bo, 0);
    return 0;
}

int allocate_dumb(DrmDevice& device, const DrmAllocationRequest& request, DrmAllocation& out,
                  std::string& message) {
    const uint32_t bytes_per_pixel = dumb_bytes_per_pixel(request.format);
    if (bytes_per_pixel == 0) {
        message = "dumb buffers cannot hold " + fourcc_name(request.format);
        return -EINVAL;
    }
    if (request.modifier != DRM_FORMAT_MOD_INVALID && request.modifier != DRM_FORMAT_MOD_LINEAR) {
        message = "dumb buffers are linear only";
        return -EINVAL;
    }
    drm_mode_create_dumb create{};
    create.width = request.width;
    create.height = request.height;
    create.bpp = bytes_per_pixel * 8;
    if (drmIoctl(device.fd(), DRM_IOCTL_MODE_CREATE_DUMB, &create) != 0) {
        message = std::string("DRM_IOCTL_MODE_CREATE_DUMB: ") + std::strerror(errno);
        return -errno;
    }
    out.handle = create.handle;
    if (int error = export_handle(device, out.handle, out, "dumb buffer", message)) return error;
    out.allocator = dw::DrmAllocator::Dumb;
    out.modifier = DRM_FORMAT_MOD_LINEAR;
    out.stride = create.pitch;
    out.offset = 0;
    return 0;
}

}  // namespace

int allocate_drm_buffer(DrmDevice& device, const DrmAllocationRequest& request, DrmAllocation& out,
                        std::string& message) {
    return device.gbm() ? allocate_gbm(device, request, out, message) : allocate_dumb(device, request, out, message);
}

void release_drm_buffer(DrmDevice& device, DrmAllocation& allocation) {
    if (allocation.bo)
        gbm_bo_destroy(allocation.bo);
    else if (allocation.handle)
        drmCloseBufferHandle(device.fd(), allocation.handle);
    allocation.bo = nullptr;
    allocation.handle = 0;
    allocation.dmabuf.reset();
}

std::string fourcc_name(uint32_t format) {
    char name[5] = {static_cast<char>(format & 0xff), static_cast<char>((format >> 8) & 0xff),
                    static_cast<char>((format >> 16) & 0xff), static_cast<char>(format >> 24), 0};
    for (char& c : name)
        if (c && (c < 32 || c > 126)) c = '?';
    char text[32];
    std::snprintf(text, sizeof(text), "%s (0x%08x)", name, format);
    return text;
}

}  // namespace rendersock::server::drm
