#include "wire/venus/FlatLayout.h"

#include <vector>

namespace rendersock::wire::venus {
namespace {

FlatLayout layout_of(const CommandType& type) {
    FlatLayout layout;
    for (uint16_t i = 0; i < type.param_count; ++i)
        if (type.params[i].kind == FieldKind::PtrHandle && (type.params[i].flags & kOutput))
            layout.creates_handles = true;
    if (type.param_count > 16) return layout;
    for (uint16_t i = 0; i < type.param_count; ++i) {
        const Field& field = type.params[i];
        FlatParam& param = layout.params[layout.count++];
        param.slot = i;
        if (field.kind == FieldKind::Ignored) {
            param.ignored = true;
            continue;
        }
        if (field.fixed_count != 1 || (field.flags & kOutput)) return FlatLayout{false, layout.creates_handles};
        if (field.kind == FieldKind::Scalar) {
            // A slot holds at most 8 bytes (Encoder::flat_command relies on it).
            if (field.elem_size > 8) return FlatLayout{false, layout.creates_handles};
            param.size = field.elem_size;
        } else if (field.kind == FieldKind::Handle) {
            param.size = 8;
            param.handle = true;
            param.handle_type = field.type;
        } else {
            return FlatLayout{false, layout.creates_handles};
        }
        layout.body_size += param.size;
    }
    layout.flat = true;
    return layout;
}

}  // namespace

const FlatLayout& flat_layout(uint32_t command_index) {
    static const std::vector<FlatLayout> table = [] {
        std::vector<FlatLayout> result(command_type_count());
        for (uint32_t i = 0; i < result.size(); ++i) result[i] = layout_of(command_types()[i]);
        return result;
    }();
    return table[command_index];
}

}  // namespace rendersock::wire::venus
