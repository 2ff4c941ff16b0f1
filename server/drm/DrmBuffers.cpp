// Buffer commands of DrmContext: formats, GBM and dumb allocation, dma-buf
// import, destruction.
#include <drm_fourcc.h>
#include <fcntl.h>
#include <unistd.h>
#include <xf86drm.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "server/drm/DrmContext.h"

namespace rendersock::server::drm {
namespace {

uint64_t dmabuf_size(int fd) {
    const off_t end = ::lseek(fd, 0, SEEK_END);
    ::lseek(fd, 0, SEEK_SET);
    return end > 0 ? static_cast<uint64_t>(end) : 0;
}

}  // namespace

DrmContext::Answer DrmContext::query_formats() {
    const auto& formats = device_->formats();
    Answer answer = Answer::of(dw::DrmFormatsAnswer{static_cast<uint32_t>(formats.size()), 0});
    for (const auto& entry : formats) Answer::append(answer.body, entry);
    return answer;
}

DrmContext::Answer DrmContext::check_new_buffer_id(uint32_t id) const {
    if (id == 0) return Answer::fail(-EINVAL, "buffer id 0 is reserved");
    if (buffers_.count(id)) return Answer::fail(-EEXIST, "buffer " + std::to_string(id) + " already exists");
    if (buffers_.size() >= dw::kMaxBuffers)
        return Answer::fail(-ENOSPC, "the context holds the most buffers it may (" +
                                         std::to_string(dw::kMaxBuffers) + ")");
    return {};
}

DrmContext::Answer DrmContext::create_buffer(const dw::DrmCreateBuffer& request) {
    if (Answer refused = check_new_buffer_id(request.id); refused.error) return refused;
    if (request.width == 0 || request.height == 0 || request.width > dw::kMaxDimension ||
        request.height > dw::kMaxDimension)
        return Answer::fail(-EINVAL, "buffer size " + std::to_string(request.width) + "x" +
                                         std::to_string(request.height) + " outside 1.." +
                                         std::to_string(dw::kMaxDimension));
    if (request.usage & ~(dw::kUsageScanout | dw::kUsageRendering | dw::kUsageLinear))
        return Answer::fail(-EINVAL, "unknown usage bits");
    const auto& formats = device_->formats();
    const bool known = std::any_of(formats.begin(), formats.end(),
                                   [&](const auto& entry) { return entry.format == request.format; });
    if (!known)
        return Answer::fail(-EINVAL, "format " + fourcc_name(request.format) +
                                         " is not supported here (QueryFormats lists those that are)");
    // Refuse what cannot fit the budget before the host allocates it (8
    // bytes a pixel is the widest format offered).
    const uint64_t at_most = uint64_t{request.width} * request.height * 8;
    if (bytes_ + std::min(at_most, uint64_t{request.width} * request.height * 4) > byte_budget_)
        return Answer::fail(-ENOMEM, "buffer would exceed the client's budget of " +
                                         std::to_string(byte_budget_) + " bytes");
    Buffer buffer;
    std::string message;
    const DrmAllocationRequest allocation{request.width, request.height, request.format, request.modifier,
                                          request.usage};
    if (int error = allocate_drm_buffer(*device_, allocation, buffer.memory, message))
        return Answer::fail(error, message);
    buffer.info.id = request.id;
    buffer.info.allocator = static_cast<uint32_t>(buffer.memory.allocator);
    buffer.info.modifier = buffer.memory.modifier;
    buffer.info.stride = buffer.memory.stride;
    buffer.info.offset = buffer.memory.offset;
    buffer.info.size = dmabuf_size(buffer.memory.dmabuf.get());
    if (buffer.info.size == 0 || bytes_ + buffer.info.size > byte_budget_) {
        release(buffer);
        return Answer::fail(buffer.info.size ? -ENOMEM : -EIO,
                            buffer.info.size ? "buffer exceeds the client's budget" : "dma-buf has no size");
    }
    bytes_ += buffer.info.size;
    Answer answer = Answer::of(buffer.info);
    buffers_.emplace(request.id, std::move(buffer));
    return answer;
}

DrmContext::Answer DrmContext::import_buffer(const dw::DrmImportBuffer& request, shm::UniqueFd dmabuf) {
    if (Answer refused = check_new_buffer_id(request.id); refused.error) return refused;
    uint32_t handle = 0;
    if (drmPrimeFDToHandle(device_->fd(), dmabuf.get(), &handle) != 0)
        return Answer::fail(-errno, std::string("the fd is not a dma-buf this device can import: ") +
                                        std::strerror(errno));
    for (const auto& [id, held] : buffers_) {
        if (held.memory.handle == handle)
            // The kernel hands out one handle per buffer and file: a second
            // import would share (and later close) the first one's handle.
            return Answer::fail(-EEXIST, "this dma-buf is already buffer " + std::to_string(id));
    }
    const uint64_t size = dmabuf_size(dmabuf.get());
    if (request.size == 0 || request.size > size) {
        drmCloseBufferHandle(device_->fd(), handle);
        return Answer::fail(-EINVAL, "import of " + std::to_string(request.size) + " bytes from a dma-buf of " +
                                         std::to_string(size));
    }
    if (bytes_ + size > byte_budget_) {
        drmCloseBufferHandle(device_->fd(), handle);
        return Answer::fail(-ENOMEM, "import exceeds the client's budget");
    }
    Buffer buffer;
    buffer.memory.handle = handle;
    buffer.memory.dmabuf = std::move(dmabuf);
    buffer.info.id = request.id;
    buffer.info.allocator = static_cast<uint32_t>(dw::DrmAllocator::Imported);
    buffer.info.size = size;
    buffer.info.modifier = DRM_FORMAT_MOD_INVALID;  // the exporter knows; we were not told
    bytes_ += size;
    Answer answer = Answer::of(buffer.info);
    buffers_.emplace(request.id, std::move(buffer));
    return answer;
}

DrmContext::Answer DrmContext::destroy_buffer(uint32_t id) {
    auto it = buffers_.find(id);
    if (it == buffers_.end()) return Answer::fail(-ENOENT, "no buffer " + std::to_string(id));
    bytes_ -= it->second.info.size;
    release(it->second);
    buffers_.erase(it);
    return {};
}

// Blobs made from the buffer keep their own dma-buf fds, so their memory
// outlives this.
void DrmContext::release(Buffer& buffer) { release_drm_buffer(*device_, buffer.memory); }

}  // namespace rendersock::server::drm
