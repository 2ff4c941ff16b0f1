#pragma once
// What each command buffer's recorded commands name (pipelines, buffers,
// images, sets, secondary command buffers...), with the serial each object
// had then, so that submitting a command buffer whose objects were
// destroyed since is refused: the host would run freed shader code or touch
// freed memory (fuzz_venus made lavapipe jump into a destroyed pipeline's
// code). Objects reached only through descriptor sets are not followed.

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace rendersock::server::venus {

class ObjectTable;

class RecordedReferences {
public:
    struct Reference {
        uint64_t id;
        uint64_t serial;
        uint16_t type;
        bool operator==(const Reference&) const = default;
    };

    // vkBeginCommandBuffer and resets: what was recorded is forgotten.
    void restart(uint64_t command_buffer);
    void forget(uint64_t command_buffer);
    void add(uint64_t command_buffer, const Reference& reference);

    // Empty when every object `command_buffer` (and the secondaries it
    // executes) recorded is still the one it recorded; else the reason.
    // `command_buffer_type` is the handle type of command buffers.
    std::string check(uint64_t command_buffer, const ObjectTable& objects, uint16_t command_buffer_type,
                      int depth = 0) const;

private:
    std::unordered_map<uint64_t, std::vector<Reference>> recorded_;
    // Consecutive commands mostly record into one command buffer.
    uint64_t last_command_buffer_ = 0;
    std::vector<Reference>* last_ = nullptr;
};

}  // namespace rendersock::server::venus
