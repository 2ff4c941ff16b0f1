#pragma once
// Table-driven encoding of Vulkan values for the Venus stream. The tables
// (one StructType per struct, one CommandType per command) are generated from
// vk.xml at build time (scripts/vkgen); this file and Encoder.cpp/Decoder.cpp
// are the one interpreter that walks them, on both sides.
//
// Stream format of a value, by field kind (little-endian, unaligned):
//   Scalar       fixed_count * elem_size bytes
//   Struct       the nested struct, fixed_count times
//   Handle       u64 object id (0 = VK_NULL_HANDLE), fixed_count times
//   PNext        { u32 sType, struct } ... u32 0
//   Ptr*         u32 count (kNull for a null pointer), then the elements
//                (always packed: a strided array is gathered by the encoder,
//                and the decoder sets its stride parameter to the packed size)
//   String       u32 length (kNull for null), bytes without the terminator
//   StringArray  u32 count, then that many Strings
//   PtrBytes     u64 byte count (kNull64 for null), then the bytes

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace rendersock::wire::venus {

enum class FieldKind : uint8_t {
    Scalar, Struct, Handle, PNext, PtrScalar, PtrStruct, PtrHandle, String, StringArray, PtrBytes,
    Ignored,  // pAllocator: never sent, NULL on the host
};

enum class LenKind : uint8_t {
    One,                     // a single element
    Fixed,                   // fixed_count elements
    Member,                  // count held by field len_field (a scalar or a pointer to one)
    Deref,                   // count at deref_offset inside the struct field len_field points to
    Null,                    // null-terminated string
    SampleMaskWords,         // (rasterizationSamples + 31) / 32
    SampleMaskWordsSamples,  // (samples + 31) / 32
    CodeSizeBytes,           // codeSize bytes (pCode is uint32_t[codeSize / 4])
};

enum FieldFlags : uint8_t { kOptional = 1, kOutput = 2 };

struct Field {
    uint32_t offset;        // in the struct, or 8 * index for command parameters
    FieldKind kind;
    LenKind len_kind;
    uint8_t elem_size;      // scalars: bytes per element
    uint8_t flags;
    uint16_t type;          // struct index or handle index
    uint16_t fixed_count;
    int16_t len_field;      // index of the field holding the count, or -1
    uint16_t deref_offset;  // Deref: offset of the count inside the pointee
    int16_t stride_field;   // Ptr*: index of the parameter holding the distance in bytes
                            // between the application's elements (vk.xml stride=), or -1
                            // when they are packed
    const char* name;
};

struct StructType {
    const char* name;
    uint32_t size;
    uint32_t align;
    uint32_t stype;         // VkStructureType value, 0 when the struct has none
    bool is_union;
    bool returned_only;
    const Field* fields;
    uint16_t field_count;
};

enum class ReturnKind : uint8_t { Void, Result, U32, U64 };
enum class Level : uint8_t { Global, Instance, PhysicalDevice, Device, Queue, CommandBuffer };

struct CommandType {
    const char* name;
    const Field* params;
    uint16_t param_count;
    ReturnKind returns;
    Level level;
};

struct HandleType {
    const char* name;
    uint32_t object_type;   // VkObjectType
    bool dispatchable;
};

// The head of every Vulkan structure with an sType (VkBaseInStructure's
// layout, without needing the Vulkan headers here).
struct VkBaseInStructureLike {
    uint32_t type;
    const VkBaseInStructureLike* next;
};

inline constexpr uint32_t kNull = 0xffffffffu;
inline constexpr uint64_t kNull64 = ~0ull;

// The generated tables.
const StructType* struct_types();
uint32_t struct_type_count();
const CommandType* command_types();
uint32_t command_type_count();
const HandleType* handle_types();
uint32_t handle_type_count();
// The struct with this sType, or nullptr when we do not forward it.
const StructType* struct_for_stype(uint32_t stype);
// The command with this name, or -1.
int command_index(const char* name);
int struct_index(const char* name);

// Stream framing of one command in a Venus submit.
enum CommandFlags : uint32_t {
    kCommandWantsReply = 1,  // the server answers with the return value and outputs
};

}  // namespace rendersock::wire::venus
