// api_test sections: events and timeline semaphores.
#include "api/ApiSupport.h"

namespace api_test {

void test_events(Context& ctx) {
    out.section = "events";
    Buffer src = make_buffer(ctx, 128, VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT);
    Buffer dst = make_buffer(ctx, 128, VK_BUFFER_USAGE_TRANSFER_DST_BIT);
    // The last 64 bytes are written by the host.
    for (uint32_t i = 0; i < 16; ++i) src.words()[16 + i] = 0xC0000000u + i;
    VkEvent events[5];
    VkEventCreateInfo event_info{VK_STRUCTURE_TYPE_EVENT_CREATE_INFO};
    for (VkEvent& event : events) VK_CHECK(vkCreateEvent(ctx.device, &event_info, nullptr, &event));
    // events[3] is set from the host before the submit, and waited on in it.
    VK_CHECK(vkSetEvent(ctx.device, events[3]));
    out.line("host_set_status: %d", vkGetEventStatus(ctx.device, events[3]));

    VkCommandPool pool = ctx.command_pool();
    VkCommandBuffer commands = ctx.command_buffer(pool);
    begin(commands);
    // events[0]: synchronization2 set and wait around fill -> copy.
    vkCmdFillBuffer(commands, src.buffer, 0, 32, 0xAAAAAAAAu);
    VkMemoryBarrier2 barrier2{VK_STRUCTURE_TYPE_MEMORY_BARRIER_2};
    barrier2.srcStageMask = VK_PIPELINE_STAGE_2_ALL_TRANSFER_BIT;
    barrier2.srcAccessMask = VK_ACCESS_2_TRANSFER_WRITE_BIT;
    barrier2.dstStageMask = VK_PIPELINE_STAGE_2_ALL_TRANSFER_BIT;
    barrier2.dstAccessMask = VK_ACCESS_2_TRANSFER_READ_BIT;
    VkDependencyInfo dependency{VK_STRUCTURE_TYPE_DEPENDENCY_INFO};
    dependency.memoryBarrierCount = 1;
    dependency.pMemoryBarriers = &barrier2;
    vkCmdSetEvent2(commands, events[0], &dependency);
    vkCmdWaitEvents2(commands, 1, &events[0], &dependency);
    const VkBufferCopy copy0{0, 0, 32};
    vkCmdCopyBuffer(commands, src.buffer, dst.buffer, 1, &copy0);
    // events[1]: the original set and wait.
    vkCmdFillBuffer(commands, src.buffer, 32, 32, 0xBBBBBBBBu);
    vkCmdSetEvent(commands, events[1], VK_PIPELINE_STAGE_TRANSFER_BIT);
    VkMemoryBarrier barrier{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    barrier.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    barrier.dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
    vkCmdWaitEvents(commands, 1, &events[1], VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 1,
                    &barrier, 0, nullptr, 0, nullptr);
    const VkBufferCopy copy1{32, 32, 32};
    vkCmdCopyBuffer(commands, src.buffer, dst.buffer, 1, &copy1);
    // events[2]: set, then reset.
    vkCmdSetEvent(commands, events[2], VK_PIPELINE_STAGE_TRANSFER_BIT);
    vkCmdResetEvent(commands, events[2], VK_PIPELINE_STAGE_TRANSFER_BIT);
    // events[3]: set by the host; the copy after the wait reads host-written data.
    VkMemoryBarrier host_barrier{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    host_barrier.srcAccessMask = VK_ACCESS_HOST_WRITE_BIT;
    host_barrier.dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
    vkCmdWaitEvents(commands, 1, &events[3], VK_PIPELINE_STAGE_HOST_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 1,
                    &host_barrier, 0, nullptr, 0, nullptr);
    const VkBufferCopy copy2{64, 64, 64};
    vkCmdCopyBuffer(commands, src.buffer, dst.buffer, 1, &copy2);
    transfer_to_host(commands);
    VK_CHECK(vkEndCommandBuffer(commands));
    ctx.submit_and_wait(commands);

    VkResult status[5];
    for (int i = 0; i < 5; ++i) status[i] = vkGetEventStatus(ctx.device, events[i]);
    out.line("status_after_submit: %d %d %d %d %d", status[0], status[1], status[2], status[3], status[4]);
    out.check(status[0] == VK_EVENT_SET, "vkCmdSetEvent2 leaves the event set");
    out.check(status[1] == VK_EVENT_SET, "vkCmdSetEvent leaves the event set");
    out.check(status[2] == VK_EVENT_RESET, "vkCmdResetEvent leaves the event reset");
    out.check(status[3] == VK_EVENT_SET, "host-set event stays set");
    out.check(status[4] == VK_EVENT_RESET, "untouched event is reset");
    VK_CHECK(vkResetEvent(ctx.device, events[0]));
    out.line("status_after_host_reset: %d", vkGetEventStatus(ctx.device, events[0]));
    out.check(vkGetEventStatus(ctx.device, events[0]) == VK_EVENT_RESET, "host reset after a device set");

    out.hex("dst", dst.mapped, 128);
    bool ok = true;
    for (uint32_t i = 0; i < 8; ++i) ok &= dst.words()[i] == 0xAAAAAAAAu && dst.words()[8 + i] == 0xBBBBBBBBu;
    for (uint32_t i = 0; i < 16; ++i) ok &= dst.words()[16 + i] == 0xC0000000u + i;
    out.check(ok, "copies ordered by the events");

    for (VkEvent event : events) vkDestroyEvent(ctx.device, event, nullptr);
    vkDestroyCommandPool(ctx.device, pool, nullptr);
    destroy(ctx, src);
    destroy(ctx, dst);
}

// ==================================================== timeline semaphore --

void test_timeline(Context& ctx) {
    out.section = "timeline";
    VkSemaphoreTypeCreateInfo type{VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO};
    type.semaphoreType = VK_SEMAPHORE_TYPE_TIMELINE;
    type.initialValue = 1;
    VkSemaphoreCreateInfo info{VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
    info.pNext = &type;
    VkSemaphore timeline;
    VK_CHECK(vkCreateSemaphore(ctx.device, &info, nullptr, &timeline));
    uint64_t value = 0;
    VK_CHECK(vkGetSemaphoreCounterValue(ctx.device, timeline, &value));
    out.line("initial: %" PRIu64, value);
    out.check(value == 1, "initial value");

    Buffer buffer = make_buffer(ctx, 64, VK_BUFFER_USAGE_TRANSFER_DST_BIT);
    VkCommandPool pool = ctx.command_pool();
    VkCommandBuffer fill_first = ctx.command_buffer(pool), fill_second = ctx.command_buffer(pool);
    begin(fill_first);
    vkCmdFillBuffer(fill_first, buffer.buffer, 0, 32, 0x55555555u);
    transfer_to_host(fill_first);
    VK_CHECK(vkEndCommandBuffer(fill_first));
    begin(fill_second);
    vkCmdFillBuffer(fill_second, buffer.buffer, 32, 32, 0x66666666u);
    transfer_to_host(fill_second);
    VK_CHECK(vkEndCommandBuffer(fill_second));

    // Submit 1 signals 5; the host waits for it.
    const uint64_t five = 5;
    VkTimelineSemaphoreSubmitInfo timeline_info{VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO};
    timeline_info.signalSemaphoreValueCount = 1;
    timeline_info.pSignalSemaphoreValues = &five;
    VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
    submit.pNext = &timeline_info;
    submit.commandBufferCount = 1;
    submit.pCommandBuffers = &fill_first;
    submit.signalSemaphoreCount = 1;
    submit.pSignalSemaphores = &timeline;
    VK_CHECK(vkQueueSubmit(ctx.queue, 1, &submit, VK_NULL_HANDLE));
    VkSemaphoreWaitInfo wait{VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO};
    wait.semaphoreCount = 1;
    wait.pSemaphores = &timeline;
    wait.pValues = &five;
    const VkResult waited5 = vkWaitSemaphores(ctx.device, &wait, 10'000'000'000ull);
    VK_CHECK(vkGetSemaphoreCounterValue(ctx.device, timeline, &value));
    out.line("after_submit_5: wait=%d value=%" PRIu64 " words=%08x %08x", waited5, value, buffer.words()[0],
             buffer.words()[7]);
    out.check(waited5 == VK_SUCCESS && value == 5 && buffer.words()[0] == 0x55555555u, "signal 5 from a submit");

    // Submit 2 waits for 5 and signals 8.
    const uint64_t eight = 8;
    const VkPipelineStageFlags wait_stage = VK_PIPELINE_STAGE_TRANSFER_BIT;
    timeline_info.waitSemaphoreValueCount = 1;
    timeline_info.pWaitSemaphoreValues = &five;
    timeline_info.pSignalSemaphoreValues = &eight;
    submit.waitSemaphoreCount = 1;
    submit.pWaitSemaphores = &timeline;
    submit.pWaitDstStageMask = &wait_stage;
    submit.pCommandBuffers = &fill_second;
    VK_CHECK(vkQueueSubmit(ctx.queue, 1, &submit, VK_NULL_HANDLE));
    wait.pValues = &eight;
    const VkResult waited8 = vkWaitSemaphores(ctx.device, &wait, 10'000'000'000ull);
    VK_CHECK(vkGetSemaphoreCounterValue(ctx.device, timeline, &value));
    out.line("after_submit_8: wait=%d value=%" PRIu64 " words=%08x %08x", waited8, value, buffer.words()[8],
             buffer.words()[15]);
    out.check(waited8 == VK_SUCCESS && value == 8 && buffer.words()[8] == 0x66666666u, "wait 5, signal 8");

    // vkQueueSubmit2 without command buffers: wait 8, signal 12.
    VkSemaphoreSubmitInfo wait_info{VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO};
    wait_info.semaphore = timeline;
    wait_info.value = 8;
    wait_info.stageMask = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT;
    VkSemaphoreSubmitInfo signal_info = wait_info;
    signal_info.value = 12;
    VkSubmitInfo2 submit2{VK_STRUCTURE_TYPE_SUBMIT_INFO_2};
    submit2.waitSemaphoreInfoCount = 1;
    submit2.pWaitSemaphoreInfos = &wait_info;
    submit2.signalSemaphoreInfoCount = 1;
    submit2.pSignalSemaphoreInfos = &signal_info;
    VK_CHECK(vkQueueSubmit2(ctx.queue, 1, &submit2, VK_NULL_HANDLE));
    const uint64_t twelve = 12;
    wait.pValues = &twelve;
    const VkResult waited12 = vkWaitSemaphores(ctx.device, &wait, 10'000'000'000ull);
    VK_CHECK(vkGetSemaphoreCounterValue(ctx.device, timeline, &value));
    out.line("after_submit2_12: wait=%d value=%" PRIu64, waited12, value);
    out.check(waited12 == VK_SUCCESS && value == 12, "vkQueueSubmit2 wait 8, signal 12");

    // Wait-before-signal: a submit waits for 20, which the host signals afterwards.
    VkFence done = ctx.fence();
    wait_info.value = 20;
    signal_info.value = 21;
    VK_CHECK(vkQueueSubmit2(ctx.queue, 1, &submit2, done));
    const VkResult pending = vkGetFenceStatus(ctx.device, done);
    VkSemaphoreSignalInfo host_signal{VK_STRUCTURE_TYPE_SEMAPHORE_SIGNAL_INFO};
    host_signal.semaphore = timeline;
    host_signal.value = 20;
    VK_CHECK(vkSignalSemaphore(ctx.device, &host_signal));
    // (The fence and the semaphore signal are not ordered with each other: wait for both.)
    const uint64_t twenty_one = 21;
    wait.pValues = &twenty_one;
    const VkResult waited21 = vkWaitSemaphores(ctx.device, &wait, 10'000'000'000ull);
    const VkResult fence_result = vkWaitForFences(ctx.device, 1, &done, VK_TRUE, 10'000'000'000ull);
    VK_CHECK(vkGetSemaphoreCounterValue(ctx.device, timeline, &value));
    out.line("wait_before_signal: pending_fence=%d wait=%d fence=%d value=%" PRIu64, pending, waited21, fence_result,
             value);
    out.check(pending == VK_NOT_READY, "submit waits for the host signal");
    out.check(waited21 == VK_SUCCESS && fence_result == VK_SUCCESS && value == 21, "host signal releases the submit");
    VK_CHECK(vkQueueWaitIdle(ctx.queue));

    // vkWaitSemaphores with a value never reached times out (timeout 0: a poll).
    const uint64_t far = 100;
    wait.pValues = &far;
    const VkResult poll = vkWaitSemaphores(ctx.device, &wait, 0);
    out.line("poll_unreached: %d", poll);
    out.check(poll == VK_TIMEOUT, "poll for an unreached value");

    vkDestroyFence(ctx.device, done, nullptr);
    vkDestroyCommandPool(ctx.device, pool, nullptr);
    vkDestroySemaphore(ctx.device, timeline, nullptr);
    destroy(ctx, buffer);
}

// ====================================================== image operations --


}  // namespace api_test
