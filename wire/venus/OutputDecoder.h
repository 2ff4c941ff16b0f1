#pragma once
// The client's half of a call that returns data: writes the server's encoded
// outputs into the application's own memory (its structs, arrays and pNext
// chains), never past the capacity the application gave.

#include <cstdint>
#include <span>
#include <string>

#include "wire/venus/Codec.h"

namespace rendersock::wire::venus {

class OutputDecoder {
public:
    explicit OutputDecoder(std::span<const std::byte> stream) : data_(stream) {}

    bool outputs(const CommandType& command, uint64_t* slots);
    bool struct_into(const StructType& type, std::byte* out, bool chain_link = false);
    const std::string& error() const { return error_; }
    size_t position() const { return position_; }

    template <typename T>
    bool get(T& value) {
        return get_bytes(&value, sizeof(T));
    }
    bool get_bytes(void* out, size_t size);

private:
    bool fail(std::string message);
    bool skip(size_t size);
    bool field_into(const Field& field, const Field* fields, std::byte* base, uint64_t capacity);
    bool pointer_into(const Field& field, std::byte* base, uint64_t capacity);
    bool pnext_into(std::byte* base, const Field& field);
    bool skip_struct(const StructType& type);

    std::span<const std::byte> data_;
    size_t position_ = 0;
    std::string error_;
};

}  // namespace rendersock::wire::venus
