#pragma once
// The client side of a DRM context (capset Drm): the server's render node,
// its buffers (mapped as blobs: on Unix sockets the dma-buf itself, over TCP
// a mirror) and its syncobjs. Commands are synchronous: DRM work is rare and
// every command is answered.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "shm/UniqueFd.h"
#include "wire/client/Blob.h"
#include "wire/client/Context.h"
#include "wire/drm/DrmWire.h"

namespace rendersock::client {

namespace dw = wire::drm;

// The server refused one command (bad id, unsupported format, a host ioctl
// that failed); the context goes on.
class DrmError : public std::runtime_error {
public:
    DrmError(int error, const std::string& message) : std::runtime_error(message), error_(error) {}
    int error() const { return error_; }  // a negative errno

private:
    int error_;
};

class DrmContext {
public:
    // Throws RemoteError when the server offers no DRM context.
    explicit DrmContext(Connection& connection, uint32_t num_rings = 1);

    const dw::DrmCapset& device() const { return device_; }
    Context& context() { return *context_; }

    std::vector<dw::DrmFormatModifier> formats();

    dw::DrmBufferAnswer create_buffer(uint32_t width, uint32_t height, uint32_t format, uint64_t modifier,
                                      uint32_t usage);
    // Unix sockets only: hands the server a dma-buf of ours.
    dw::DrmBufferAnswer import_buffer(int dmabuf_fd, uint64_t size);
    void destroy_buffer(uint32_t id);
    // A mapping of the buffer (the dma-buf itself where fds travel).
    // A blob over the buffer (mappable, shareable with this client's other
    // contexts through Blob::attach).
    std::unique_ptr<Blob> map_buffer(const dw::DrmBufferAnswer& buffer);

    uint32_t create_syncobj(bool signalled = false);
    void destroy_syncobj(uint32_t id);
    void signal(uint32_t id, uint64_t point = 0);
    void reset(uint32_t id);
    uint64_t query(uint32_t id);
    // The index of a signalled point (of all of them with dw::kWaitAll), or
    // nothing when `timeout` passed first. Longer waits than the server's
    // cap are made of several.
    std::optional<uint32_t> wait(std::span<const dw::DrmSyncobjPoint> points, std::chrono::nanoseconds timeout,
                                 uint32_t flags = dw::kWaitAll);
    shm::UniqueFd export_sync_file(uint32_t id, uint64_t point = 0);
    void import_sync_file(uint32_t id, int sync_file, uint64_t point = 0);
    // Binds a syncobj point to ring `ring` of the context's fence timelines:
    // fences created on the ring after a wait signal once the point has;
    // a signal happens once everything before it on the ring has.
    void ring_wait(uint32_t ring, uint32_t id, uint64_t point = 0);
    void ring_signal(uint32_t ring, uint32_t id, uint64_t point = 0);

    // One command, raw: for tools and tests of what the server refuses.
    struct Result {
        int32_t error = 0;
        std::string message;
        std::vector<std::byte> body;
        std::vector<shm::UniqueFd> fds;
    };
    Result run(dw::DrmOp op, std::span<const std::byte> body, std::span<const int> fds = {});

private:
    template <typename Answer, typename Request>
    Answer call(dw::DrmOp op, const Request& request, std::span<const int> fds = {});
    void call_plain(dw::DrmOp op, std::span<const std::byte> body);

    Connection& connection_;
    std::unique_ptr<Context> context_;
    dw::DrmCapset device_{};
    uint32_t next_id_ = 1;
};

}  // namespace rendersock::client
