#include "wire/client/Blob.h"

#include <algorithm>
#include <cstring>

namespace rendersock::client {

Blob::Blob(Context& context, uint64_t size, uint32_t flags, uint64_t object_id)
    : connection_(context.connection()), id_(connection_.allocate_id()), size_(size) {
    wire::MessageBuilder builder;
    Reply reply = connection_.call(
        builder, fb::CreateBlobCreate(builder.fbb(), context.id(), id_, size, flags, object_id));
    const auto* created = reply.body<fb::BlobCreated>();
    if (!created || created->size() != size)
        throw ConnectionError("unexpected answer to BlobCreate");
    if (created->has_fd() && reply.frame.fds.size() == 1) {
        mapping_ = shm::Mapping::map(reply.frame.fds[0].get(), size,
                                     shm::Mapping::Access::ReadWrite);
        memfd_ = std::move(reply.frame.fds[0]);
        shared_ = true;
    } else {
        mapping_ = shm::Mapping::anonymous(size);
        agreed_.assign(size, std::byte{0});  // both start zeroed
    }
}

Blob::~Blob() {
    try {
        wire::MessageBuilder builder;
        connection_.post(builder, fb::CreateBlobDestroy(builder.fbb(), id_));
    } catch (const std::exception&) {
        // The server is gone; so is the blob.
    }
}

void Blob::check_range(uint64_t offset, uint64_t size) const {
    if (offset > size_ || size > size_ - offset)
        throw std::out_of_range("blob range outside the blob");
}

uint64_t Blob::transfer_chunk() const {
    // Leave room for the control message inside the server's message limit.
    const uint64_t limit = connection_.info().max_message_bytes;
    return std::max<uint64_t>(limit > 4096 ? limit - 4096 : limit, 4096);
}

namespace {

constexpr uint64_t kBlock = 4096;

// Runs [begin, end) of bytes where `a` and `b` differ within one block.
template <typename Run>
void differing_runs(const std::byte* a, const std::byte* b, uint64_t begin, uint64_t end, Run run) {
    uint64_t i = begin;
    while (i < end) {
        while (i < end && a[i] == b[i]) ++i;
        const uint64_t start = i;
        while (i < end && a[i] != b[i]) ++i;
        if (start < i) run(start, i);
    }
}

}  // namespace

void Blob::send(uint64_t offset, uint64_t size) {
    for (uint64_t done = 0; done < size;) {
        const uint64_t chunk = std::min(transfer_chunk(), size - done);
        wire::MessageBuilder builder;
        connection_.call(builder,
                         fb::CreateBlobTransfer(builder.fbb(), id_, offset + done, chunk,
                                                fb::TransferDirection::ToHost),
                         std::span(mapping_.data() + offset + done, chunk));
        done += chunk;
    }
}

void Blob::flush(uint64_t offset, uint64_t size) {
    check_range(offset, size);
    if (shared_) return;
    std::lock_guard lock(sync_mutex_);
    std::byte* mirror = mapping_.data();
    for (uint64_t block = offset; block < offset + size; block += kBlock) {
        const uint64_t end = std::min(block + kBlock, offset + size);
        if (std::memcmp(mirror + block, agreed_.data() + block, end - block) == 0) continue;
        differing_runs(mirror, agreed_.data(), block, end, [&](uint64_t from, uint64_t to) {
            send(from, to - from);
            std::memcpy(agreed_.data() + from, mirror + from, to - from);
        });
    }
}

void Blob::invalidate(uint64_t offset, uint64_t size) {
    check_range(offset, size);
    if (shared_) return;
    std::lock_guard lock(sync_mutex_);
    std::byte* mirror = mapping_.data();
    for (uint64_t done = 0; done < size;) {
        const uint64_t chunk = std::min(transfer_chunk(), size - done);
        const uint64_t base = offset + done;
        wire::MessageBuilder builder;
        Reply reply = connection_.call(
            builder, fb::CreateBlobTransfer(builder.fbb(), id_, base, chunk, fb::TransferDirection::FromHost));
        if (reply.frame.payload.size() != chunk) throw ConnectionError("short transfer from the server");
        const std::byte* server = reply.frame.payload.data();
        for (uint64_t block = 0; block < chunk; block += kBlock) {
            const uint64_t end = std::min(block + kBlock, chunk);
            if (std::memcmp(server + block, agreed_.data() + base + block, end - block) == 0) continue;
            // Take only what the server changed; bytes the client wrote since
            // stay the client's.
            for (uint64_t i = block; i < end; ++i) {
                if (server[i] != agreed_[base + i]) {
                    agreed_[base + i] = server[i];
                    mirror[base + i] = server[i];
                }
            }
        }
        done += chunk;
    }
}

void Blob::attach(Context& other) {
    wire::MessageBuilder builder;
    connection_.call(builder, fb::CreateBlobAttach(builder.fbb(), id_, other.id()));
}

}  // namespace rendersock::client
