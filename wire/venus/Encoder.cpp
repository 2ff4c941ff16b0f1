#include "wire/venus/Encoder.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "wire/venus/FieldAccess.h"
#include "wire/venus/FlatLayout.h"
#include "wire/venus/StructFilter.h"
#include "wire/venus/VenusStream.h"

namespace rendersock::wire::venus {

void Encoder::put_bytes(const void* data, size_t size) {
    const size_t at = out_.size();
    out_.resize(at + size);
    std::memcpy(out_.data() + at, data, size);
}

void Encoder::command(uint32_t command_index, uint32_t flags, const uint64_t* slots) {
    const FlatLayout& flat = flat_layout(command_index);
    if (flat.flat) {
        flat_command(command_index, flags, slots, flat);
        return;
    }
    const CommandType& type = command_types()[command_index];
    const size_t start = out_.size();
    // Most commands are a few scalars and handles: one growth for all of it.
    if (out_.capacity() - start < 256) out_.reserve(std::max<size_t>(2 * out_.capacity(), start + 4096));
    put(CommandHeader{command_index + kCommandBase, 0});
    put(flags);
    const auto* base = reinterpret_cast<const std::byte*>(slots);
    for (uint16_t i = 0; i < type.param_count; ++i) {
        const Field& param = type.params[i];
        const bool shape_only = (param.flags & kOutput) != 0 &&
                                !is_count_field(type.params, type.param_count, i);
        field(param, type.params, type.param_count, base, shape_only);
    }
    const auto size = static_cast<uint32_t>(out_.size() - start);
    std::memcpy(out_.data() + start + offsetof(CommandHeader, size), &size, sizeof(size));
}

void Encoder::flat_command(uint32_t command_index, uint32_t flags, const uint64_t* slots,
                           const FlatLayout& flat) {
    const uint32_t size = sizeof(CommandHeader) + sizeof(uint32_t) + flat.body_size;
    const size_t start = out_.size();
    if (out_.capacity() - start < size) out_.reserve(std::max<size_t>(2 * out_.capacity(), start + 4096));
    // Built on the stack and appended in one copy: resizing first would
    // zero the bytes only to overwrite them (this runs for every vkCmd*).
    std::byte command[sizeof(CommandHeader) + sizeof(uint32_t) + 16 * 8];
    std::byte* at = command;
    const CommandHeader header{command_index + kCommandBase, size};
    std::memcpy(at, &header, sizeof(header));
    std::memcpy(at + sizeof(header), &flags, sizeof(flags));
    at += sizeof(header) + sizeof(flags);
    for (uint8_t i = 0; i < flat.count; ++i) {
        const FlatParam& param = flat.params[i];
        if (param.ignored) continue;
        if (param.handle) {
            const uint64_t native = slots[param.slot];
            const uint64_t id = native ? ids_.id_of(param.handle_type, native) : 0;
            std::memcpy(at, &id, sizeof(id));
        } else {
            std::memcpy(at, &slots[param.slot], param.size);  // little-endian slot
        }
        at += param.size;
    }
    out_.insert(out_.end(), command, command + size);
}

void Encoder::outputs(const CommandType& command, const uint64_t* slots) {
    const auto* base = reinterpret_cast<const std::byte*>(slots);
    for (uint16_t i = 0; i < command.param_count; ++i) {
        const Field& param = command.params[i];
        if (!(param.flags & kOutput) || param.kind == FieldKind::PtrHandle) continue;
        field(param, command.params, command.param_count, base, false);
    }
}

void Encoder::struct_value(const StructType& type, const std::byte* value, bool chain_link) {
    alignas(16) std::byte scratch[kMaxFilteredStruct];
    if (StructFilter filter = struct_filter(static_cast<uint32_t>(&type - struct_types())))
        value = filter(value, scratch);
    if (type.is_union) {
        put_bytes(value, type.size);
        return;
    }
    for (uint16_t i = 0; i < type.field_count; ++i) {
        // A link of a pNext chain is sent without its own pNext: the chain
        // travels flat, one link after the other.
        if (chain_link && type.fields[i].kind == FieldKind::PNext) continue;
        field(type.fields[i], type.fields, type.field_count, value, false);
    }
}

void Encoder::field(const Field& field, const Field* fields, uint16_t /*count*/,
                    const std::byte* base, bool shape_only) {
    const std::byte* where = base + field.offset;
    switch (field.kind) {
        case FieldKind::Ignored: return;
        case FieldKind::Scalar: put_bytes(where, size_t{field.elem_size} * field.fixed_count); return;
        case FieldKind::Struct:
            for (uint16_t i = 0; i < field.fixed_count; ++i)
                struct_value(struct_types()[field.type], where + i * struct_types()[field.type].size);
            return;
        case FieldKind::Handle:
            for (uint16_t i = 0; i < field.fixed_count; ++i) {
                uint64_t native;
                std::memcpy(&native, where + i * sizeof(uint64_t), sizeof(native));
                put(native ? ids_.id_of(field.type, native) : uint64_t{0});
            }
            return;
        case FieldKind::PNext: pnext(pointer_at(base, field)); return;
        case FieldKind::String: {
            const auto* text = static_cast<const char*>(pointer_at(base, field));
            if (!text) {
                put(kNull);
                return;
            }
            const auto length = static_cast<uint32_t>(std::strlen(text));
            put(length);
            put_bytes(text, length);
            return;
        }
        case FieldKind::StringArray: {
            const auto* strings = static_cast<const char* const*>(pointer_at(base, field));
            const uint64_t n = strings ? element_count(field, fields, base) : 0;
            put(static_cast<uint32_t>(n));
            for (uint64_t i = 0; i < n; ++i) {
                const auto length = static_cast<uint32_t>(std::strlen(strings[i]));
                put(length);
                put_bytes(strings[i], length);
            }
            return;
        }
        case FieldKind::PtrScalar:
        case FieldKind::PtrStruct:
        case FieldKind::PtrHandle:
        case FieldKind::PtrBytes:
            pointer(field, fields, base, shape_only, element_count(field, fields, base));
            return;
    }
}

void Encoder::pointer(const Field& field, const Field* fields, const std::byte* base,
                      bool shape_only, uint64_t elements) {
    const auto* data = static_cast<const std::byte*>(pointer_at(base, field));
    if (field.kind == FieldKind::PtrBytes) {
        if (!data) {
            put(kNull64);
            return;
        }
        put(elements);
        if (!shape_only) put_bytes(data, elements);
        return;
    }
    if (!data) {
        put(kNull);
        return;
    }
    if (elements >= kNull) throw std::length_error("array too long to encode");
    put(static_cast<uint32_t>(elements));
    // The application's elements lie `stride` bytes apart; they travel packed.
    const uint64_t stride = field.stride_field < 0 ? element_size(field)
                                                   : unsigned_at(base + fields[field.stride_field].offset,
                                                                 fields[field.stride_field].elem_size);
    switch (field.kind) {
        case FieldKind::PtrScalar:
            if (shape_only) return;
            if (stride == field.elem_size) {
                put_bytes(data, elements * field.elem_size);
                return;
            }
            for (uint64_t i = 0; i < elements; ++i) put_bytes(data + i * stride, field.elem_size);
            return;
        case FieldKind::PtrHandle:
            for (uint64_t i = 0; i < elements; ++i) {
                uint64_t native;
                std::memcpy(&native, data + i * sizeof(uint64_t), sizeof(native));
                put(native ? ids_.id_of(field.type, native) : uint64_t{0});
            }
            return;
        case FieldKind::PtrStruct: {
            const StructType& type = struct_types()[field.type];
            // Structs to be filled in travel whole only when a pNext chain
            // (or sType) says what to fill; plain ones need just the count.
            const bool has_chain = type.stype != 0;
            if (shape_only && !has_chain) return;
            for (uint64_t i = 0; i < elements; ++i) struct_value(type, data + i * stride);
            return;
        }
        default: return;
    }
}

void Encoder::pnext(const void* chain) {
    for (const auto* node = static_cast<const VkBaseInStructureLike*>(chain); node;
         node = node->next) {
        const StructType* type = struct_for_stype(node->type);
        // Structures we do not forward are dropped from the chain; the
        // extensions that define them are not exposed to the application.
        if (!type) continue;
        put(type->stype);
        struct_value(*type, reinterpret_cast<const std::byte*>(node), true);
    }
    put(uint32_t{0});
}

}  // namespace rendersock::wire::venus
