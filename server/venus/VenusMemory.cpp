// Host-visible memory of a Venus context is a blob the client maps. The
// server either imports the blob's pages as the device memory
// (VK_EXT_external_memory_host: zero copy, truly coherent), or, where the
// host cannot (no extension, a memory type import cannot give, such as
// VRAM behind a BAR), allocates ordinary memory, maps it, and keeps the blob
// a mirror: copied to the memory before each submit and back after each
// successful wait, which keeps coherent memory coherent at the API's
// synchronisation points.
#include <cstring>

#include "server/venus/VenusContext.h"
#include "wire/Log.h"
#include "wire/venus/PrivateCommands.h"
#include "wire/venus/generated/VkIndices.h"

namespace rendersock::server::venus {

namespace vv = wire::venus;
namespace idx = wire::venus::index;

// DRM buffers: only with VK_EXT_external_memory_dma_buf could the host use
// one as device memory without copying, and the import itself (the fd as
// VkImportMemoryFdInfoKHR) is not written yet: no host here has the
// extension to test it on. Either way the client hears why.
Status VenusContext::accepts_dma_buf() const {
    const std::string device = host_->properties().deviceName;
    if (!host_->has_device_extension(VK_EXT_EXTERNAL_MEMORY_DMA_BUF_EXTENSION_NAME))
        return Status::error(fb::ErrorCode::Unsupported,
                             "the host Vulkan device (" + device +
                                 ") lacks VK_EXT_external_memory_dma_buf, so a Venus context cannot use it");
    return Status::error(fb::ErrorCode::Unsupported,
                         "importing DRM buffers into Venus contexts is not supported by this server yet "
                         "(the host device " + device + " has VK_EXT_external_memory_dma_buf)");
}

Status VenusContext::import_blob(std::span<const std::byte> body) {
    vv::ImportBlob import;
    if (body.size() != sizeof(import))
        return Status::error(fb::ErrorCode::Malformed, "blob import of the wrong size");
    std::memcpy(&import, body.data(), sizeof(import));
    pending_import_ = host_io_.find_blob(ctx_id_, import.blob_id);
    if (!pending_import_)
        return Status::error(fb::ErrorCode::NoSuchBlob,
                             "blob " + std::to_string(import.blob_id) + " is not this context's");
    if (pending_import_->context_memory()) {
        pending_import_.reset();
        return Status::error(fb::ErrorCode::Unsupported, "a DRM buffer cannot back Venus memory here");
    }
    return Status::ok();
}

bool VenusContext::can_import(VkDevice device, uint32_t memory_type, void* pointer) {
    if (!import_host_memory_) return false;
    auto properties_of = reinterpret_cast<PFN_vkGetMemoryHostPointerPropertiesEXT>(
        vkGetInstanceProcAddr(instance_, "vkGetMemoryHostPointerPropertiesEXT"));
    if (!properties_of) return false;
    VkMemoryHostPointerPropertiesEXT properties{VK_STRUCTURE_TYPE_MEMORY_HOST_POINTER_PROPERTIES_EXT};
    if (properties_of(device, VK_EXTERNAL_MEMORY_HANDLE_TYPE_HOST_ALLOCATION_BIT_EXT, pointer,
                      &properties) != VK_SUCCESS)
        return false;
    return memory_type < 32 && (properties.memoryTypeBits & (1u << memory_type));
}

Status VenusContext::allocate_memory(Call& call) {
    std::shared_ptr<Blob> blob = std::move(pending_import_);
    if (!blob) return allocate_device_memory(call);
    const auto* requested = reinterpret_cast<const VkMemoryAllocateInfo*>(call.slots[1]);
    if (!requested) return Status::error(fb::ErrorCode::Malformed, "vkAllocateMemory without info");
    if (requested->allocationSize > blob->size())
        return Status::error(fb::ErrorCode::OutOfRange,
                             "allocation of " + std::to_string(requested->allocationSize) +
                                 " bytes does not fit its blob of " + std::to_string(blob->size()));
    const auto device = reinterpret_cast<VkDevice>(call.slots[0]);
    if (!can_import(device, requested->memoryTypeIndex, blob->data()))
        return mirror_memory(call, std::move(blob));
    VkImportMemoryHostPointerInfoEXT import{VK_STRUCTURE_TYPE_IMPORT_MEMORY_HOST_POINTER_INFO_EXT};
    import.pNext = requested->pNext;
    import.handleType = VK_EXTERNAL_MEMORY_HANDLE_TYPE_HOST_ALLOCATION_BIT_EXT;
    import.pHostPointer = blob->data();
    VkMemoryAllocateInfo info = *requested;
    info.pNext = &import;
    // Imports cover whole pages; blobs are sized in pages.
    info.allocationSize = blob->size();
    call.slots[1] = reinterpret_cast<uint64_t>(&info);
    RS_TRY(call_host(call));
    if (static_cast<int32_t>(call.result) >= 0 && !call.created.empty())
        imported_[call.created[0].id] = std::move(blob);
    return Status::ok();
}

// Memory no blob backs (device-local types): counted against the client's
// device-memory budget, refused as the device would refuse it.
Status VenusContext::allocate_device_memory(Call& call) {
    const auto* requested = reinterpret_cast<const VkMemoryAllocateInfo*>(call.slots[1]);
    if (!requested) return Status::error(fb::ErrorCode::Malformed, "vkAllocateMemory without info");
    const uint64_t size = requested->allocationSize;
    if (!host_io_.charge_device_memory(size)) {
        call.result = static_cast<uint64_t>(static_cast<int64_t>(VK_ERROR_OUT_OF_DEVICE_MEMORY));
        return Status::ok();
    }
    Status status = call_host(call);
    if (!status.is_ok() || static_cast<int32_t>(call.result) < 0 || call.created.empty()) {
        host_io_.release_device_memory(size);
        return status;
    }
    charged_memory_[call.created[0].id] = size;
    return Status::ok();
}

Status VenusContext::mirror_memory(Call& call, std::shared_ptr<Blob> blob) {
    RS_TRY(call_host(call));
    if (static_cast<int32_t>(call.result) < 0 || call.created.empty()) return Status::ok();
    const auto device = reinterpret_cast<VkDevice>(call.slots[0]);
    const auto memory = reinterpret_cast<VkDeviceMemory>(*call.created[0].host_slot);
    const auto* requested = reinterpret_cast<const VkMemoryAllocateInfo*>(call.slots[1]);
    auto map = reinterpret_cast<PFN_vkMapMemory>(vkGetInstanceProcAddr(instance_, "vkMapMemory"));
    void* host = nullptr;
    if (!map || map(device, memory, 0, VK_WHOLE_SIZE, 0, &host) != VK_SUCCESS)
        return Status::error(fb::ErrorCode::HostFailure, "cannot map host memory for a mirrored blob");
    Mirror mirror{std::move(blob), device, memory, static_cast<std::byte*>(host), requested->allocationSize};
    std::memcpy(mirror.host, mirror.blob->data(), mirror.size);
    mirrors_[call.created[0].id] = std::move(mirror);
    RS_DEBUG("memory %llu mirrored (no host-pointer import for this type)",
             static_cast<unsigned long long>(call.created[0].id));
    return Status::ok();
}

Status VenusContext::free_memory(Call& call) {
    const uint64_t memory = call.id(1);
    RS_TRY(call_host(call));
    imported_.erase(memory);
    mirrors_.erase(memory);
    if (auto charged = charged_memory_.find(memory); charged != charged_memory_.end()) {
        host_io_.release_device_memory(charged->second);
        charged_memory_.erase(charged);
    }
    return Status::ok();
}

void VenusContext::mirrors_to_host() {
    auto flush = reinterpret_cast<PFN_vkFlushMappedMemoryRanges>(
        vkGetInstanceProcAddr(instance_, "vkFlushMappedMemoryRanges"));
    for (auto& [id, mirror] : mirrors_) {
        std::memcpy(mirror.host, mirror.blob->data(), mirror.size);
        VkMappedMemoryRange range{VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE, nullptr, mirror.memory, 0,
                                  VK_WHOLE_SIZE};
        flush(mirror.device, 1, &range);
    }
}

void VenusContext::mirrors_from_host() {
    auto invalidate = reinterpret_cast<PFN_vkInvalidateMappedMemoryRanges>(
        vkGetInstanceProcAddr(instance_, "vkInvalidateMappedMemoryRanges"));
    for (auto& [id, mirror] : mirrors_) {
        VkMappedMemoryRange range{VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE, nullptr, mirror.memory, 0,
                                  VK_WHOLE_SIZE};
        invalidate(mirror.device, 1, &range);
        std::memcpy(mirror.blob->data(), mirror.host, mirror.size);
    }
}

bool VenusContext::is_submit(uint32_t index) const {
    return index == idx::vkQueueSubmit || index == idx::vkQueueSubmit2 || index == idx::vkQueueBindSparse;
}

bool VenusContext::is_wait(uint32_t index) const {
    return index == idx::vkWaitForFences || index == idx::vkQueueWaitIdle ||
           index == idx::vkDeviceWaitIdle || index == idx::vkGetFenceStatus ||
           index == idx::vkWaitSemaphores;
}

}  // namespace rendersock::server::venus
