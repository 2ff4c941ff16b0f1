#include "icd/CommandStream.h"

#include <string_view>

#include "icd/Objects.h"
#include "wire/venus/VenusStream.h"

namespace rendersock::icd {
namespace {

// Batches are sent once they reach this size even without a sync point:
// over the socket large (each send is a system call), into the ring small,
// so the server starts on a command buffer while it is still being recorded.
constexpr size_t kSocketFlushBytes = 256 * 1024;
constexpr size_t kRingFlushBytes = 32 * 1024;

}  // namespace

uint64_t CommandStream::id_of(uint16_t handle_type, uint64_t native) {
    if (wire::venus::handle_types()[handle_type].dispatchable)
        return object_of<Object>(native)->id;
    return native;
}

std::vector<std::byte> CommandStream::submit(uint32_t command_index, const uint64_t* slots,
                                             bool sync) {
    std::unique_lock lock(mutex_);
    if (sync) flush_to_ring_locked();
    return submit_locked(command_index, slots, sync, lock);
}

void CommandStream::post(uint32_t command_index, const uint64_t* slots) {
    std::lock_guard lock(mutex_);
    wire::venus::Encoder(pending_, *this).command(command_index, 0, slots);
    if (pending_.size() >= flush_bytes()) flush_locked();
}

std::vector<std::byte> CommandStream::submit_after(uint32_t private_command,
                                                   std::span<const std::byte> body,
                                                   uint32_t command_index, const uint64_t* slots,
                                                   bool sync) {
    std::unique_lock lock(mutex_);
    // The private command and its command stay together (in one message).
    if (sync) flush_to_ring_locked();
    wire::venus::Encoder encoder(pending_, *this);
    encoder.put(wire::venus::CommandHeader{
        private_command, static_cast<uint32_t>(sizeof(wire::venus::CommandHeader) + body.size())});
    encoder.put_bytes(body.data(), body.size());
    return submit_locked(command_index, slots, sync, lock);
}

bool CommandStream::cacheable(uint32_t command_index) {
    // What a physical device is does not change: its properties, features,
    // formats and memory types are asked for once and answered locally after.
    static const std::vector<bool> table = [] {
        std::vector<bool> result(wire::venus::command_type_count());
        for (uint32_t i = 0; i < result.size(); ++i) {
            const std::string_view name = wire::venus::command_types()[i].name;
            result[i] = name.starts_with("vkGetPhysicalDevice") &&
                        name.find("Surface") == std::string_view::npos &&
                        name.find("Present") == std::string_view::npos;
        }
        return result;
    }();
    return table[command_index];
}

// Commands are sent in order under the lock; the answer is awaited without
// it, so other threads keep streaming (a host signal another thread's wait
// depends on must not queue behind that wait). With a command ring, what is
// pending goes into the ring before an answered command, which then travels
// alone over the socket: the server runs the ring dry before it reads a
// socket message of the context, so the ring must never hold commands made
// after ones a socket message carries (another thread's later flush would
// overtake them: a Zink context was lost so, a descriptor set freed through
// the ring before the call on the socket that used it). What other threads
// send while the answer is awaited may run before the call, which is a
// valid order for concurrent calls.
std::vector<std::byte> CommandStream::submit_locked(uint32_t command_index, const uint64_t* slots,
                                                    bool sync, std::unique_lock<std::mutex>& lock) {
    const uint32_t flags = sync ? uint32_t{wire::venus::kCommandWantsReply} : 0u;
    if (sync && cacheable(command_index)) {
        // The encoded request (ids, counts, chains asked for) is the key.
        std::vector<std::byte> key;
        wire::venus::Encoder key_encoder(key, *this);
        key_encoder.command(command_index, flags, slots);
        if (auto it = query_cache_.find(key); it != query_cache_.end()) return it->second;
        pending_.insert(pending_.end(), key.begin(), key.end());
        const uint32_t serial = context_.submit_for_reply(0, pending_);
        pending_.clear();
        lock.unlock();
        client::Reply reply = context_.reply_to(serial);
        lock.lock();
        query_cache_.emplace(std::move(key), reply.frame.payload);
        return std::move(reply.frame.payload);
    }
    wire::venus::Encoder encoder(pending_, *this);
    encoder.command(command_index, flags, slots);
    if (!sync) {
        if (pending_.size() >= flush_bytes()) flush_locked();
        return {};
    }
    const uint32_t serial = context_.submit_for_reply(0, pending_);
    pending_.clear();
    lock.unlock();
    return std::move(context_.reply_to(serial).frame.payload);
}

size_t CommandStream::flush_bytes() const {
    return context_.has_stream_ring() ? kRingFlushBytes : kSocketFlushBytes;
}

// See submit_locked: before an answered command, what is pending goes
// through the ring (a no-op without one: then everything shares the socket).
void CommandStream::flush_to_ring_locked() {
    if (context_.has_stream_ring()) flush_locked();
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
