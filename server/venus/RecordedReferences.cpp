#include "server/venus/RecordedReferences.h"

#include "server/venus/ObjectTable.h"

namespace rendersock::server::venus {

namespace {
// Secondaries may execute secondaries (VK_EXT_nested_command_buffer); a
// cycle or a deep chain is refused rather than followed.
constexpr int kMaxNesting = 8;
}  // namespace

void RecordedReferences::restart(uint64_t command_buffer) {
    recorded_[command_buffer].clear();
}

void RecordedReferences::forget(uint64_t command_buffer) {
    recorded_.erase(command_buffer);
    if (last_command_buffer_ == command_buffer) last_ = nullptr;
}

void RecordedReferences::add(uint64_t command_buffer, const Reference& reference) {
    if (!last_ || last_command_buffer_ != command_buffer) {
        last_command_buffer_ = command_buffer;
        last_ = &recorded_[command_buffer];  // map nodes never move
    }
    // Binding the same pipeline before every draw records it once.
    if (last_->empty() || !(last_->back() == reference)) last_->push_back(reference);
}

std::string RecordedReferences::check(uint64_t command_buffer, const ObjectTable& objects,
                                      uint16_t command_buffer_type, int depth) const {
    if (depth > kMaxNesting) return "command buffers nested deeper than " + std::to_string(kMaxNesting);
    auto it = recorded_.find(command_buffer);
    if (it == recorded_.end()) return {};
    for (const Reference& reference : it->second) {
        if (objects.serial_of(reference.id) != reference.serial)
            return "command buffer " + std::to_string(command_buffer) + " uses object " +
                   std::to_string(reference.id) + ", destroyed since it was recorded";
        if (reference.type == command_buffer_type) {
            std::string nested = check(reference.id, objects, command_buffer_type, depth + 1);
            if (!nested.empty()) return nested;
        }
    }
    return {};
}

}  // namespace rendersock::server::venus
