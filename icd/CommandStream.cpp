#include "icd/CommandStream.h"

#include "icd/Objects.h"
#include "wire/venus/VenusStream.h"

namespace rendersock::icd {
namespace {

// Batches are sent once they reach this size even without a sync point.
constexpr size_t kFlushBytes = 256 * 1024;

}  // namespace

uint64_t CommandStream::id_of(uint16_t handle_type, uint64_t native) {
    if (wire::venus::handle_types()[handle_type].dispatchable)
        return object_of<Object>(native)->id;
    return native;
}

std::vector<std::byte> CommandStream::submit(uint32_t command_index, const uint64_t* slots,
                                             bool sync) {
    std::lock_guard lock(mutex_);
    return submit_locked(command_index, slots, sync);
}

std::vector<std::byte> CommandStream::submit_after(uint32_t private_command,
                                                   std::span<const std::byte> body,
                                                   uint32_t command_index, const uint64_t* slots,
                                                   bool sync) {
    std::lock_guard lock(mutex_);
    wire::venus::Encoder encoder(pending_, *this);
    encoder.put(wire::venus::CommandHeader{
        private_command, static_cast<uint32_t>(sizeof(wire::venus::CommandHeader) + body.size())});
    encoder.put_bytes(body.data(), body.size());
    return submit_locked(command_index, slots, sync);
}

std::vector<std::byte> CommandStream::submit_locked(uint32_t command_index, const uint64_t* slots,
                                                    bool sync) {
    wire::venus::Encoder encoder(pending_, *this);
    const uint32_t flags = sync ? uint32_t{wire::venus::kCommandWantsReply} : 0u;
    encoder.command(command_index, flags, slots);
    if (!sync) {
        if (pending_.size() >= kFlushBytes) flush_locked();
        return {};
    }
    client::Reply reply = context_.submit_and_wait(0, pending_);
    pending_.clear();
    return std::move(reply.frame.payload);
}

void CommandStream::flush() {
    std::lock_guard lock(mutex_);
    flush_locked();
}

void CommandStream::flush_locked() {
    if (pending_.empty()) return;
    context_.submit(0, pending_);
    pending_.clear();
}

}  // namespace rendersock::icd
