#include "wire/client/Blob.h"

#include <algorithm>
#include <cstring>
#include <optional>

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

}  // namespace

// [from, to) up as one masked transfer: the bytes, then a bit per byte
// (least significant first) set where the client changed it. The server
// writes only those, so bytes the host wrote meanwhile (GPU work still
// running in the same allocation) stay as the host left them.
void Blob::send_changes(uint64_t from, uint64_t to) {
    const uint64_t size = to - from;
    std::vector<std::byte> payload(size + (size + 7) / 8);
    const std::byte* mirror = mapping_.data() + from;
    std::byte* agreed = agreed_.data() + from;
    std::memcpy(payload.data(), mirror, size);
    auto* mask = reinterpret_cast<uint8_t*>(payload.data() + size);
    for (uint64_t i = 0; i < size; ++i)
        if (mirror[i] != agreed[i]) mask[i / 8] = static_cast<uint8_t>(mask[i / 8] | (1u << (i % 8)));
    wire::MessageBuilder builder;
    connection_.call(builder,
                     fb::CreateBlobTransfer(builder.fbb(), id_, from, size, fb::TransferDirection::ToHostMasked),
                     payload);
    std::memcpy(agreed, mirror, size);
}

// Changed blocks, merged with their changed neighbours, go up a range at a
// time: one round trip per range, however finely the changes are spread.
void Blob::flush(uint64_t offset, uint64_t size) {
    check_range(offset, size);
    if (shared_) return;
    std::lock_guard lock(sync_mutex_);
    const std::byte* mirror = mapping_.data();
    const uint64_t end = offset + size;
    // The mask adds an eighth; whole blocks keep ranges aligned to them.
    const uint64_t most = std::max<uint64_t>(transfer_chunk() / 9 * 8 / kBlock * kBlock, kBlock);
    std::optional<uint64_t> range;
    for (uint64_t block = offset; block < end; block += kBlock) {
        const uint64_t block_end = std::min(block + kBlock, end);
        const bool changed = std::memcmp(mirror + block, agreed_.data() + block, block_end - block) != 0;
        if (range && (!changed || block_end - *range > most)) {
            send_changes(*range, block);
            range.reset();
        }
        if (changed && !range) range = block;
    }
    if (range) send_changes(*range, end);
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
