#pragma once
// Everything one client owns on the server, and the handlers for its
// control messages: handshake, capsets, contexts, blobs, submits, fences.
// Every id and size a client sends is checked here before use; a client can
// only ever name its own objects.

#include <asio/io_context.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/steady_timer.hpp>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <string>

#include "server/Blob.h"
#include "server/ClientStats.h"
#include "server/ContextRegistry.h"
#include "server/FenceTimelines.h"
#include "server/Outbox.h"
#include "server/StreamRingReader.h"
#include "wire/FrameReader.h"

namespace rendersock::server {

class SessionRecorder;

struct SessionConfig {
    const Options& options;
    ContextRegistry& registry;
    uint32_t client_id;
    bool unix_socket;          // fds can travel
    std::string token;         // required secret, empty for none
    ClientStats* stats = nullptr;  // where its counters go; none: counted but never reported
    SessionRecorder* recorder = nullptr;  // --record: where ring streams are written
};

class ClientSession final : public ContextHost {
public:
    ClientSession(asio::io_context& io, SessionConfig config, Outbox& outbox);
    ~ClientSession() override;

    // Handles one verified message and its frame (payload, fds).
    void handle(const fb::Message& message, wire::Frame& frame);
    bool handshaken() const { return handshaken_; }
    const std::string& name() const { return client_name_; }
    ClientStats& stats() { return stats_; }

    // ContextHost
    void reply(uint32_t ctx_id, uint64_t reply_id, std::span<const std::byte> data) override;
    std::shared_ptr<Blob> find_blob(uint32_t ctx_id, uint32_t blob_id) override;
    void when_readable(int fd, std::function<void()> ready) override;
    bool charge_device_memory(uint64_t bytes) override;
    void release_device_memory(uint64_t bytes) override;

private:
    struct ContextEntry {
        std::unique_ptr<Context> context;
        std::unique_ptr<FenceTimelines> timelines;
        std::shared_ptr<StreamRingReader> ring_reader;
        fb::CapsetType capset = fb::CapsetType::None;
        bool lost = false;
    };
    struct PendingWait {
        uint32_t ctx_id;
        uint32_t ring;
        uint64_t fence_id;
        uint32_t serial;
        std::chrono::steady_clock::time_point asked_at;
        std::unique_ptr<asio::steady_timer> timer;
    };

    Status dispatch(const fb::Message& message, wire::Frame& frame);
    Status on_hello(const fb::Hello& hello, uint32_t serial);
    Status on_capset_query(const fb::CapsetQuery& query, uint32_t serial);
    Status on_context_create(const fb::ContextCreate& request, uint32_t serial);
    Status on_context_destroy(const fb::ContextDestroy& request, uint32_t serial);
    Status on_blob_create(const fb::BlobCreate& request, uint32_t serial);
    Status on_blob_destroy(const fb::BlobDestroy& request);
    Status on_blob_attach(const fb::BlobAttach& request, uint32_t serial);
    Status on_blob_export(const fb::BlobExport& request, uint32_t serial);
    Status on_blob_transfer(const fb::BlobTransfer& request, wire::Frame& frame, uint32_t serial);
    Status on_submit(const fb::Submit& request, wire::Frame& frame, uint32_t serial);
    Status on_stream_ring_create(const fb::StreamRingCreate& request, wire::Frame& frame,
                                 uint32_t serial);
    Status on_fence_create(const fb::FenceCreate& request);
    Status on_fence_wait(const fb::FenceWait& request, uint32_t serial);

    // Looks up a live context of this client and runs its ring first, so
    // socket messages stay ordered after what went through the ring.
    Status live_context(uint32_t ctx_id, ContextEntry*& entry);
    Status execute(uint32_t ctx_id, ContextEntry& entry, uint32_t ring,
                   std::span<const std::byte> stream, std::vector<std::byte>* reply,
                   std::vector<shm::UniqueFd>* fds_in = nullptr, std::vector<shm::UniqueFd>* fds_out = nullptr);
    void lose_context(uint32_t ctx_id, const Status& why);
    Status reserve_object();
    void send_ok(uint32_t serial);
    void send_error(uint32_t serial, const Status& status, uint32_t ctx_id = 0);
    void send_fence_state(uint32_t serial, uint32_t ctx_id, uint32_t ring, uint64_t asked,
                          std::chrono::steady_clock::time_point asked_at);
    void fence_advanced(uint32_t ctx_id, uint32_t ring, uint64_t signalled);
    void finish_waits(uint32_t ctx_id, bool context_gone);

    asio::io_context& io_;
    SessionConfig config_;
    Outbox& outbox_;
    ClientStats unreported_stats_;
    ClientStats& stats_;
    bool handshaken_ = false;
    uint64_t features_ = 0;
    std::string client_name_;
    std::map<uint32_t, ContextEntry> contexts_;
    std::map<uint32_t, std::shared_ptr<Blob>> blobs_;
    uint64_t blob_bytes_ = 0;
    uint64_t device_memory_bytes_ = 0;
    uint32_t objects_ = 0;
    std::list<PendingWait> waits_;
    std::list<asio::posix::stream_descriptor> watched_fds_;
};

}  // namespace rendersock::server
