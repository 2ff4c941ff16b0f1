#include "server/venus/VenusContext.h"

#include <cstring>

#include "wire/venus/VenusStream.h"

namespace rendersock::server::venus {

VenusContext::VenusContext(const ContextCreateInfo& info, std::shared_ptr<VulkanHost> host)
    : ctx_id_(info.ctx_id), host_io_(info.host), host_(std::move(host)) {}

Status VenusContext::submit(uint32_t /*ring*/, std::span<const std::byte> stream) {
    size_t offset = 0;
    while (offset < stream.size()) {
        wire::venus::CommandHeader header;
        if (stream.size() - offset < sizeof(header))
            return Status::error(fb::ErrorCode::Malformed, "truncated Venus command header");
        std::memcpy(&header, stream.data() + offset, sizeof(header));
        if (header.size < sizeof(header) || header.size > stream.size() - offset)
            return Status::error(fb::ErrorCode::Malformed,
                                 "Venus command size " + std::to_string(header.size) +
                                     " outside the stream");
        if (header.command == wire::venus::kCommandPadding) {
            offset += header.size;
            continue;
        }
        // The generated command table comes with the Vulkan decoder; until a
        // command is known here, the stream is refused rather than skipped.
        return Status::error(fb::ErrorCode::Malformed,
                             "unknown Venus command " + std::to_string(header.command));
    }
    return Status::ok();
}

}  // namespace rendersock::server::venus
