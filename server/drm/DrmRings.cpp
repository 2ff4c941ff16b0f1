// Ring timelines of DrmContext: syncobj points bound to the context's rings.
// DRM commands run at once, so a ring's fences would signal at once too;
// RingWaitSyncobj holds the ring's later fences (and RingSignalSyncobj
// actions) until a syncobj point signals. The kernel reports that through
// an eventfd (DRM_IOCTL_SYNCOBJ_EVENTFD, Linux 6.6), which the session
// watches on its own thread: nothing blocks.
#include <sys/eventfd.h>
#include <xf86drm.h>

#include <cerrno>
#include <cstring>

#include "server/drm/DrmContext.h"

namespace rendersock::server::drm {
namespace {

// include/uapi/drm/drm.h of Linux 6.6; libdrm 2.4.114 predates it.
struct SyncobjEventfd {
    uint32_t handle;
    uint32_t flags;
    uint64_t point;
    int32_t fd;
    uint32_t pad;
};
constexpr unsigned long kIoctlSyncobjEventfd = DRM_IOWR(0xCF, SyncobjEventfd);

}  // namespace

DrmContext::Answer DrmContext::check_ring_request(const dw::DrmRingSyncobj& request, uint32_t& handle) {
    if (request.ring >= num_rings_)
        return Answer::fail(-EINVAL, "ring " + std::to_string(request.ring) + " of a context with " +
                                         std::to_string(num_rings_));
    Answer answer = needs_timeline(request.point);
    handle = answer.error ? 0 : syncobj_handle(request.id, answer);
    return answer;
}

DrmContext::Answer DrmContext::ring_wait(const dw::DrmRingSyncobj& request) {
    uint32_t handle = 0;
    if (Answer refused = check_ring_request(request, handle); !handle) return refused;
    if (wait_eventfds_.size() >= dw::kMaxRingWaits)
        return Answer::fail(-ENOSPC, "the context has the most ring waits pending it may (" +
                                         std::to_string(dw::kMaxRingWaits) + ")");
    shm::UniqueFd eventfd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!eventfd) return Answer::fail(-errno, std::string("eventfd: ") + std::strerror(errno));
    SyncobjEventfd bind{handle, 0, request.point, eventfd.get(), 0};
    if (drmIoctl(device_->fd(), kIoctlSyncobjEventfd, &bind) != 0) {
        const int error = errno;
        if (error == ENOTTY || error == EINVAL)
            return Answer::fail(-EOPNOTSUPP, "the host kernel cannot bind syncobjs to rings "
                                             "(DRM_IOCTL_SYNCOBJ_EVENTFD needs Linux 6.6): " +
                                                 std::string(std::strerror(error)));
        return Answer::fail(-error, std::string("SYNCOBJ_EVENTFD: ") + std::strerror(error));
    }
    const uint64_t wait = next_wait_++;
    rings_[request.ring].push_back({wait, nullptr});
    const uint32_t ring = request.ring;
    std::weak_ptr<DrmContext*> self = self_;
    host_.when_readable(eventfd.get(), [self, ring, wait] {
        if (auto alive = self.lock()) (*alive)->wait_done(ring, wait);
    });
    wait_eventfds_.emplace(wait, std::move(eventfd));
    return {};
}

DrmContext::Answer DrmContext::ring_signal(const dw::DrmRingSyncobj& request) {
    uint32_t handle = 0;
    if (Answer refused = check_ring_request(request, handle); !handle) return refused;
    const uint32_t id = request.id;
    const uint64_t point = request.point;
    // Looked up again when it runs: the client may destroy the syncobj first.
    rings_[request.ring].push_back({0, [this, id, point] {
                                        auto it = syncobjs_.find(id);
                                        if (it == syncobjs_.end()) return;
                                        uint32_t target = it->second;
                                        uint64_t value = point;
                                        if (value == 0)
                                            drmSyncobjSignal(device_->fd(), &target, 1);
                                        else
                                            drmSyncobjTimelineSignal(device_->fd(), &target, &value, 1);
                                    }});
    advance(request.ring);
    return {};
}

void DrmContext::fence(uint32_t ring, FenceSignal signal) {
    rings_[ring].push_back({0, std::move(signal)});
    advance(ring);
}

void DrmContext::wait_done(uint32_t ring, uint64_t wait) {
    wait_eventfds_.erase(wait);
    for (RingEntry& entry : rings_[ring])
        if (entry.wait == wait) entry.wait = 0;
    advance(ring);
}

void DrmContext::advance(uint32_t ring) {
    auto& entries = rings_[ring];
    while (!entries.empty() && entries.front().wait == 0) {
        auto action = std::move(entries.front().action);
        entries.pop_front();
        if (action) action();
    }
}

}  // namespace rendersock::server::drm
