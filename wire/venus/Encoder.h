#pragma once
// Encodes native Vulkan values into the Venus stream, walking the generated
// tables. The client encodes commands with it; the server encodes the
// outputs of calls.

#include <cstdint>
#include <span>
#include <vector>

#include "wire/venus/Codec.h"

namespace rendersock::wire::venus {

// Turns a native handle into the object id that travels.
class HandleIds {
public:
    virtual ~HandleIds() = default;
    virtual uint64_t id_of(uint16_t handle_type, uint64_t native) = 0;
};

// Non-dispatchable handles are their own ids; dispatchable ones need a map.
class Encoder {
public:
    Encoder(std::vector<std::byte>& out, HandleIds& ids) : out_(out), ids_(ids) {}

    // A whole command: header, flags, then every parameter. Output
    // parameters travel as their shape (counts, pNext chains of the structs
    // to fill), not their contents.
    void command(uint32_t command_index, uint32_t flags, const uint64_t* slots);
    // The outputs of a call that has run: every output parameter's value.
    void outputs(const CommandType& command, const uint64_t* slots);
    void struct_value(const StructType& type, const std::byte* value, bool chain_link = false);

    template <typename T>
    void put(const T& value) {
        put_bytes(&value, sizeof(T));
    }
    void put_bytes(const void* data, size_t size);

private:
    void flat_command(uint32_t command_index, uint32_t flags, const uint64_t* slots,
                      const struct FlatLayout& flat);
    void field(const Field& field, const Field* fields, uint16_t count, const std::byte* base,
               bool shape_only);
    void pointer(const Field& field, const Field* fields, const std::byte* base, bool shape_only,
                 uint64_t elements);
    void pnext(const void* chain);

    std::vector<std::byte>& out_;
    HandleIds& ids_;
};

// The command header in a Venus stream: {u32 command (index + 1, 0 is
// padding), u32 size}, then u32 flags.
inline constexpr uint32_t kCommandBase = 1;

}  // namespace rendersock::wire::venus
