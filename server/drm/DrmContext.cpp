#include "server/drm/DrmContext.h"

#include <unistd.h>
#include <xf86drm.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace rendersock::server::drm {
namespace {

Status malformed(std::string message) {
    return Status::error(fb::ErrorCode::Malformed, "DRM stream: " + std::move(message));
}

// Reads a command body of exactly sizeof(T) bytes.
template <typename T>
Status read_body(std::span<const std::byte> body, T& out) {
    if (body.size() != sizeof(T))
        return malformed("body of " + std::to_string(body.size()) + " bytes, expected " +
                         std::to_string(sizeof(T)));
    std::memcpy(&out, body.data(), sizeof(T));
    return Status::ok();
}

Status take_fd(std::vector<shm::UniqueFd>& fds, size_t& next_fd, shm::UniqueFd& out) {
    if (next_fd >= fds.size()) return malformed("a command needs an fd the submit did not carry");
    out = std::move(fds[next_fd++]);
    return Status::ok();
}

void write_answer(std::vector<std::byte>& reply, dw::DrmOp op, DrmContext::Answer& answer) {
    dw::DrmAnswer header{};
    header.op = static_cast<uint32_t>(op);
    header.error = answer.error;
    if (answer.error != 0) {
        answer.body.clear();
        answer.fds.clear();
    }
    header.body_bytes = static_cast<uint32_t>(answer.body.size());
    header.fd_count = static_cast<uint32_t>(answer.fds.size());
    std::snprintf(header.message, sizeof(header.message), "%s", answer.message.c_str());
    DrmContext::Answer::append(reply, header);
    reply.insert(reply.end(), answer.body.begin(), answer.body.end());
}

}  // namespace

DrmContext::Answer DrmContext::Answer::fail(int32_t error, std::string message) {
    Answer answer;
    answer.error = error < 0 ? error : -EINVAL;
    answer.message = std::move(message);
    return answer;
}

DrmContext::DrmContext(std::unique_ptr<DrmDevice> device, const ContextCreateInfo& info, uint64_t byte_budget)
    : device_(std::move(device)),
      host_(info.host),
      num_rings_(info.num_rings),
      byte_budget_(byte_budget),
      fd_passing_(info.fd_passing) {}

DrmContext::~DrmContext() {
    for (auto& [id, buffer] : buffers_) release(buffer);
    for (auto& [id, handle] : syncobjs_) drmSyncobjDestroy(device_->fd(), handle);
}

Status DrmContext::submit(uint32_t ring, std::span<const std::byte> stream, std::vector<std::byte>* reply) {
    std::vector<shm::UniqueFd> none_in, none_out;
    return submit_with_fds(ring, stream, reply, none_in, none_out);
}

Status DrmContext::submit_with_fds(uint32_t /*ring*/, std::span<const std::byte> stream,
                                   std::vector<std::byte>* reply, std::vector<shm::UniqueFd>& fds_in,
                                   std::vector<shm::UniqueFd>& fds_out) {
    // Every command is answered, so a stream that asks for nothing is a
    // client bug we would only hide.
    if (!reply) return malformed("DRM command streams must ask for an answer");
    size_t next_fd = 0;
    size_t offset = 0;
    while (offset < stream.size()) {
        dw::DrmCommandHeader header{};
        if (stream.size() - offset < sizeof(header)) return malformed("truncated command header");
        std::memcpy(&header, stream.data() + offset, sizeof(header));
        offset += sizeof(header);
        if (header.body_bytes > stream.size() - offset)
            return malformed("command body of " + std::to_string(header.body_bytes) +
                             " bytes runs past the stream");
        const auto body = stream.subspan(offset, header.body_bytes);
        offset += header.body_bytes;
        const auto op = static_cast<dw::DrmOp>(header.op);
        Answer answer;
        RS_TRY(run(op, body, fds_in, next_fd, answer));
        for (auto& fd : answer.fds)
            if (answer.error == 0) fds_out.push_back(std::move(fd));
        write_answer(*reply, op, answer);
    }
    if (next_fd != fds_in.size())
        return malformed(std::to_string(fds_in.size() - next_fd) + " fds carried that no command took");
    return Status::ok();
}

Status DrmContext::run(dw::DrmOp op, std::span<const std::byte> body, std::vector<shm::UniqueFd>& fds,
                       size_t& next_fd, Answer& answer) {
    dw::DrmObjectId object{};
    dw::DrmSyncobjPoint point{};
    switch (op) {
        case dw::DrmOp::QueryFormats:
            if (!body.empty()) return malformed("QueryFormats has no body");
            answer = query_formats();
            return Status::ok();
        case dw::DrmOp::CreateBuffer: {
            dw::DrmCreateBuffer request{};
            RS_TRY(read_body(body, request));
            answer = create_buffer(request);
            return Status::ok();
        }
        case dw::DrmOp::ImportBuffer: {
            dw::DrmImportBuffer request{};
            shm::UniqueFd dmabuf;
            RS_TRY(read_body(body, request));
            RS_TRY(take_fd(fds, next_fd, dmabuf));
            answer = import_buffer(request, std::move(dmabuf));
            return Status::ok();
        }
        case dw::DrmOp::DestroyBuffer:
            RS_TRY(read_body(body, object));
            answer = destroy_buffer(object.id);
            return Status::ok();
        case dw::DrmOp::SyncobjCreate: {
            dw::DrmSyncobjCreate request{};
            RS_TRY(read_body(body, request));
            answer = syncobj_create(request);
            return Status::ok();
        }
        case dw::DrmOp::SyncobjDestroy:
            RS_TRY(read_body(body, object));
            answer = syncobj_destroy(object.id);
            return Status::ok();
        case dw::DrmOp::SyncobjSignal:
            RS_TRY(read_body(body, point));
            answer = syncobj_signal(point);
            return Status::ok();
        case dw::DrmOp::SyncobjWait: {
            dw::DrmSyncobjWait request{};
            if (body.size() < sizeof(request)) return malformed("truncated SyncobjWait");
            std::memcpy(&request, body.data(), sizeof(request));
            if (request.count == 0 || request.count > dw::kMaxWaitPoints)
                return malformed("SyncobjWait on " + std::to_string(request.count) + " points (1 to " +
                                 std::to_string(dw::kMaxWaitPoints) + ")");
            if (body.size() != sizeof(request) + request.count * sizeof(dw::DrmSyncobjPoint))
                return malformed("SyncobjWait body does not hold its points");
            std::vector<dw::DrmSyncobjPoint> points(request.count);
            std::memcpy(points.data(), body.data() + sizeof(request), points.size() * sizeof(points[0]));
            answer = syncobj_wait(request, points);
            return Status::ok();
        }
        case dw::DrmOp::SyncobjQuery:
            RS_TRY(read_body(body, object));
            answer = syncobj_query(object.id);
            return Status::ok();
        case dw::DrmOp::SyncobjExport:
            RS_TRY(read_body(body, point));
            answer = syncobj_export(point);
            return Status::ok();
        case dw::DrmOp::SyncobjImport: {
            shm::UniqueFd sync_file;
            RS_TRY(read_body(body, point));
            RS_TRY(take_fd(fds, next_fd, sync_file));
            answer = syncobj_import(point, std::move(sync_file));
            return Status::ok();
        }
        case dw::DrmOp::SyncobjReset:
            RS_TRY(read_body(body, object));
            answer = syncobj_reset(object.id);
            return Status::ok();
        case dw::DrmOp::RingWaitSyncobj:
        case dw::DrmOp::RingSignalSyncobj: {
            dw::DrmRingSyncobj request{};
            RS_TRY(read_body(body, request));
            answer = op == dw::DrmOp::RingWaitSyncobj ? ring_wait(request) : ring_signal(request);
            return Status::ok();
        }
    }
    return malformed("unknown op " + std::to_string(static_cast<uint32_t>(op)));
}

Status DrmContext::blob_memory(uint64_t object_id, uint64_t size, shm::UniqueFd& fd) {
    if (object_id == 0) return Status::ok();  // an ordinary blob
    auto it = object_id <= UINT32_MAX ? buffers_.find(static_cast<uint32_t>(object_id)) : buffers_.end();
    if (it == buffers_.end())
        return Status::error(fb::ErrorCode::OutOfRange,
                             "the DRM context has no buffer " + std::to_string(object_id));
    if (size > it->second.info.size)
        return Status::error(fb::ErrorCode::OutOfRange,
                             "blob of " + std::to_string(size) + " bytes over DRM buffer " +
                                 std::to_string(object_id) + " of " + std::to_string(it->second.info.size));
    fd.reset(::dup(it->second.memory.dmabuf.get()));
    if (!fd) return Status::error(fb::ErrorCode::HostFailure, std::string("dup: ") + std::strerror(errno));
    return Status::ok();
}

}  // namespace rendersock::server::drm
