#include "wire/venus/OutputDecoder.h"

#include <cstring>
#include <vector>

#include "wire/venus/FieldAccess.h"

namespace rendersock::wire::venus {

bool OutputDecoder::fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
    return false;
}

bool OutputDecoder::get_bytes(void* out, size_t size) {
    if (size > data_.size() - position_) return fail("reply ends inside a value");
    std::memcpy(out, data_.data() + position_, size);
    position_ += size;
    return true;
}

bool OutputDecoder::skip(size_t size) {
    if (size > data_.size() - position_) return fail("reply ends inside a value");
    position_ += size;
    return true;
}

namespace {

// Capacities are taken from the application's values before any output is
// written: a count written back by the server must not widen its own array.
std::vector<uint64_t> capacities(const Field* fields, uint16_t count, const std::byte* base) {
    std::vector<uint64_t> result(count, 0);
    for (uint16_t i = 0; i < count; ++i)
        if (fields[i].kind == FieldKind::PtrScalar || fields[i].kind == FieldKind::PtrStruct ||
            fields[i].kind == FieldKind::PtrBytes)
            result[i] = element_count(fields[i], fields, base);
    return result;
}

}  // namespace

bool OutputDecoder::outputs(const CommandType& command, uint64_t* slots) {
    auto* base = reinterpret_cast<std::byte*>(slots);
    const auto limits = capacities(command.params, command.param_count, base);
    for (uint16_t i = 0; i < command.param_count; ++i) {
        const Field& param = command.params[i];
        if (!(param.flags & kOutput) || param.kind == FieldKind::PtrHandle) continue;
        if (!field_into(param, command.params, base, limits[i]))
            return fail(std::string(command.name) + "." + param.name + ": " + error_);
    }
    return true;
}

bool OutputDecoder::struct_into(const StructType& type, std::byte* out, bool chain_link) {
    if (type.is_union) return get_bytes(out, type.size);
    const auto limits = capacities(type.fields, type.field_count, out);
    for (uint16_t i = 0; i < type.field_count; ++i) {
        const Field& field = type.fields[i];
        if (chain_link && field.kind == FieldKind::PNext) continue;
        // sType and pNext stay the application's.
        if (i == 0 && type.stype && field.kind == FieldKind::Scalar) {
            if (!skip(field.elem_size)) return false;
            continue;
        }
        if (!field_into(field, type.fields, out, limits[i])) return false;
    }
    return true;
}

bool OutputDecoder::skip_struct(const StructType& type) {
    // Decode into scratch memory of the struct's size and drop it.
    std::vector<std::byte> scratch(type.size);
    for (uint16_t i = 0; i < type.field_count; ++i) {
        const Field& field = type.fields[i];
        if (field.kind == FieldKind::PNext) continue;  // a chain link
        if (field.kind != FieldKind::Scalar && field.kind != FieldKind::Struct)
            return fail("unexpected pointer in a reply structure");
        if (!field_into(field, type.fields, scratch.data(), 0)) return false;
    }
    return true;
}

bool OutputDecoder::field_into(const Field& field, const Field* /*fields*/, std::byte* base,
                               uint64_t capacity) {
    std::byte* where = base + field.offset;
    switch (field.kind) {
        case FieldKind::Ignored: return true;
        case FieldKind::Scalar: return get_bytes(where, size_t{field.elem_size} * field.fixed_count);
        case FieldKind::Struct: {
            const StructType& type = struct_types()[field.type];
            for (uint16_t i = 0; i < field.fixed_count; ++i)
                if (!struct_into(type, where + i * type.size)) return false;
            return true;
        }
        case FieldKind::Handle:
            // Handles in replies (e.g. physical device groups) are mapped by
            // hand-written code; here their ids are skipped.
            return skip(sizeof(uint64_t) * field.fixed_count);
        case FieldKind::PNext: return pnext_into(base, field);
        case FieldKind::PtrScalar:
        case FieldKind::PtrStruct:
        case FieldKind::PtrBytes: return pointer_into(field, base, capacity);
        default: return fail("unexpected field kind in a reply");
    }
}

bool OutputDecoder::pointer_into(const Field& field, std::byte* base, uint64_t capacity) {
    auto* target = static_cast<std::byte*>(const_cast<void*>(pointer_at(base, field)));
    uint64_t count;
    if (field.kind == FieldKind::PtrBytes) {
        if (!get(count)) return false;
        if (count == kNull64) return true;
        if (!target) return skip(count);
        if (count > capacity) return fail("the server returned more bytes than asked for");
        return get_bytes(target, count);
    }
    uint32_t count32;
    if (!get(count32)) return false;
    if (count32 == kNull) return true;
    count = count32;
    if (!target) return fail("the server returned data for a null pointer");
    if (count > capacity) return fail("the server returned more elements than asked for");
    switch (field.kind) {
        case FieldKind::PtrScalar: return get_bytes(target, count * field.elem_size);
        case FieldKind::PtrStruct: {
            const StructType& type = struct_types()[field.type];
            for (uint64_t i = 0; i < count; ++i)
                if (!struct_into(type, target + i * type.size)) return false;
            return true;
        }
        default: return fail("unexpected pointer kind in a reply");
    }
}

bool OutputDecoder::pnext_into(std::byte* base, const Field& field) {
    const auto* node = static_cast<const VkBaseInStructureLike*>(pointer_at(base, field));
    for (;;) {
        uint32_t stype;
        if (!get(stype)) return false;
        if (stype == 0) return true;
        const StructType* type = struct_for_stype(stype);
        if (!type) return fail("unknown structure type in a reply");
        // The server answers in the order we asked; match the next one.
        while (node && node->type != stype) node = node->next;
        if (!node) {
            if (!skip_struct(*type)) return false;
            continue;
        }
        if (!struct_into(*type, reinterpret_cast<std::byte*>(const_cast<VkBaseInStructureLike*>(node)), true))
            return false;
        node = node->next;
    }
}

}  // namespace rendersock::wire::venus
