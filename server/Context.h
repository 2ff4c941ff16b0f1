#pragma once
// A context as the session layer sees it. Its command stream is opaque
// here; each context type decodes its own (server/venus, server/virgl,
// server/drm).

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "server/Status.h"
#include "shm/UniqueFd.h"

namespace rendersock::server {

class Blob;

// What a context may do towards its client while executing.
class ContextHost {
public:
    virtual ~ContextHost() = default;
    // Sends data the client asked for (the answer to a command that returns
    // something) as a ContextReply.
    virtual void reply(uint32_t ctx_id, uint64_t reply_id, std::span<const std::byte> data) = 0;
    // Looks up a blob this context may use; nullptr when it may not. The
    // context may keep the blob alive (host memory imported from it).
    virtual std::shared_ptr<Blob> find_blob(uint32_t ctx_id, uint32_t blob_id) = 0;
    // Calls `ready` on the serving thread once `fd` is readable (an eventfd
    // the kernel signals). The host keeps its own copy of the fd; `ready`
    // is dropped uncalled if the client goes away first.
    virtual void when_readable(int fd, std::function<void()> ready) = 0;
    // Host device memory a context allocates for the client outside blobs
    // (blobs have their own budget): false when it would exceed the
    // client's --max-device-memory-bytes.
    virtual bool charge_device_memory(uint64_t bytes) = 0;
    virtual void release_device_memory(uint64_t bytes) = 0;
};

class Context {
public:
    using FenceSignal = std::function<void()>;

    virtual ~Context() = default;
    virtual fb::CapsetType type() const = 0;

    // Executes a command stream submitted to `ring`. Commands that return
    // data append it to `reply` (null when the client expects no answer).
    // An error ends the context: its client gets ContextLost, the server
    // goes on.
    virtual Status submit(uint32_t ring, std::span<const std::byte> stream,
                          std::vector<std::byte>* reply) = 0;

    // A submit that carries fds (a dma-buf or sync_file to import, DRM
    // contexts only) or whose answer carries some (an exported sync_file).
    // The context takes `fds_in` in the order its commands name them.
    virtual Status submit_with_fds(uint32_t ring, std::span<const std::byte> stream,
                                   std::vector<std::byte>* reply, std::vector<shm::UniqueFd>& fds_in,
                                   std::vector<shm::UniqueFd>& /*fds_out*/) {
        if (!fds_in.empty())
            return Status::error(fb::ErrorCode::Malformed, "this context type takes no fds with a submit");
        return submit(ring, stream, reply);
    }

    // Called after every earlier submit on `ring` has been executed; the
    // context calls `signal` once that work has completed on the host.
    virtual void fence(uint32_t /*ring*/, FenceSignal signal) { signal(); }

    // Memory the context provides for a blob it is asked to back (a DRM
    // buffer's dma-buf, for object_id naming the buffer). Leaving `fd` empty
    // means an ordinary memfd blob.
    virtual Status blob_memory(uint64_t /*object_id*/, uint64_t /*size*/, shm::UniqueFd& /*fd*/) {
        return Status::ok();
    }

    // A blob was created for this context (object_id is context-specific).
    virtual Status blob_created(Blob& /*blob*/, uint64_t /*object_id*/) { return Status::ok(); }

    // Whether another context's buffer (a DRM buffer's dma-buf) may be
    // attached to this one: only where the host can import it as it is,
    // never by copying. The error says what the host lacks.
    virtual Status accepts_dma_buf() const {
        return Status::error(fb::ErrorCode::Unsupported, "this context type cannot use DRM buffers");
    }
};

}  // namespace rendersock::server
