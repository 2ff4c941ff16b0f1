#pragma once
// Reading a field's value and element count out of native memory, shared
// by the encoder (client memory) and the output encoder (server memory).

#include <cstdint>
#include <cstring>

#include "wire/venus/Codec.h"

namespace rendersock::wire::venus {

inline const void* pointer_at(const std::byte* base, const Field& field) {
    const void* pointer;
    std::memcpy(&pointer, base + field.offset, sizeof(pointer));
    return pointer;
}

inline uint64_t unsigned_at(const void* where, unsigned size) {
    uint64_t value = 0;
    if (size == 1) value = *static_cast<const uint8_t*>(where);
    else if (size == 2) { uint16_t v; std::memcpy(&v, where, 2); value = v; }
    else if (size == 4) { uint32_t v; std::memcpy(&v, where, 4); value = v; }
    else if (size == 8) std::memcpy(&value, where, 8);
    return value;
}

// The number of elements (bytes for PtrBytes) a pointer field refers to,
// from the native values of its sibling fields. `fields` are the siblings of
// `field`, `base` the native struct or parameter slots.
inline uint64_t element_count(const Field& field, const Field* fields, const std::byte* base) {
    switch (field.len_kind) {
        case LenKind::One: return 1;
        case LenKind::Fixed: return field.fixed_count;
        case LenKind::Null: return 1;
        case LenKind::Member: {
            const Field& source = fields[field.len_field];
            if (source.kind == FieldKind::Scalar) return unsigned_at(base + source.offset, source.elem_size);
            const void* pointer = pointer_at(base, source);  // a count passed by pointer
            return pointer ? unsigned_at(pointer, source.elem_size) : 0;
        }
        case LenKind::Deref: {
            const auto* pointee = static_cast<const std::byte*>(pointer_at(base, fields[field.len_field]));
            return pointee ? unsigned_at(pointee + field.deref_offset, 4) : 0;
        }
        case LenKind::SampleMaskWords:
        case LenKind::SampleMaskWordsSamples: {
            const Field& source = fields[field.len_field];
            return (unsigned_at(base + source.offset, 4) + 31) / 32;
        }
        case LenKind::CodeSizeBytes: {
            // pCode is uint32_t[codeSize / 4].
            const Field& source = fields[field.len_field];
            const uint64_t bytes = unsigned_at(base + source.offset, source.elem_size);
            return field.elem_size ? bytes / field.elem_size : bytes;
        }
    }
    return 0;
}

// Size in native memory of one element of a pointer field.
inline uint64_t element_size(const Field& field) {
    switch (field.kind) {
        case FieldKind::PtrScalar: return field.elem_size;
        case FieldKind::PtrStruct: return struct_types()[field.type].size;
        case FieldKind::PtrHandle: return sizeof(uint64_t);
        case FieldKind::PtrBytes: return 1;
        default: return 0;
    }
}

// A field some other field takes its count from.
inline bool is_count_field(const Field* fields, uint16_t count, uint16_t index) {
    for (uint16_t i = 0; i < count; ++i)
        if (fields[i].len_field == index && fields[i].len_kind == LenKind::Member) return true;
    return false;
}

}  // namespace rendersock::wire::venus
