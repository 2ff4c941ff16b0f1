#include "server/venus/ShaderResources.h"

#include <unordered_map>
#include <unordered_set>

namespace rendersock::server::venus {

namespace {

constexpr uint32_t kOpFunction = 54;
constexpr uint32_t kOpVariable = 59;
constexpr uint32_t kOpDecorate = 71;
constexpr uint32_t kDecorationBinding = 33;
constexpr uint32_t kDecorationDescriptorSet = 34;
constexpr uint32_t kStorageUniformConstant = 0;
constexpr uint32_t kStorageUniform = 2;
constexpr uint32_t kStorageStorageBuffer = 12;
constexpr size_t kHeaderWords = 5;

struct Decorations {
    bool has_set = false, has_binding = false;
    uint32_t set = 0, binding = 0;
};

}  // namespace

std::vector<DescriptorSlot> used_descriptor_slots(const uint32_t* code, size_t words) {
    std::unordered_map<uint32_t, Decorations> decorations;
    std::unordered_set<uint32_t> resources;
    std::unordered_set<uint32_t> named_in_functions;
    bool in_functions = false;
    for (size_t at = kHeaderWords; at < words;) {
        const uint32_t count = code[at] >> 16, opcode = code[at] & 0xffff;
        if (count == 0 || count > words - at) break;  // validated SPIR-V never does this
        const uint32_t* operands = code + at + 1;
        if (opcode == kOpFunction) in_functions = true;
        if (opcode == kOpDecorate && count >= 4) {
            Decorations& entry = decorations[operands[0]];
            if (operands[1] == kDecorationDescriptorSet) entry.has_set = true, entry.set = operands[2];
            if (operands[1] == kDecorationBinding) entry.has_binding = true, entry.binding = operands[2];
        } else if (opcode == kOpVariable && count >= 4 && !in_functions) {
            const uint32_t storage = operands[2];
            if (storage == kStorageUniformConstant || storage == kStorageUniform || storage == kStorageStorageBuffer)
                resources.insert(operands[1]);
        } else if (in_functions) {
            // Any operand word may name a variable; literals that happen to
            // equal one only make the check stricter for that variable.
            named_in_functions.insert(operands, operands + count - 1);
        }
        at += count;
    }
    std::vector<DescriptorSlot> slots;
    for (uint32_t id : resources) {
        auto it = decorations.find(id);
        if (it == decorations.end() || !it->second.has_set || !it->second.has_binding) continue;
        if (named_in_functions.count(id)) slots.push_back({it->second.set, it->second.binding});
    }
    return slots;
}

}  // namespace rendersock::server::venus
