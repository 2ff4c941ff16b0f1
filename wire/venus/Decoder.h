#pragma once
// Decodes a command from an untrusted Venus stream into native parameter
// slots, allocating pointed-to memory in an Arena. Every count is checked
// against the bytes present and the arena cap, every handle is looked up by
// type, every sType must be one we forward. Failure is a value: the caller
// ends the context.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "wire/venus/Arena.h"
#include "wire/venus/Codec.h"

namespace rendersock::wire::venus {

class HandleResolver {
public:
    virtual ~HandleResolver() = default;
    // Host handle for object `id` of handle type `type`; false when the id
    // is unknown, of another type, or not this context's.
    virtual bool resolve(uint16_t type, uint64_t id, uint64_t& host) = 0;
};

// A handle the call will create: the client's id and where the host handle
// will be written.
struct CreatedHandle {
    uint16_t type;
    uint64_t id;
    uint64_t* host_slot;
};

// A handle as the client named it (for destroys and parents): `param` is
// the parameter index, or kInStruct for a handle inside a structure.
struct NamedHandle {
    static constexpr uint16_t kInStruct = 0xffff;
    uint16_t param;
    uint16_t type;
    uint64_t id;
};

class Decoder {
public:
    Decoder(std::span<const std::byte> stream, Arena& arena, HandleResolver& handles)
        : data_(stream), arena_(arena), handles_(handles) {}

    // Starts on another command, keeping the lists' memory (hot path).
    void reset(std::span<const std::byte> stream) {
        data_ = stream;
        position_ = 0;
        created_.clear();
        named_.clear();
        error_.clear();
        depth_ = 0;
    }

    // Decodes the parameters of `command` (its header already read).
    bool command_params(const CommandType& command, uint64_t* slots);
    // The same for a command made only of scalars and handles.
    bool flat_params(const CommandType& command, const struct FlatLayout& flat, uint64_t* slots);
    const std::vector<CreatedHandle>& created() const { return created_; }
    const std::vector<NamedHandle>& named() const { return named_; }
    const std::string& error() const { return error_; }

    template <typename T>
    bool get(T& value) {
        return get_bytes(&value, sizeof(T));
    }
    bool get_bytes(void* out, size_t size);
    size_t remaining() const { return data_.size() - position_; }
    size_t position() const { return position_; }

private:
    bool fail(std::string message);
    bool field(const Field& field, const Field* fields, std::byte* base, bool is_param,
               bool shape_only);
    bool struct_value(const StructType& type, std::byte* out, bool chain_link = false);
    bool null_pointer(const Field& field, const Field* fields, std::byte* base);
    bool pointer(const Field& field, const Field* fields, std::byte* base, bool is_param,
                 bool shape_only);
    bool handle(const Field& field, uint64_t id, uint64_t* out, bool creating, bool is_param);
    static bool requires_handles(const CommandType& command);
    bool pnext(std::byte* base, const Field& field);
    bool string(const char*& out);
    void* allocate(uint64_t count, uint64_t size, size_t align);

    std::span<const std::byte> data_;
    size_t position_ = 0;
    Arena& arena_;
    HandleResolver& handles_;
    std::vector<CreatedHandle> created_;
    std::vector<NamedHandle> named_;
    std::string error_;
    bool required_handles_ = false;  // null handle parameters refused (see requires_handles)
    int depth_ = 0;
};

}  // namespace rendersock::wire::venus
