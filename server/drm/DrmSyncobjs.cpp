// Syncobj commands of DrmContext: binary and timeline syncobjs, bounded
// waits, sync_file export and import.
#include <unistd.h>
#include <xf86drm.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "server/drm/DrmContext.h"

namespace rendersock::server::drm {
namespace {

std::string because(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

int64_t monotonic_now_ns() {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
}

// A binary syncobj that lives for one scope: the kernel moves timeline
// points to and from sync_files only through binary syncobjs.
class TemporarySyncobj {
public:
    explicit TemporarySyncobj(int fd) : fd_(fd) {
        if (drmSyncobjCreate(fd_, 0, &handle_) != 0) handle_ = 0;
    }
    ~TemporarySyncobj() {
        if (handle_) drmSyncobjDestroy(fd_, handle_);
    }
    uint32_t handle() const { return handle_; }

private:
    int fd_;
    uint32_t handle_ = 0;
};

}  // namespace

DrmContext::Answer DrmContext::needs_timeline(uint64_t point) const {
    if (point != 0 && !device_->has(dw::kCapSyncobjTimeline))
        return Answer::fail(-EOPNOTSUPP, "timeline points need DRM_CAP_SYNCOBJ_TIMELINE, which " +
                                             std::string(device_->capset().driver) + " lacks");
    return {};
}

uint32_t DrmContext::syncobj_handle(uint32_t id, Answer& answer) const {
    auto it = syncobjs_.find(id);
    if (it != syncobjs_.end()) return it->second;
    answer = Answer::fail(-ENOENT, "no syncobj " + std::to_string(id));
    return 0;
}

DrmContext::Answer DrmContext::syncobj_create(const dw::DrmSyncobjCreate& request) {
    if (!device_->has(dw::kCapSyncobj))
        return Answer::fail(-EOPNOTSUPP, std::string(device_->capset().driver) + " has no syncobjs");
    if (request.id == 0) return Answer::fail(-EINVAL, "syncobj id 0 is reserved");
    if (syncobjs_.count(request.id))
        return Answer::fail(-EEXIST, "syncobj " + std::to_string(request.id) + " already exists");
    if (request.flags & ~dw::kSyncobjCreateSignaled) return Answer::fail(-EINVAL, "unknown syncobj flags");
    if (syncobjs_.size() >= dw::kMaxSyncobjs)
        return Answer::fail(-ENOSPC, "the context holds the most syncobjs it may (" +
                                         std::to_string(dw::kMaxSyncobjs) + ")");
    uint32_t handle = 0;
    const uint32_t flags = (request.flags & dw::kSyncobjCreateSignaled) ? DRM_SYNCOBJ_CREATE_SIGNALED : 0;
    if (drmSyncobjCreate(device_->fd(), flags, &handle) != 0) return Answer::fail(-errno, because("SYNCOBJ_CREATE"));
    syncobjs_.emplace(request.id, handle);
    return {};
}

DrmContext::Answer DrmContext::syncobj_destroy(uint32_t id) {
    Answer answer;
    const uint32_t handle = syncobj_handle(id, answer);
    if (!handle) return answer;
    drmSyncobjDestroy(device_->fd(), handle);
    syncobjs_.erase(id);
    return {};
}

DrmContext::Answer DrmContext::syncobj_signal(const dw::DrmSyncobjPoint& request) {
    Answer answer = needs_timeline(request.point);
    uint32_t handle = answer.error ? 0 : syncobj_handle(request.id, answer);
    if (!handle) return answer;
    uint64_t point = request.point;
    const int result = point == 0 ? drmSyncobjSignal(device_->fd(), &handle, 1)
                                  : drmSyncobjTimelineSignal(device_->fd(), &handle, &point, 1);
    if (result != 0) return Answer::fail(-errno, because("SYNCOBJ_SIGNAL"));
    return {};
}

DrmContext::Answer DrmContext::syncobj_wait(const dw::DrmSyncobjWait& request,
                                            std::span<const dw::DrmSyncobjPoint> points) {
    if (request.timeout_ns < 0 || request.timeout_ns > dw::kMaxWaitNanoseconds)
        return Answer::fail(-EINVAL, "wait timeout outside 0.." + std::to_string(dw::kMaxWaitNanoseconds) +
                                         " ns (wait again for longer)");
    if (request.flags & ~(dw::kWaitAll | dw::kWaitForSubmit)) return Answer::fail(-EINVAL, "unknown wait flags");
    std::vector<uint32_t> handles;
    std::vector<uint64_t> values;
    bool timeline = false;
    for (const auto& point : points) {
        Answer answer = needs_timeline(point.point);
        const uint32_t handle = answer.error ? 0 : syncobj_handle(point.id, answer);
        if (!handle) return answer;
        handles.push_back(handle);
        values.push_back(point.point);
        timeline |= point.point != 0;
    }
    uint32_t flags = 0;
    if (request.flags & dw::kWaitAll) flags |= DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL;
    if (request.flags & dw::kWaitForSubmit) flags |= DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT;
    const int64_t deadline = monotonic_now_ns() + request.timeout_ns;
    uint32_t first = 0;
    const auto count = static_cast<unsigned>(handles.size());
    const int result = timeline ? drmSyncobjTimelineWait(device_->fd(), handles.data(), values.data(), count,
                                                         deadline, flags, &first)
                                : drmSyncobjWait(device_->fd(), handles.data(), count, deadline, flags, &first);
    if (result != 0) {
        const int error = errno;
        if (error == ETIME || error == ETIMEDOUT)
            return Answer::fail(-ETIME, "not signalled within " + std::to_string(request.timeout_ns) + " ns");
        if (error == EINVAL && !(request.flags & dw::kWaitForSubmit))
            return Answer::fail(-EINVAL, "a point has no fence yet (wait with kWaitForSubmit to wait for one)");
        return Answer::fail(-error, because("SYNCOBJ_WAIT"));
    }
    return Answer::of(dw::DrmWaitAnswer{first, 0});
}

DrmContext::Answer DrmContext::syncobj_query(uint32_t id) {
    Answer answer = needs_timeline(1);
    uint32_t handle = answer.error ? 0 : syncobj_handle(id, answer);
    if (!handle) return answer;
    uint64_t point = 0;
    if (drmSyncobjQuery(device_->fd(), &handle, &point, 1) != 0) return Answer::fail(-errno, because("SYNCOBJ_QUERY"));
    return Answer::of(dw::DrmQueryAnswer{point});
}

DrmContext::Answer DrmContext::syncobj_export(const dw::DrmSyncobjPoint& request) {
    if (!fd_passing_) return Answer::fail(-EOPNOTSUPP, "sync_files travel only over Unix sockets");
    Answer answer = needs_timeline(request.point);
    const uint32_t handle = answer.error ? 0 : syncobj_handle(request.id, answer);
    if (!handle) return answer;
    const int fd = device_->fd();
    TemporarySyncobj binary(fd);
    uint32_t source = handle;
    if (request.point != 0) {
        if (!binary.handle()) return Answer::fail(-errno, because("SYNCOBJ_CREATE"));
        if (drmSyncobjTransfer(fd, binary.handle(), 0, handle, request.point, 0) != 0)
            return Answer::fail(-errno, because("SYNCOBJ_TRANSFER (has the point a fence yet?)"));
        source = binary.handle();
    }
    int sync_file = -1;
    if (drmSyncobjExportSyncFile(fd, source, &sync_file) != 0)
        return Answer::fail(-errno, because("export as sync_file (has the syncobj a fence yet?)"));
    answer = {};
    answer.fds.emplace_back(sync_file);
    return answer;
}

DrmContext::Answer DrmContext::syncobj_import(const dw::DrmSyncobjPoint& request, shm::UniqueFd sync_file) {
    Answer answer = needs_timeline(request.point);
    const uint32_t handle = answer.error ? 0 : syncobj_handle(request.id, answer);
    if (!handle) return answer;
    const int fd = device_->fd();
    if (request.point == 0) {
        if (drmSyncobjImportSyncFile(fd, handle, sync_file.get()) != 0)
            return Answer::fail(-errno, because("import of a sync_file (is the fd one?)"));
        return {};
    }
    TemporarySyncobj binary(fd);
    if (!binary.handle()) return Answer::fail(-errno, because("SYNCOBJ_CREATE"));
    if (drmSyncobjImportSyncFile(fd, binary.handle(), sync_file.get()) != 0)
        return Answer::fail(-errno, because("import of a sync_file (is the fd one?)"));
    if (drmSyncobjTransfer(fd, handle, request.point, binary.handle(), 0, 0) != 0)
        return Answer::fail(-errno, because("SYNCOBJ_TRANSFER"));
    return {};
}

DrmContext::Answer DrmContext::syncobj_reset(uint32_t id) {
    Answer answer;
    uint32_t handle = syncobj_handle(id, answer);
    if (!handle) return answer;
    if (drmSyncobjReset(device_->fd(), &handle, 1) != 0) return Answer::fail(-errno, because("SYNCOBJ_RESET"));
    return {};
}

}  // namespace rendersock::server::drm
