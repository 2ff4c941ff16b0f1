// Fence handlers of ClientSession: creation on a ring, waits with timeouts.
#include "server/ClientSession.h"

namespace rendersock::server {

Status ClientSession::on_fence_create(const fb::FenceCreate& request) {
    ContextEntry* entry = nullptr;
    RS_TRY(live_context(request.ctx_id(), entry));
    const uint32_t ring = request.ring_idx();
    const uint64_t fence_id = request.fence_id();
    RS_TRY(entry->timelines->create(ring, fence_id));
    const uint32_t ctx_id = request.ctx_id();
    // The context decides when the work before the fence is done; the
    // timeline then signals it in order.
    entry->context->fence(ring, [this, ctx_id, ring, fence_id] {
        auto it = contexts_.find(ctx_id);
        if (it != contexts_.end()) it->second.timelines->complete(ring, fence_id);
    });
    return Status::ok();
}

Status ClientSession::on_fence_wait(const fb::FenceWait& request, uint32_t serial) {
    ContextEntry* entry = nullptr;
    RS_TRY(live_context(request.ctx_id(), entry));
    const uint32_t ring = request.ring_idx();
    RS_TRY(entry->timelines->check_ring(ring));
    const auto asked_at = std::chrono::steady_clock::now();
    if (entry->timelines->signalled(ring) >= request.fence_id() || request.timeout_ns() == 0) {
        send_fence_state(serial, request.ctx_id(), ring, request.fence_id(), asked_at);
        return Status::ok();
    }
    PendingWait wait{request.ctx_id(), ring, request.fence_id(), serial, asked_at,
                     std::make_unique<asio::steady_timer>(io_)};
    // Timeouts beyond a day are treated as "forever", as Vulkan's UINT64_MAX.
    constexpr uint64_t kForeverNs = 86400ull * 1000000000ull;
    if (request.timeout_ns() < kForeverNs)
        wait.timer->expires_after(std::chrono::nanoseconds(request.timeout_ns()));
    else
        wait.timer->expires_at(asio::steady_timer::time_point::max());
    auto* timer = wait.timer.get();
    waits_.push_back(std::move(wait));
    auto position = std::prev(waits_.end());
    timer->async_wait([this, position](const asio::error_code& error) {
        if (error) return;  // cancelled: answered already
        send_fence_state(position->serial, position->ctx_id, position->ring, position->fence_id,
                         position->asked_at);
        waits_.erase(position);
    });
    return Status::ok();
}

void ClientSession::send_fence_state(uint32_t serial, uint32_t ctx_id, uint32_t ring,
                                     uint64_t asked,
                                     std::chrono::steady_clock::time_point asked_at) {
    stats_.fence_wait_answered(std::chrono::steady_clock::now() - asked_at);
    auto it = contexts_.find(ctx_id);
    const uint64_t signalled = it == contexts_.end() ? 0 : it->second.timelines->signalled(ring);
    wire::MessageBuilder builder;
    outbox_.send(builder.frame(
        serial, fb::CreateFenceState(builder.fbb(), ctx_id, ring, signalled, signalled >= asked)));
}

void ClientSession::fence_advanced(uint32_t ctx_id, uint32_t ring, uint64_t signalled) {
    for (auto it = waits_.begin(); it != waits_.end();) {
        if (it->ctx_id == ctx_id && it->ring == ring && it->fence_id <= signalled) {
            send_fence_state(it->serial, ctx_id, ring, it->fence_id, it->asked_at);
            it->timer->cancel();
            it = waits_.erase(it);
        } else {
            ++it;
        }
    }
}

void ClientSession::finish_waits(uint32_t ctx_id, bool context_gone) {
    for (auto it = waits_.begin(); it != waits_.end();) {
        if (it->ctx_id != ctx_id) {
            ++it;
            continue;
        }
        if (context_gone) {
            stats_.fence_wait_answered(std::chrono::steady_clock::now() - it->asked_at);
            send_error(it->serial,
                       Status::error(fb::ErrorCode::ContextLost,
                                     "context " + std::to_string(ctx_id) + " is gone"),
                       ctx_id);
        }
        it->timer->cancel();
        it = waits_.erase(it);
    }
}

}  // namespace rendersock::server
