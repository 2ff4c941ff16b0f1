// Two threads of one application, as a multi-threaded renderer (Zink, say)
// uses one device: the recorder creates an event, records a command that
// names it, destroys it (allowed: the command buffer only becomes invalid),
// then asks the status of another event (a call that waits for the
// server's answer); beside it, another thread creates and destroys events
// of its own as fast as it can (the ICD names new objects itself, so these
// are streamed, not answered). Whatever the transport does with the two
// threads' commands (socket, command ring), the server must see each
// thread's commands in the order that thread made them: a recorded command
// after the destruction of the event it names ends the context, and every
// call after it fails. (With the command ring taking flushes while a call on
// the socket still carried the recorder's commands, the destruction could
// overtake the recording.)
// usage: thread_order_test [ROUNDS]   exit 0 when every call succeeded
#include <atomic>
#include <cstdlib>
#include <thread>

#include "VulkanApp.h"

int main(int argc, char** argv) {
    const int rounds = argc > 1 ? std::atoi(argv[1]) : 150;
    VulkanApp app("thread_order_test", VK_QUEUE_GRAPHICS_BIT);
    VkCommandPool pool = app.command_pool();
    VkCommandBuffer commands = app.command_buffer(pool);
    const VkEventCreateInfo event_info{VK_STRUCTURE_TYPE_EVENT_CREATE_INFO};
    VkEvent probe;
    VK_CHECK(vkCreateEvent(app.device, &event_info, nullptr, &probe));
    std::atomic<bool> recording{true};
    std::atomic<int> failures{0};

    std::thread caller([&] {
        while (recording.load()) {
            VkEvent event;
            if (vkCreateEvent(app.device, &event_info, nullptr, &event) != VK_SUCCESS) {
                ++failures;
                return;
            }
            vkDestroyEvent(app.device, event, nullptr);
        }
    });

    const VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    for (int round = 0; round < rounds && failures.load() == 0; ++round) {
        if (vkBeginCommandBuffer(commands, &begin) != VK_SUCCESS) {
            ++failures;
            break;
        }
        VkEvent event;
        if (vkCreateEvent(app.device, &event_info, nullptr, &event) != VK_SUCCESS) {
            ++failures;
            break;
        }
        vkCmdSetEvent(commands, event, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT);
        // Time for the other thread's call to take the command above along.
        for (int i = 0; i < 200; ++i) vkCmdSetLineWidth(commands, 1.0f);
        vkDestroyEvent(app.device, event, nullptr);
        // A status query waits on the server: what is pending goes ahead of it.
        if (vkGetEventStatus(app.device, probe) != VK_EVENT_RESET) {
            ++failures;
            break;
        }
        if (vkEndCommandBuffer(commands) != VK_SUCCESS || vkResetCommandBuffer(commands, 0) != VK_SUCCESS) {
            ++failures;
            break;
        }
    }
    recording = false;
    caller.join();
    // A lost context shows here at the latest.
    const VkResult idle = vkDeviceWaitIdle(app.device);
    std::printf("%d rounds: %s, vkDeviceWaitIdle %d\n", rounds, failures.load() ? "a call failed" : "every call succeeded",
                static_cast<int>(idle));
    return failures.load() == 0 && idle == VK_SUCCESS ? 0 : 1;
}
