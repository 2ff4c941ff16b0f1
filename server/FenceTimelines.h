#pragma once
// The fence timelines of one context: one per ring, fence ids rising, each
// signalled in order once its work is done. With a timeline page the last
// signalled id of each ring is also published to the client's shared page.

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "server/Status.h"
#include "shm/Timeline.h"
#include "shm/UniqueFd.h"

namespace rendersock::server {

class FenceTimelines {
public:
    using Advanced = std::function<void(uint32_t ring, uint64_t signalled)>;

    FenceTimelines(uint32_t num_rings, bool with_page, Advanced on_advance);

    uint32_t num_rings() const { return static_cast<uint32_t>(rings_.size()); }
    // The page's memfd, for sending to the client; -1 without a page.
    int page_fd() const { return page_fd_.get(); }

    Status check_ring(uint32_t ring) const;
    // Registers fence `id` on `ring`; ids must rise.
    Status create(uint32_t ring, uint64_t id);
    // The context's work up to fence `id` is complete.
    void complete(uint32_t ring, uint64_t id);
    uint64_t signalled(uint32_t ring) const { return rings_[ring].signalled; }
    // Wakes every waiter on the page (after the context is lost) so clients
    // look at why instead of sleeping out their timeouts.
    void wake_all();

private:
    struct Pending {
        uint64_t id;
        bool done;
    };
    struct Ring {
        uint64_t last_created = 0;
        uint64_t signalled = 0;
        std::deque<Pending> pending;
    };

    std::vector<Ring> rings_;
    shm::UniqueFd page_fd_;
    std::unique_ptr<shm::TimelineWriter> writer_;
    Advanced on_advance_;
};

}  // namespace rendersock::server
