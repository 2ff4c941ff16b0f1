// Which objects each command buffer recorded, and the check at submit that
// none of them was destroyed since (RecordedReferences).
#include <string_view>

#include "server/venus/VenusContext.h"
#include "wire/venus/generated/VkIndices.h"

namespace rendersock::server::venus {

namespace vv = wire::venus;
namespace idx = wire::venus::index;

const std::vector<bool>& VenusContext::records_references() {
    static const auto table = [] {
        std::vector<bool> result(vv::command_type_count());
        for (uint32_t i = 0; i < result.size(); ++i)
            result[i] = vv::command_types()[i].level == vv::Level::CommandBuffer &&
                        std::string_view(vv::command_types()[i].name).starts_with("vkCmd");
        return result;
    }();
    return table;
}

void VenusContext::record_reference(uint64_t command_buffer, uint64_t id, uint16_t type) {
    // Vulkan 1.3 (maintenance4) lets a pipeline layout go once recorded.
    if (type == idx::VkPipelineLayout_handle) return;
    recorded_.add(command_buffer, {id, objects_.serial_of(id), type});
}

Status VenusContext::note_references(const Call& call) {
    if (records_references()[call.index]) {
        const uint64_t command_buffer = call.id(0);
        for (const auto& named : call.named)
            if (named.param != 0) record_reference(command_buffer, named.id, named.type);
        return Status::ok();
    }
    switch (call.index) {
        case idx::vkBeginCommandBuffer:
        case idx::vkResetCommandBuffer: recorded_.restart(call.id(0)); break;
        case idx::vkFreeCommandBuffers:
            for (const auto& named : call.named)
                if (named.type == idx::VkCommandBuffer_handle) recorded_.forget(named.id);
            break;
        case idx::vkQueueSubmit:
        case idx::vkQueueSubmit2:
            for (const auto& named : call.named) {
                if (named.type != idx::VkCommandBuffer_handle) continue;
                const std::string reason = recorded_.check(named.id, objects_, idx::VkCommandBuffer_handle);
                if (!reason.empty())
                    return Status::error(fb::ErrorCode::OutOfRange, std::string(call.type.name) + ": " + reason);
            }
            break;
        default: break;
    }
    return Status::ok();
}

}  // namespace rendersock::server::venus
