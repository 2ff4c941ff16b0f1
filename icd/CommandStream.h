#pragma once
// The Venus command stream of one instance. Commands that return nothing
// are appended and sent in batches; a command that returns data sends what
// is pending together with itself and waits for the answer: one round trip.

#include <cstdint>
#include <map>
#include <mutex>
#include <span>
#include <vector>

#include "wire/client/Context.h"
#include "wire/venus/Encoder.h"

namespace rendersock::icd {

class CommandStream : public wire::venus::HandleIds {
public:
    explicit CommandStream(client::Context& context) : context_(context) {}

    // Encodes a command under the stream's lock. For `sync`, returns the
    // server's answer (header, result, outputs); otherwise an empty vector.
    std::vector<std::byte> submit(uint32_t command_index, const uint64_t* slots, bool sync);
    // The same, preceded in the stream by one of our private commands (no
    // other thread's command can come between the two).
    std::vector<std::byte> submit_after(uint32_t private_command, std::span<const std::byte> body,
                                        uint32_t command_index, const uint64_t* slots, bool sync);
    // An asynchronous command (no answer awaited): encoded under the lock,
    // sent with the next flush. The path every vkCmd* takes.
    void post(uint32_t command_index, const uint64_t* slots);
    // Sends everything pending.
    void flush();

    // HandleIds: dispatchable handles are our objects, the others are ids.
    uint64_t id_of(uint16_t handle_type, uint64_t native) override;

private:
    size_t flush_bytes() const;
    void flush_locked();
    void flush_to_ring_locked();
    static bool cacheable(uint32_t command_index);
    std::vector<std::byte> submit_locked(uint32_t command_index, const uint64_t* slots, bool sync,
                                         std::unique_lock<std::mutex>& lock);

    client::Context& context_;
    std::mutex mutex_;
    std::vector<std::byte> pending_;
    std::map<std::vector<std::byte>, std::vector<std::byte>> query_cache_;
};

}  // namespace rendersock::icd
