#pragma once
// A buffer allocated on a DrmDevice (through libgbm where Mesa drives the
// node, dumb-buffer ioctls otherwise) and exported as a read-write dma-buf.
// DRM contexts hand these to clients; the virgl context's dma-buf probe
// (server/virgl/DmaBufProbe.h) allocates one the same way clients' are.

#include <gbm.h>

#include <cstdint>
#include <string>

#include "shm/UniqueFd.h"
#include "wire/drm/DrmWire.h"

namespace rendersock::server::drm {

class DrmDevice;

struct DrmAllocation {
    gbm_bo* bo = nullptr;  // GBM buffers
    uint32_t handle = 0;   // GEM handle (ours to close unless gbm owns it)
    shm::UniqueFd dmabuf;
    wire::drm::DrmAllocator allocator = wire::drm::DrmAllocator::Dumb;
    uint32_t stride = 0;
    uint32_t offset = 0;
    uint64_t modifier = 0;
};

struct DrmAllocationRequest {
    uint32_t width = 0;
    uint32_t height = 0;
    uint32_t format = 0;    // DRM fourcc
    uint64_t modifier = 0;  // DRM_FORMAT_MOD_INVALID: the allocator's choice
    uint32_t usage = 0;     // wire::drm::kUsage* bits
};

// Allocates and exports; on failure returns a negative errno and sets
// `message`, leaving nothing allocated.
int allocate_drm_buffer(DrmDevice& device, const DrmAllocationRequest& request, DrmAllocation& out,
                        std::string& message);
// Frees what allocate_drm_buffer or an import left in `allocation`.
void release_drm_buffer(DrmDevice& device, DrmAllocation& allocation);

// "XR24 (0x34325258)": a fourcc as people read it.
std::string fourcc_name(uint32_t format);

}  // namespace rendersock::server::drm
