#include "icd/CommandStream.h"

#include <string_view>

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
    std::unique_lock lock(mutex_);
    return submit_locked(command_index, slots, sync, lock);
}

void CommandStream::post(uint32_t command_index, const uint64_t* slots) {
    std::lock_guard lock(mutex_);
    wire::venus::Encoder(pending_, *this).command(command_index, 0, slots);
    if (pending_.size() >= kFlushBytes) flush_locked();
}

std::vector<std::byte> CommandStream::submit_after(uint32_t private_command,
                                                   std::span<const std::byte> body,
                                                   uint32_t command_index, const uint64_t* slots,
                                                   bool sync) {
    std::unique_lock lock(mutex_);
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

bool CommandStream::waits(uint32_t command_index) {
    // Commands that can block on the server until something else happens,
    // perhaps something another thread of the application has yet to send.
    static const std::vector<bool> table = [] {
        std::vector<bool> result(wire::venus::command_type_count());
        for (uint32_t i = 0; i < result.size(); ++i) {
            const std::string_view name = wire::venus::command_types()[i].name;
            result[i] = name.starts_with("vkWaitFor") || name.starts_with("vkWaitSemaphores") ||
                        name == "vkGetFenceStatus" || name == "vkGetEventStatus" || name == "vkQueueWaitIdle" ||
                        name == "vkDeviceWaitIdle" || name == "vkGetQueryPoolResults";
        }
        return result;
    }();
    return table[command_index];
}

// Commands are sent in order under the lock. With a command ring, flushes
// go through the ring and answers are asked for over the socket, and the
// server runs the ring dry before it reads a socket message of the context;
// so nothing may enter the ring while a socket message that carries
// commands is unread, or the ring would overtake it. Hence:
// - a wait (see waits()) first flushes what is pending into the ring and
//   goes over the socket alone, and its answer is awaited without the lock,
//   so other threads keep streaming (a host signal another thread's wait
//   depends on must not queue behind that wait; whatever they send meanwhile
//   may run before the wait, which is a valid order for concurrent calls);
// - any other answered command goes with what is pending and keeps the lock
//   until its answer is back.
// Without a ring (TCP) everything travels over the socket, in order, and
// answers are always awaited without the lock.
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
        // (The lock stays held with a ring: see below.)
        const bool ring = context_.has_stream_ring();
        if (!ring) lock.unlock();
        client::Reply reply = context_.reply_to(serial);
        if (!ring) lock.lock();
        query_cache_.emplace(std::move(key), reply.frame.payload);
        return std::move(reply.frame.payload);
    }
    const bool ring = context_.has_stream_ring();
    if (sync && ring && waits(command_index)) {
        flush_locked();
        wire::venus::Encoder(pending_, *this).command(command_index, flags, slots);
        const uint32_t serial = context_.submit_for_reply(0, pending_);
        pending_.clear();
        lock.unlock();
        return std::move(context_.reply_to(serial).frame.payload);
    }
    wire::venus::Encoder encoder(pending_, *this);
    encoder.command(command_index, flags, slots);
    if (!sync) {
        if (pending_.size() >= kFlushBytes) flush_locked();
        return {};
    }
    const uint32_t serial = context_.submit_for_reply(0, pending_);
    pending_.clear();
    if (!ring) lock.unlock();
    return std::move(context_.reply_to(serial).frame.payload);
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
