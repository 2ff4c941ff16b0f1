// Blob handlers of ClientSession: create, destroy, attach, export, transfer.
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <system_error>

#include "server/ClientSession.h"
#include "wire/Log.h"

namespace rendersock::server {
namespace {

constexpr uint32_t kKnownBlobFlags =
    static_cast<uint32_t>(fb::BlobFlags::Mappable) | static_cast<uint32_t>(fb::BlobFlags::Shareable);

}  // namespace

std::shared_ptr<Blob> ClientSession::find_blob(uint32_t ctx_id, uint32_t blob_id) {
    auto it = blobs_.find(blob_id);
    // Context-provided memory (DRM buffers) reaches another context only
    // through an attach that context accepted (Context::accepts_dma_buf).
    if (it == blobs_.end() || !it->second->usable_by(ctx_id)) return nullptr;
    return it->second;
}

bool ClientSession::charge_device_memory(uint64_t bytes) {
    const uint64_t budget = config_.options.limits.max_device_memory_bytes;
    if (budget && bytes > budget - device_memory_bytes_) {
        RS_WARN("client %u: device memory of %llu bytes refused (VK_ERROR_OUT_OF_DEVICE_MEMORY): "
                "%llu of its %llu bytes (--max-device-memory-bytes) left",
                config_.client_id, static_cast<unsigned long long>(bytes),
                static_cast<unsigned long long>(budget - device_memory_bytes_),
                static_cast<unsigned long long>(budget));
        return false;
    }
    device_memory_bytes_ += bytes;
    return true;
}

void ClientSession::release_device_memory(uint64_t bytes) {
    device_memory_bytes_ -= std::min(bytes, device_memory_bytes_);
}

Status ClientSession::on_blob_create(const fb::BlobCreate& request, uint32_t serial) {
    ContextEntry* entry = nullptr;
    RS_TRY(live_context(request.ctx_id(), entry));
    const uint32_t blob_id = request.blob_id();
    if (blob_id == 0) return Status::error(fb::ErrorCode::OutOfRange, "blob id 0 is reserved");
    if (blobs_.count(blob_id))
        return Status::error(fb::ErrorCode::AlreadyExists,
                             "blob " + std::to_string(blob_id) + " already exists");
    if (request.flags() & ~kKnownBlobFlags)
        return Status::error(fb::ErrorCode::OutOfRange, "unknown blob flags");
    const uint64_t size = request.size();
    const uint64_t budget = config_.options.limits.max_blob_bytes;
    if (size == 0) return Status::error(fb::ErrorCode::OutOfRange, "blob size 0");
    if (size > budget - blob_bytes_)
        return Status::error(fb::ErrorCode::LimitExceeded,
                             "blob of " + std::to_string(size) + " bytes exceeds the client's "
                             "blob budget (" + std::to_string(budget - blob_bytes_) + " of " +
                             std::to_string(budget) + " bytes left)");
    RS_TRY(reserve_object());
    shm::UniqueFd context_memory;
    if (Status status = entry->context->blob_memory(request.object_id(), size, context_memory);
        !status.is_ok()) {
        --objects_;
        return status;
    }
    std::shared_ptr<Blob> blob;
    try {
        blob = context_memory ? std::make_shared<Blob>(blob_id, size, request.flags(), request.ctx_id(),
                                                       std::move(context_memory))
                              : std::make_shared<Blob>(blob_id, size, request.flags(), request.ctx_id());
    } catch (const std::system_error& e) {
        --objects_;
        return Status::error(fb::ErrorCode::HostFailure, std::string("blob allocation: ") + e.what());
    }
    if (Status status = entry->context->blob_created(*blob, request.object_id()); !status.is_ok()) {
        --objects_;
        return status;
    }
    blob_bytes_ += size;
    stats_.blob_created(size);
    const bool send_fd = (features_ & static_cast<uint64_t>(fb::Feature::FdPassing)) != 0;
    std::vector<shm::UniqueFd> fds;
    if (send_fd) fds.emplace_back(::dup(blob->fd()));
    blobs_.emplace(blob_id, std::move(blob));
    wire::MessageBuilder builder;
    outbox_.send(builder.frame(serial, fb::CreateBlobCreated(builder.fbb(), blob_id, size, send_fd),
                               {}, std::move(fds)));
    return Status::ok();
}

Status ClientSession::on_blob_destroy(const fb::BlobDestroy& request) {
    auto it = blobs_.find(request.blob_id());
    if (it == blobs_.end())
        return Status::error(fb::ErrorCode::NoSuchBlob, "no blob " + std::to_string(request.blob_id()));
    blob_bytes_ -= it->second->size();
    stats_.blob_destroyed(it->second->size());
    --objects_;
    blobs_.erase(it);
    return Status::ok();
}

Status ClientSession::on_blob_attach(const fb::BlobAttach& request, uint32_t serial) {
    auto it = blobs_.find(request.blob_id());
    if (it == blobs_.end())
        return Status::error(fb::ErrorCode::NoSuchBlob, "no blob " + std::to_string(request.blob_id()));
    ContextEntry* entry = nullptr;
    RS_TRY(live_context(request.ctx_id(), entry));
    if (!it->second->shareable())
        return Status::error(fb::ErrorCode::AccessDenied,
                             "blob " + std::to_string(request.blob_id()) + " is not shareable");
    if (it->second->context_memory() && !it->second->usable_by(request.ctx_id())) {
        Status accepted = entry->context->accepts_dma_buf();
        if (!accepted.is_ok())
            return Status::error(accepted.code, "blob " + std::to_string(request.blob_id()) +
                                                    " is a DRM buffer: " + accepted.message);
    }
    it->second->attach(request.ctx_id());
    send_ok(serial);
    return Status::ok();
}

Status ClientSession::on_blob_export(const fb::BlobExport& request, uint32_t serial) {
    auto it = blobs_.find(request.blob_id());
    if (it == blobs_.end())
        return Status::error(fb::ErrorCode::NoSuchBlob, "no blob " + std::to_string(request.blob_id()));
    if (!(features_ & static_cast<uint64_t>(fb::Feature::FdPassing)))
        return Status::error(fb::ErrorCode::Unsupported,
                             "blobs cannot be exported over TCP; use BlobTransfer");
    std::vector<shm::UniqueFd> fds;
    fds.emplace_back(::dup(it->second->fd()));
    wire::MessageBuilder builder;
    outbox_.send(builder.frame(
        serial, fb::CreateBlobCreated(builder.fbb(), request.blob_id(), it->second->size(), true),
        {}, std::move(fds)));
    return Status::ok();
}

namespace {

// Copies the bytes of `payload` whose mask bit is set (the mask follows the
// `size` bytes), 64 at a time where the mask allows.
void write_masked(std::byte* target, const std::byte* payload, uint64_t size) {
    const auto* mask = reinterpret_cast<const uint8_t*>(payload + size);
    for (uint64_t at = 0; at < size; at += 64) {
        const uint64_t count = std::min<uint64_t>(64, size - at);
        uint64_t bits = 0;
        std::memcpy(&bits, mask + at / 8, (count + 7) / 8);
        const uint64_t all = count == 64 ? ~uint64_t{0} : (uint64_t{1} << count) - 1;
        bits &= all;
        if (bits == all) {
            std::memcpy(target + at, payload + at, count);
            continue;
        }
        for (; bits; bits &= bits - 1) {
            const auto i = static_cast<uint64_t>(std::countr_zero(bits));
            target[at + i] = payload[at + i];
        }
    }
}

}  // namespace

Status ClientSession::on_blob_transfer(const fb::BlobTransfer& request, wire::Frame& frame,
                                       uint32_t serial) {
    auto it = blobs_.find(request.blob_id());
    if (it == blobs_.end())
        return Status::error(fb::ErrorCode::NoSuchBlob, "no blob " + std::to_string(request.blob_id()));
    Blob& blob = *it->second;
    const uint64_t offset = request.offset();
    const uint64_t size = request.size();
    if (offset > blob.size() || size > blob.size() - offset)
        return Status::error(fb::ErrorCode::OutOfRange,
                             "transfer [" + std::to_string(offset) + ", +" + std::to_string(size) +
                                 ") outside blob of " + std::to_string(blob.size()) + " bytes");
    if (!blob.data())
        return Status::error(fb::ErrorCode::Unsupported,
                             "the server cannot map blob " + std::to_string(blob.id()) +
                                 " (its exporter refuses CPU mappings), so it cannot transfer it");
    if (size > config_.options.limits.max_message_bytes)
        return Status::error(fb::ErrorCode::LimitExceeded, "transfer larger than a message");
    wire::MessageBuilder builder;
    if (request.direction() == fb::TransferDirection::ToHost) {
        if (frame.payload.size() != size)
            return Status::error(fb::ErrorCode::Malformed, "transfer payload size differs from size");
        std::memcpy(blob.data() + offset, frame.payload.data(), size);
        send_ok(serial);
        return Status::ok();
    }
    if (request.direction() == fb::TransferDirection::ToHostMasked) {
        if (frame.payload.size() != size + (size + 7) / 8)
            return Status::error(fb::ErrorCode::Malformed,
                                 "masked transfer payload is not size bytes and a bit per byte");
        write_masked(blob.data() + offset, frame.payload.data(), size);
        send_ok(serial);
        return Status::ok();
    }
    if (request.direction() != fb::TransferDirection::FromHost)
        return Status::error(fb::ErrorCode::Malformed, "unknown transfer direction");
    outbox_.send(builder.frame(serial, fb::CreateOk(builder.fbb()),
                               std::span<const std::byte>(blob.data() + offset, size)));
    return Status::ok();
}

}  // namespace rendersock::server
