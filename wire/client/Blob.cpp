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

void Blob::flush(uint64_t offset, uint64_t size) {
    check_range(offset, size);
    if (shared_) return;
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

void Blob::invalidate(uint64_t offset, uint64_t size) {
    check_range(offset, size);
    if (shared_) return;
    for (uint64_t done = 0; done < size;) {
        const uint64_t chunk = std::min(transfer_chunk(), size - done);
        wire::MessageBuilder builder;
        Reply reply = connection_.call(
            builder, fb::CreateBlobTransfer(builder.fbb(), id_, offset + done, chunk,
                                            fb::TransferDirection::FromHost));
        if (reply.frame.payload.size() != chunk)
            throw ConnectionError("short transfer from the server");
        std::memcpy(mapping_.data() + offset + done, reply.frame.payload.data(), chunk);
        done += chunk;
    }
}

void Blob::attach(Context& other) {
    wire::MessageBuilder builder;
    connection_.call(builder, fb::CreateBlobAttach(builder.fbb(), id_, other.id()));
}

}  // namespace rendersock::client
