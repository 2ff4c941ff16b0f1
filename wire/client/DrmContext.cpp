#include "wire/client/DrmContext.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace rendersock::client {
namespace {

template <typename T>
std::span<const std::byte> bytes_of(const T& value) {
    return {reinterpret_cast<const std::byte*>(&value), sizeof(T)};
}

}  // namespace

DrmContext::DrmContext(Connection& connection, uint32_t num_rings) : connection_(connection) {
    wire::MessageBuilder builder;
    Reply reply = connection_.call(
        builder, fb::CreateCapsetQuery(builder.fbb(), fb::CapsetType::Drm, dw::kDrmCapsetVersion));
    const auto* data = reply.body<fb::CapsetData>();
    if (!data || !data->data() || data->data()->size() != sizeof(device_))
        throw ConnectionError("the server's DRM capset has an unexpected size");
    std::memcpy(&device_, data->data()->data(), sizeof(device_));
    if (device_.magic != dw::kDrmCapsetMagic) throw ConnectionError("the server's DRM capset has a bad magic");
    device_.driver[sizeof(device_.driver) - 1] = 0;
    device_.description[sizeof(device_.description) - 1] = 0;
    device_.node[sizeof(device_.node) - 1] = 0;
    context_ = std::make_unique<Context>(connection_, fb::CapsetType::Drm, num_rings, "drm");
}

DrmContext::Result DrmContext::run(dw::DrmOp op, std::span<const std::byte> body, std::span<const int> fds) {
    std::vector<std::byte> stream(sizeof(dw::DrmCommandHeader) + body.size());
    const dw::DrmCommandHeader header{static_cast<uint32_t>(op), static_cast<uint32_t>(body.size())};
    std::memcpy(stream.data(), &header, sizeof(header));
    if (!body.empty()) std::memcpy(stream.data() + sizeof(header), body.data(), body.size());
    Reply reply = context_->submit_and_wait(0, stream, fds);
    const auto& payload = reply.frame.payload;
    dw::DrmAnswer answer{};
    if (payload.size() < sizeof(answer)) throw ConnectionError("short DRM answer");
    std::memcpy(&answer, payload.data(), sizeof(answer));
    if (answer.op != header.op || answer.body_bytes != payload.size() - sizeof(answer))
        throw ConnectionError("DRM answer does not match its command");
    answer.message[sizeof(answer.message) - 1] = 0;
    Result result;
    result.error = answer.error;
    result.message = answer.message;
    result.body.assign(payload.begin() + sizeof(answer), payload.end());
    for (auto& fd : reply.frame.fds) result.fds.push_back(std::move(fd));
    if (answer.error == 0 && result.fds.size() != answer.fd_count)
        throw ConnectionError("DRM answer lacks the fds it announces");
    return result;
}

template <typename Answer, typename Request>
Answer DrmContext::call(dw::DrmOp op, const Request& request, std::span<const int> fds) {
    Result result = run(op, bytes_of(request), fds);
    if (result.error) throw DrmError(result.error, result.message);
    Answer answer{};
    if (result.body.size() != sizeof(answer)) throw ConnectionError("DRM answer of unexpected size");
    std::memcpy(&answer, result.body.data(), sizeof(answer));
    return answer;
}

void DrmContext::call_plain(dw::DrmOp op, std::span<const std::byte> body) {
    Result result = run(op, body);
    if (result.error) throw DrmError(result.error, result.message);
}

std::vector<dw::DrmFormatModifier> DrmContext::formats() {
    Result result = run(dw::DrmOp::QueryFormats, {});
    if (result.error) throw DrmError(result.error, result.message);
    dw::DrmFormatsAnswer header{};
    if (result.body.size() < sizeof(header)) throw ConnectionError("short format list");
    std::memcpy(&header, result.body.data(), sizeof(header));
    if (result.body.size() != sizeof(header) + header.count * sizeof(dw::DrmFormatModifier))
        throw ConnectionError("format list of unexpected size");
    std::vector<dw::DrmFormatModifier> formats(header.count);
    if (!formats.empty())
        std::memcpy(formats.data(), result.body.data() + sizeof(header), formats.size() * sizeof(formats[0]));
    return formats;
}

dw::DrmBufferAnswer DrmContext::create_buffer(uint32_t width, uint32_t height, uint32_t format,
                                              uint64_t modifier, uint32_t usage) {
    const dw::DrmCreateBuffer request{next_id_++, width, height, format, modifier, usage, 0};
    return call<dw::DrmBufferAnswer>(dw::DrmOp::CreateBuffer, request);
}

dw::DrmBufferAnswer DrmContext::import_buffer(int dmabuf_fd, uint64_t size) {
    if (!connection_.has_feature(fb::Feature::FdPassing))
        throw DrmError(-EOPNOTSUPP, "importing a dma-buf needs a Unix socket");
    const dw::DrmImportBuffer request{next_id_++, 0, size};
    const int fds[] = {dmabuf_fd};
    return call<dw::DrmBufferAnswer>(dw::DrmOp::ImportBuffer, request, fds);
}

void DrmContext::destroy_buffer(uint32_t id) {
    call_plain(dw::DrmOp::DestroyBuffer, bytes_of(dw::DrmObjectId{id, 0}));
}

std::unique_ptr<Blob> DrmContext::map_buffer(const dw::DrmBufferAnswer& buffer) {
    // Shareable: a DRM buffer is there to be shared (the client's virgl
    // context can make it a texture).
    const auto flags = static_cast<uint32_t>(fb::BlobFlags::Mappable) | static_cast<uint32_t>(fb::BlobFlags::Shareable);
    return std::make_unique<Blob>(*context_, buffer.size, flags, buffer.id);
}

uint32_t DrmContext::create_syncobj(bool signalled) {
    const uint32_t id = next_id_++;
    call_plain(dw::DrmOp::SyncobjCreate,
               bytes_of(dw::DrmSyncobjCreate{id, signalled ? uint32_t{dw::kSyncobjCreateSignaled} : 0u}));
    return id;
}

void DrmContext::destroy_syncobj(uint32_t id) {
    call_plain(dw::DrmOp::SyncobjDestroy, bytes_of(dw::DrmObjectId{id, 0}));
}

void DrmContext::signal(uint32_t id, uint64_t point) {
    call_plain(dw::DrmOp::SyncobjSignal, bytes_of(dw::DrmSyncobjPoint{id, 0, point}));
}

void DrmContext::reset(uint32_t id) { call_plain(dw::DrmOp::SyncobjReset, bytes_of(dw::DrmObjectId{id, 0})); }

uint64_t DrmContext::query(uint32_t id) {
    return call<dw::DrmQueryAnswer>(dw::DrmOp::SyncobjQuery, dw::DrmObjectId{id, 0}).point;
}

std::optional<uint32_t> DrmContext::wait(std::span<const dw::DrmSyncobjPoint> points,
                                         std::chrono::nanoseconds timeout, uint32_t flags) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::nanoseconds>(
            deadline - std::chrono::steady_clock::now());
        const int64_t slice = std::clamp<int64_t>(left.count(), 0, dw::kMaxWaitNanoseconds);
        std::vector<std::byte> body(sizeof(dw::DrmSyncobjWait) + points.size_bytes());
        const dw::DrmSyncobjWait request{slice, static_cast<uint32_t>(points.size()), flags};
        std::memcpy(body.data(), &request, sizeof(request));
        std::memcpy(body.data() + sizeof(request), points.data(), points.size_bytes());
        Result result = run(dw::DrmOp::SyncobjWait, body);
        if (result.error == 0) {
            dw::DrmWaitAnswer answer{};
            if (result.body.size() != sizeof(answer)) throw ConnectionError("wait answer of unexpected size");
            std::memcpy(&answer, result.body.data(), sizeof(answer));
            return answer.first_signalled;
        }
        if (result.error != -ETIME) throw DrmError(result.error, result.message);
        if (slice == left.count()) return std::nullopt;
    }
}

shm::UniqueFd DrmContext::export_sync_file(uint32_t id, uint64_t point) {
    Result result = run(dw::DrmOp::SyncobjExport, bytes_of(dw::DrmSyncobjPoint{id, 0, point}));
    if (result.error) throw DrmError(result.error, result.message);
    if (result.fds.size() != 1) throw ConnectionError("sync_file export without an fd");
    return std::move(result.fds[0]);
}

void DrmContext::import_sync_file(uint32_t id, int sync_file, uint64_t point) {
    if (!connection_.has_feature(fb::Feature::FdPassing))
        throw DrmError(-EOPNOTSUPP, "importing a sync_file needs a Unix socket");
    const int fds[] = {sync_file};
    Result result = run(dw::DrmOp::SyncobjImport, bytes_of(dw::DrmSyncobjPoint{id, 0, point}), fds);
    if (result.error) throw DrmError(result.error, result.message);
}

void DrmContext::ring_wait(uint32_t ring, uint32_t id, uint64_t point) {
    call_plain(dw::DrmOp::RingWaitSyncobj, bytes_of(dw::DrmRingSyncobj{ring, id, point}));
}

void DrmContext::ring_signal(uint32_t ring, uint32_t id, uint64_t point) {
    call_plain(dw::DrmOp::RingSignalSyncobj, bytes_of(dw::DrmRingSyncobj{ring, id, point}));
}

}  // namespace rendersock::client
