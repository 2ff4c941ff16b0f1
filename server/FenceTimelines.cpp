#include "server/FenceTimelines.h"

#include "shm/Mapping.h"
#include "shm/Memfd.h"

namespace rendersock::server {

FenceTimelines::FenceTimelines(uint32_t num_rings, bool with_page, Advanced on_advance)
    : rings_(num_rings), on_advance_(std::move(on_advance)) {
    if (with_page) {
        page_fd_ = shm::create_sealed_memfd("rendersock-timeline", shm::Timeline::page_bytes());
        writer_ = std::make_unique<shm::TimelineWriter>(shm::Mapping::map(
            page_fd_.get(), shm::Timeline::page_bytes(), shm::Mapping::Access::ReadWrite));
    }
}

Status FenceTimelines::check_ring(uint32_t ring) const {
    if (ring >= rings_.size())
        return Status::error(fb::ErrorCode::OutOfRange,
                             "ring " + std::to_string(ring) + " does not exist (context has " +
                                 std::to_string(rings_.size()) + ")");
    return Status::ok();
}

Status FenceTimelines::create(uint32_t ring, uint64_t id) {
    RS_TRY(check_ring(ring));
    Ring& timeline = rings_[ring];
    if (id <= timeline.last_created)
        return Status::error(fb::ErrorCode::OutOfRange,
                             "fence id " + std::to_string(id) + " on ring " +
                                 std::to_string(ring) + " does not rise above " +
                                 std::to_string(timeline.last_created));
    timeline.last_created = id;
    timeline.pending.push_back({id, false});
    return Status::ok();
}

void FenceTimelines::complete(uint32_t ring, uint64_t id) {
    if (ring >= rings_.size()) return;
    Ring& timeline = rings_[ring];
    for (auto& pending : timeline.pending)
        if (pending.id == id) pending.done = true;
    bool advanced = false;
    // Later fences may finish first; the timeline only moves past finished
    // fences in creation order.
    while (!timeline.pending.empty() && timeline.pending.front().done) {
        timeline.signalled = timeline.pending.front().id;
        timeline.pending.pop_front();
        advanced = true;
    }
    if (!advanced) return;
    if (writer_) writer_->signal(ring, timeline.signalled);
    if (on_advance_) on_advance_(ring, timeline.signalled);
}

void FenceTimelines::wake_all() {
    if (!writer_) return;
    for (uint32_t ring = 0; ring < rings_.size(); ++ring)
        writer_->signal(ring, rings_[ring].signalled);
}

}  // namespace rendersock::server
