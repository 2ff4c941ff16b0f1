#pragma once
// A DRM context: the host kernel's generic buffer and sync machinery on one
// render node, driven by the command stream of wire/drm/DrmWire.h. Buffers
// come from libgbm or dumb buffers (or a client's dma-buf) and reach the
// client as blobs whose memory is the dma-buf itself; syncobjs (binary and
// timeline) are named by client-chosen ids.

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "server/Context.h"
#include "server/ContextRegistry.h"
#include "server/drm/DrmAllocation.h"
#include "server/drm/DrmDevice.h"

namespace rendersock::server::drm {

class DrmContext final : public Context {
public:
    DrmContext(std::unique_ptr<DrmDevice> device, const ContextCreateInfo& info, uint64_t byte_budget);
    ~DrmContext() override;

    fb::CapsetType type() const override { return fb::CapsetType::Drm; }
    Status submit(uint32_t ring, std::span<const std::byte> stream, std::vector<std::byte>* reply) override;
    Status submit_with_fds(uint32_t ring, std::span<const std::byte> stream, std::vector<std::byte>* reply,
                           std::vector<shm::UniqueFd>& fds_in, std::vector<shm::UniqueFd>& fds_out) override;
    Status blob_memory(uint64_t object_id, uint64_t size, shm::UniqueFd& fd) override;
    void fence(uint32_t ring, FenceSignal signal) override;

    // The answer to one command: an error (negative errno and why) or a body
    // and the fds that go with it.
    struct Answer {
        int32_t error = 0;
        std::string message;
        std::vector<std::byte> body;
        std::vector<shm::UniqueFd> fds;

        static Answer fail(int32_t error, std::string message);
        template <typename T>
        static Answer of(const T& value) {
            Answer answer;
            append(answer.body, value);
            return answer;
        }
        template <typename T>
        static void append(std::vector<std::byte>& out, const T& value) {
            const auto* bytes = reinterpret_cast<const std::byte*>(&value);
            out.insert(out.end(), bytes, bytes + sizeof(T));
        }
    };

private:
    struct Buffer {
        DrmAllocation memory;
        dw::DrmBufferAnswer info{};
    };

    // One command; `fds` holds what the submit carried, taken from the front.
    Status run(dw::DrmOp op, std::span<const std::byte> body, std::vector<shm::UniqueFd>& fds,
               size_t& next_fd, Answer& answer);

    // Buffers (DrmBuffers.cpp).
    Answer query_formats();
    Answer create_buffer(const dw::DrmCreateBuffer& request);
    Answer import_buffer(const dw::DrmImportBuffer& request, shm::UniqueFd dmabuf);
    Answer destroy_buffer(uint32_t id);
    Answer check_new_buffer_id(uint32_t id) const;
    void release(Buffer& buffer);

    // Syncobjs (DrmSyncobjs.cpp).
    Answer syncobj_create(const dw::DrmSyncobjCreate& request);
    Answer syncobj_destroy(uint32_t id);
    Answer syncobj_signal(const dw::DrmSyncobjPoint& request);
    Answer syncobj_wait(const dw::DrmSyncobjWait& request, std::span<const dw::DrmSyncobjPoint> points);
    Answer syncobj_query(uint32_t id);
    Answer syncobj_export(const dw::DrmSyncobjPoint& request);
    Answer syncobj_import(const dw::DrmSyncobjPoint& request, shm::UniqueFd sync_file);
    Answer syncobj_reset(uint32_t id);
    // The host handle for `id`, or 0 with `answer` saying why.
    uint32_t syncobj_handle(uint32_t id, Answer& answer) const;
    Answer needs_timeline(uint64_t point) const;

    // Ring timelines (DrmRings.cpp): what happens on a ring, in order: a
    // wait for a syncobj point (done once the kernel signals its eventfd),
    // or an action (a fence signal, a syncobj signal) run once every entry
    // before it is done.
    struct RingEntry {
        uint64_t wait = 0;  // non-zero: the id of a wait not yet done
        std::function<void()> action;
    };
    Answer ring_wait(const dw::DrmRingSyncobj& request);
    Answer ring_signal(const dw::DrmRingSyncobj& request);
    Answer check_ring_request(const dw::DrmRingSyncobj& request, uint32_t& handle);
    void wait_done(uint32_t ring, uint64_t wait);
    void advance(uint32_t ring);

    std::unique_ptr<DrmDevice> device_;
    ContextHost& host_;
    uint32_t num_rings_;
    uint64_t byte_budget_;
    uint64_t bytes_ = 0;
    bool fd_passing_;
    std::map<uint32_t, Buffer> buffers_;
    std::map<uint32_t, uint32_t> syncobjs_;  // client id -> host handle
    std::map<uint32_t, std::deque<RingEntry>> rings_;
    std::map<uint64_t, shm::UniqueFd> wait_eventfds_;
    uint64_t next_wait_ = 1;
    // Callbacks from the host's fd watch outlive nothing: they check this.
    std::shared_ptr<DrmContext*> self_ = std::make_shared<DrmContext*>(this);
};

}  // namespace rendersock::server::drm
