#include "server/ClientSession.h"

#include <unistd.h>

#include "server/SessionRecorder.h"
#include "shm/Memfd.h"
#include "wire/Log.h"
#include "wire/venus/VenusCapset.h"

namespace rendersock::server {
namespace {

// Tokens are compared without an early exit, so timing does not reveal how
// much of a guess was right.
bool tokens_equal(const std::string& expected, std::string_view given) {
    unsigned char difference = expected.size() == given.size() ? 0 : 1;
    const size_t length = std::max(expected.size(), given.size());
    for (size_t i = 0; i < length; ++i) {
        const unsigned char a = i < expected.size() ? static_cast<unsigned char>(expected[i]) : 0;
        const unsigned char b = i < given.size() ? static_cast<unsigned char>(given[i]) : 0;
        difference = static_cast<unsigned char>(difference | (a ^ b));
    }
    return difference == 0;
}

constexpr uint64_t kServerFeatures = static_cast<uint64_t>(fb::Feature::FdPassing) |
                                     static_cast<uint64_t>(fb::Feature::StreamRing) |
                                     static_cast<uint64_t>(fb::Feature::TimelinePage);

}  // namespace

ClientSession::ClientSession(asio::io_context& io, SessionConfig config, Outbox& outbox)
    : io_(io),
      config_(std::move(config)),
      outbox_(outbox),
      stats_(config_.stats ? *config_.stats : unreported_stats_) {}

ClientSession::~ClientSession() {
    for (auto& wait : waits_) wait.timer->cancel();
    for (auto& watched : watched_fds_) watched.cancel();
    for (auto& [id, entry] : contexts_)
        if (entry.ring_reader) entry.ring_reader->stop();
}

void ClientSession::handle(const fb::Message& message, wire::Frame& frame) {
    Status status = dispatch(message, frame);
    if (status.is_ok()) return;
    RS_DEBUG("client %u: %s refused: %s", config_.client_id, wire::body_name(message.body_type()),
             status.message.c_str());
    send_error(message.serial(), status);
    if (!handshaken_) outbox_.close_after_flush(status.message);
}

Status ClientSession::dispatch(const fb::Message& message, wire::Frame& frame) {
    const uint32_t serial = message.serial();
    if (!handshaken_) {
        const auto* hello = message.body_as_Hello();
        if (!hello)
            return Status::error(fb::ErrorCode::BadHandshake, "the first message must be Hello");
        return on_hello(*hello, serial);
    }
    switch (message.body_type()) {
        case fb::Body::Ping: {
            wire::MessageBuilder builder;
            outbox_.send(builder.frame(
                serial, fb::CreatePong(builder.fbb(), message.body_as_Ping()->cookie())));
            return Status::ok();
        }
        case fb::Body::CapsetQuery: return on_capset_query(*message.body_as_CapsetQuery(), serial);
        case fb::Body::ContextCreate:
            return on_context_create(*message.body_as_ContextCreate(), serial);
        case fb::Body::ContextDestroy:
            return on_context_destroy(*message.body_as_ContextDestroy(), serial);
        case fb::Body::BlobCreate: return on_blob_create(*message.body_as_BlobCreate(), serial);
        case fb::Body::BlobDestroy: return on_blob_destroy(*message.body_as_BlobDestroy());
        case fb::Body::BlobAttach: return on_blob_attach(*message.body_as_BlobAttach(), serial);
        case fb::Body::BlobExport: return on_blob_export(*message.body_as_BlobExport(), serial);
        case fb::Body::BlobTransfer:
            return on_blob_transfer(*message.body_as_BlobTransfer(), frame, serial);
        case fb::Body::Submit: return on_submit(*message.body_as_Submit(), frame, serial);
        case fb::Body::StreamRingCreate:
            return on_stream_ring_create(*message.body_as_StreamRingCreate(), frame, serial);
        case fb::Body::FenceCreate: return on_fence_create(*message.body_as_FenceCreate());
        case fb::Body::FenceWait: return on_fence_wait(*message.body_as_FenceWait(), serial);
        default:
            return Status::error(fb::ErrorCode::UnknownMessage,
                                 std::string("the server does not accept ") +
                                     wire::body_name(message.body_type()) + " messages");
    }
}

Status ClientSession::on_hello(const fb::Hello& hello, uint32_t serial) {
    if (hello.magic() != wire::kHelloMagic)
        return Status::error(fb::ErrorCode::BadHandshake, "wrong handshake magic");
    if (hello.protocol_version() != wire::kProtocolVersion)
        return Status::error(fb::ErrorCode::BadHandshake,
                             "protocol version " + std::to_string(hello.protocol_version()) +
                                 " is not supported; this server speaks version " +
                                 std::to_string(wire::kProtocolVersion));
    const std::string_view token = hello.token() ? hello.token()->string_view() : "";
    if (!config_.token.empty() && !tokens_equal(config_.token, token))
        return Status::error(fb::ErrorCode::AccessDenied,
                             token.empty() ? "this server requires a token (RENDERSOCK_TOKEN_FILE)"
                                           : "wrong token");
    client_name_ = hello.client_name() ? hello.client_name()->str() : "";
    client_name_.resize(std::min<size_t>(client_name_.size(), 64));
    features_ = hello.features() & (config_.unix_socket ? kServerFeatures : 0);
    handshaken_ = true;
    stats_.set_name(client_name_);
    RS_INFO("client %u (%s) connected", config_.client_id, client_name_.c_str());

    wire::MessageBuilder builder;
    auto& fbb = builder.fbb();
    std::vector<flatbuffers::Offset<fb::CapsetInfo>> capsets;
    for (ContextType* type : config_.registry.available())
        capsets.push_back(fb::CreateCapsetInfo(fbb, type->capset(), type->max_version(),
                                               fbb.CreateString(type->description())));
    const Limits& limits = config_.options.limits;
    auto welcome = fb::CreateWelcome(
        fbb, fbb.CreateString(std::string("rendersock ") + RENDERSOCK_VERSION),
        wire::kProtocolVersion, features_, config_.client_id, fbb.CreateVector(capsets),
        fb::CreateLimits(fbb, limits.max_message_bytes, limits.max_blob_bytes, limits.max_objects,
                         limits.max_rings_per_context));
    outbox_.send(builder.frame(serial, welcome));
    return Status::ok();
}

Status ClientSession::on_capset_query(const fb::CapsetQuery& query, uint32_t serial) {
    ContextType* type = config_.registry.find_available(query.type());
    if (!type) return Status::error(fb::ErrorCode::Unsupported, config_.registry.refusal(query.type()));
    if (query.version() > type->max_version())
        return Status::error(fb::ErrorCode::Unsupported,
                             "capset version " + std::to_string(query.version()) + " > " +
                                 std::to_string(type->max_version()));
    const std::vector<uint8_t> data = type->capset_data(query.version());
    wire::MessageBuilder builder;
    auto& fbb = builder.fbb();
    outbox_.send(builder.frame(
        serial, fb::CreateCapsetData(fbb, query.type(), query.version(), fbb.CreateVector(data))));
    return Status::ok();
}

Status ClientSession::reserve_object() {
    if (objects_ >= config_.options.limits.max_objects)
        return Status::error(fb::ErrorCode::LimitExceeded,
                             "object limit of " +
                                 std::to_string(config_.options.limits.max_objects) + " reached");
    ++objects_;
    return Status::ok();
}

Status ClientSession::on_context_create(const fb::ContextCreate& request, uint32_t serial) {
    const uint32_t ctx_id = request.ctx_id();
    if (ctx_id == 0) return Status::error(fb::ErrorCode::OutOfRange, "context id 0 is reserved");
    if (contexts_.count(ctx_id))
        return Status::error(fb::ErrorCode::AlreadyExists,
                             "context " + std::to_string(ctx_id) + " already exists");
    const uint32_t rings = request.num_rings();
    if (rings == 0 || rings > config_.options.limits.max_rings_per_context ||
        rings > shm::Timeline::kMaxRings)
        return Status::error(fb::ErrorCode::OutOfRange,
                             "a context has 1 to " +
                                 std::to_string(config_.options.limits.max_rings_per_context) +
                                 " rings, not " + std::to_string(rings));
    ContextType* type = config_.registry.find_available(request.capset());
    if (!type)
        return Status::error(fb::ErrorCode::Unsupported, config_.registry.refusal(request.capset()));
    RS_TRY(reserve_object());
    Status status;
    ContextCreateInfo info{ctx_id, rings, request.name() ? request.name()->str() : "", *this,
                           (features_ & static_cast<uint64_t>(fb::Feature::FdPassing)) != 0};
    auto context = type->create(info, status);
    if (!context) {
        --objects_;
        return status.is_ok() ? Status::error(fb::ErrorCode::HostFailure, "context creation failed")
                              : status;
    }
    const bool with_page = (features_ & static_cast<uint64_t>(fb::Feature::TimelinePage)) != 0;
    ContextEntry entry;
    entry.context = std::move(context);
    entry.capset = request.capset();
    entry.timelines = std::make_unique<FenceTimelines>(
        rings, with_page, [this, ctx_id](uint32_t ring, uint64_t signalled) {
            fence_advanced(ctx_id, ring, signalled);
        });
    std::vector<shm::UniqueFd> fds;
    if (with_page) fds.emplace_back(::dup(entry.timelines->page_fd()));
    contexts_.emplace(ctx_id, std::move(entry));
    stats_.context_created(request.capset());
    RS_DEBUG("client %u: %s context %u created", config_.client_id, capset_name(request.capset()),
             ctx_id);
    wire::MessageBuilder builder;
    outbox_.send(builder.frame(serial, fb::CreateContextCreated(builder.fbb(), ctx_id, with_page),
                               {}, std::move(fds)));
    return Status::ok();
}

Status ClientSession::on_context_destroy(const fb::ContextDestroy& request, uint32_t serial) {
    auto it = contexts_.find(request.ctx_id());
    if (it == contexts_.end())
        return Status::error(fb::ErrorCode::NoSuchContext,
                             "no context " + std::to_string(request.ctx_id()));
    if (it->second.ring_reader) it->second.ring_reader->stop();
    finish_waits(request.ctx_id(), true);
    stats_.context_destroyed(it->second.capset);
    contexts_.erase(it);
    for (auto& [id, blob] : blobs_) blob->detach(request.ctx_id());
    --objects_;
    (void)serial;  // streamed: success has no answer
    return Status::ok();
}

Status ClientSession::live_context(uint32_t ctx_id, ContextEntry*& entry) {
    auto it = contexts_.find(ctx_id);
    if (it == contexts_.end())
        return Status::error(fb::ErrorCode::NoSuchContext, "no context " + std::to_string(ctx_id));
    if (it->second.lost)
        return Status::error(fb::ErrorCode::ContextLost,
                             "context " + std::to_string(ctx_id) + " was lost");
    entry = &it->second;
    if (entry->ring_reader) {
        Status drained = entry->ring_reader->drain();
        if (!drained.is_ok()) {
            lose_context(ctx_id, drained);
            return Status::error(fb::ErrorCode::ContextLost, drained.message);
        }
    }
    return entry->lost ? Status::error(fb::ErrorCode::ContextLost, "context lost") : Status::ok();
}

Status ClientSession::execute(uint32_t ctx_id, ContextEntry& entry, uint32_t ring,
                              std::span<const std::byte> stream, std::vector<std::byte>* reply,
                              std::vector<shm::UniqueFd>* fds_in, std::vector<shm::UniqueFd>* fds_out) {
    RS_TRY(entry.timelines->check_ring(ring));
    Status status = fds_in && fds_out
                        ? entry.context->submit_with_fds(ring, stream, reply, *fds_in, *fds_out)
                        : entry.context->submit(ring, stream, reply);
    if (!status.is_ok()) lose_context(ctx_id, status);
    return status;
}

Status ClientSession::on_submit(const fb::Submit& request, wire::Frame& frame, uint32_t serial) {
    ContextEntry* entry = nullptr;
    RS_TRY(live_context(request.ctx_id(), entry));
    std::vector<std::byte> reply;
    std::vector<shm::UniqueFd> fds_out;
    Status status = execute(request.ctx_id(), *entry, request.ring_idx(), frame.payload,
                            request.wants_reply() ? &reply : nullptr, &frame.fds, &fds_out);
    if (request.wants_reply()) {
        // A caller waits for this answer: a lost context answers with an error.
        if (!status.is_ok()) return Status::error(fb::ErrorCode::ContextLost, status.message);
        if (!(features_ & static_cast<uint64_t>(fb::Feature::FdPassing))) fds_out.clear();
        wire::MessageBuilder builder;
        outbox_.send(builder.frame(serial, fb::CreateContextReply(builder.fbb(), request.ctx_id(), 0),
                                   reply, std::move(fds_out)));
        return Status::ok();
    }
    // A lost context was already reported with ContextLost.
    return entry->lost ? Status::ok() : status;
}

void ClientSession::lose_context(uint32_t ctx_id, const Status& why) {
    auto it = contexts_.find(ctx_id);
    if (it == contexts_.end() || it->second.lost) return;
    ContextEntry& entry = it->second;
    entry.lost = true;
    RS_WARN("client %u: context %u lost: %s", config_.client_id, ctx_id, why.message.c_str());
    if (entry.ring_reader) entry.ring_reader->stop();
    entry.timelines->wake_all();
    finish_waits(ctx_id, true);
    // Free the host objects now; the id stays taken until ContextDestroy.
    entry.context.reset();
    wire::MessageBuilder builder;
    auto& fbb = builder.fbb();
    outbox_.send(builder.frame(
        0, fb::CreateContextLost(fbb, ctx_id, why.code, fbb.CreateString(why.message))));
}

Status ClientSession::on_stream_ring_create(const fb::StreamRingCreate& request,
                                            wire::Frame& frame, uint32_t serial) {
    if (!(features_ & static_cast<uint64_t>(fb::Feature::StreamRing)))
        return Status::error(fb::ErrorCode::Unsupported, "stream rings need a Unix socket");
    ContextEntry* entry = nullptr;
    RS_TRY(live_context(request.ctx_id(), entry));
    if (entry->ring_reader)
        return Status::error(fb::ErrorCode::AlreadyExists, "the context already has a ring");
    const uint64_t capacity = request.capacity();
    if (!shm::Ring::valid_capacity(capacity) || capacity > (256ull << 20))
        return Status::error(fb::ErrorCode::OutOfRange,
                             "ring capacity must be a power of two from 4 KiB to 256 MiB");
    if (frame.fds.size() != 2)
        return Status::error(fb::ErrorCode::Malformed,
                             "StreamRingCreate carries the ring memfd and a doorbell eventfd");
    auto size = shm::sealed_memfd_size(frame.fds[0].get());
    if (!size || *size != shm::Ring::bytes_for(capacity))
        return Status::error(fb::ErrorCode::Malformed,
                             "the ring fd must be a memfd sealed against shrinking, of exactly "
                             "the ring's size");
    auto client_bell = shm::Doorbell::adopt_from_peer(std::move(frame.fds[1]));
    if (!client_bell)
        return Status::error(fb::ErrorCode::Malformed, "the ring doorbell must be an eventfd");
    shm::Doorbell space_bell = shm::Doorbell::create();
    shm::UniqueFd space_bell_copy(::dup(space_bell.fd()));
    shm::RingConsumer consumer(shm::Mapping::map(frame.fds[0].get(), *size,
                                                 shm::Mapping::Access::ReadWrite),
                               capacity, std::move(space_bell));
    const uint32_t ctx_id = request.ctx_id();
    entry->ring_reader = std::make_shared<StreamRingReader>(
        io_, std::move(consumer), shm::UniqueFd(::dup(client_bell->fd())), config_.options.limits.max_message_bytes,
        [this, ctx_id](uint32_t ring, std::span<const std::byte> stream) {
            auto it = contexts_.find(ctx_id);
            stats_.ring_stream_received(stream.size());
            if (it == contexts_.end() || it->second.lost) return Status::ok();
            // Only streams that run: a replay sends them as Submits.
            if (config_.recorder) config_.recorder->ring_stream(ctx_id, ring, stream);
            return execute(ctx_id, it->second, ring, stream, nullptr);
        },
        [this, ctx_id](const Status& status) { lose_context(ctx_id, status); });
    entry->ring_reader->start();
    std::vector<shm::UniqueFd> fds;
    fds.push_back(std::move(space_bell_copy));
    wire::MessageBuilder builder;
    outbox_.send(builder.frame(serial, fb::CreateStreamRingCreated(builder.fbb(), ctx_id), {},
                               std::move(fds)));
    return Status::ok();
}

void ClientSession::reply(uint32_t ctx_id, uint64_t reply_id, std::span<const std::byte> data) {
    wire::MessageBuilder builder;
    outbox_.send(builder.frame(0, fb::CreateContextReply(builder.fbb(), ctx_id, reply_id), data));
}

void ClientSession::when_readable(int fd, std::function<void()> ready) {
    const int copy = ::dup(fd);
    if (copy < 0) return;
    watched_fds_.emplace_back(io_, copy);
    auto position = std::prev(watched_fds_.end());
    position->async_wait(asio::posix::stream_descriptor::wait_read,
                         [this, position, ready = std::move(ready)](const asio::error_code& error) {
                             if (error) return;  // cancelled: the session is ending
                             watched_fds_.erase(position);
                             ready();
                         });
}

void ClientSession::send_ok(uint32_t serial) {
    wire::MessageBuilder builder;
    outbox_.send(builder.frame(serial, fb::CreateOk(builder.fbb())));
}

void ClientSession::send_error(uint32_t serial, const Status& status, uint32_t ctx_id) {
    wire::MessageBuilder builder;
    auto& fbb = builder.fbb();
    outbox_.send(builder.frame(
        serial, fb::CreateError(fbb, status.code, fbb.CreateString(status.message), ctx_id)));
}

}  // namespace rendersock::server
