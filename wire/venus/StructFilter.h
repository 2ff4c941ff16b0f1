#pragma once
// Some structure members are "ignored" under conditions the spec gives
// (pImmutableSamplers of a storage-buffer binding, the queue families of an
// exclusive buffer): applications may leave anything there, garbage
// pointers included. The client registers a filter per such structure; the
// encoder then encodes a cleaned copy instead of reading those members.

#include <cstddef>
#include <cstdint>

namespace rendersock::wire::venus {

inline constexpr size_t kMaxFilteredStruct = 512;

// Writes a cleaned copy of `value` into `scratch` (kMaxFilteredStruct bytes,
// 16-aligned) and returns it, or returns `value` when nothing needs cleaning.
using StructFilter = const std::byte* (*)(const std::byte* value, std::byte* scratch);

void set_struct_filter(uint32_t struct_index, StructFilter filter);
StructFilter struct_filter(uint32_t struct_index);

}  // namespace rendersock::wire::venus
