#include "wire/venus/Decoder.h"

#include <cstring>
#include <string_view>

#include "wire/venus/FieldAccess.h"
#include "wire/venus/FlatLayout.h"

namespace rendersock::wire::venus {
namespace {

constexpr int kMaxDepth = 32;
constexpr uint64_t kMaxElements = 1u << 24;

}  // namespace

bool Decoder::fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
    return false;
}

bool Decoder::get_bytes(void* out, size_t size) {
    if (size > remaining()) return fail("command stream ends inside a value");
    std::memcpy(out, data_.data() + position_, size);
    position_ += size;
    return true;
}

void* Decoder::allocate(uint64_t count, uint64_t size, size_t align) {
    if (count > kMaxElements || (size && count > (arena_.used() + (256ull << 20)) / size)) {
        fail("array of " + std::to_string(count) + " elements is too large");
        return nullptr;
    }
    void* memory = arena_.allocate(static_cast<size_t>(count * size), align);
    if (!memory) fail("decoded command exceeds the server's memory cap");
    return memory;
}

// Required handles are enforced for commands that run now, not for those a
// command buffer records: drivers (Zink) record nulls that vk.xml of this
// age calls invalid and lavapipe accepts; a null reaching a command that
// runs now is what crashed it (vkBindBufferMemory).
bool Decoder::requires_handles(const CommandType& command) {
    return std::string_view(command.name).substr(0, 5) != "vkCmd";
}

bool Decoder::command_params(const CommandType& command, uint64_t* slots) {
    auto* base = reinterpret_cast<std::byte*>(slots);
    required_handles_ = requires_handles(command);
    for (uint16_t i = 0; i < command.param_count; ++i) {
        const Field& param = command.params[i];
        const bool shape_only = (param.flags & kOutput) != 0 &&
                                !is_count_field(command.params, command.param_count, i);
        if (!field(param, command.params, base, true, shape_only))
            return fail(std::string(command.name) + "." + param.name + ": " + error_);
    }
    // Strided arrays arrived packed: the host gets the packed stride.
    for (uint16_t i = 0; i < command.param_count; ++i) {
        const Field& param = command.params[i];
        if (param.stride_field < 0) continue;
        const auto packed = static_cast<uint32_t>(element_size(param));
        std::memcpy(base + command.params[param.stride_field].offset, &packed, sizeof(packed));
    }
    return true;
}

bool Decoder::flat_params(const CommandType& command, const FlatLayout& flat, uint64_t* slots) {
    if (remaining() != flat.body_size)
        return fail(std::string(command.name) + ": body of " + std::to_string(remaining()) +
                    " bytes, expected " + std::to_string(flat.body_size));
    const std::byte* at = data_.data() + position_;
    required_handles_ = requires_handles(command);
    for (uint8_t i = 0; i < flat.count; ++i) {
        const FlatParam& param = flat.params[i];
        if (param.ignored) continue;
        uint64_t value = 0;
        std::memcpy(&value, at, param.size);
        at += param.size;
        if (param.handle) {
            uint64_t host = 0;
            if (!handle(command.params[param.slot], value, &host, false, true))
                return fail(std::string(command.name) + "." + command.params[param.slot].name + ": " + error_);
            if (i == 0 && host == 0 && handle_types()[param.handle_type].dispatchable)
                return fail(std::string(command.name) + ": the dispatchable object cannot be null");
            value = host;
        }
        slots[param.slot] = value;
    }
    position_ += flat.body_size;
    return true;
}

bool Decoder::handle(const Field& field, uint64_t id, uint64_t* out, bool creating,
                     bool is_param) {
    if (creating) {
        if (id == 0) return fail("a created object needs a non-zero id");
        created_.push_back({field.type, id, out});
        *out = 0;
        return true;
    }
    if (id == 0) {
        // A null the API does not allow would reach the host driver, which
        // trusts valid usage; struct members are left alone: their validity
        // often depends on other members.
        if (is_param && required_handles_ && !(field.flags & kOptional))
            return fail(std::string("a null ") + handle_types()[field.type].name + " where the API requires one");
        *out = 0;
        return true;
    }
    if (!handles_.resolve(field.type, id, *out))
        return fail(std::string("object ") + std::to_string(id) + " is not a live " +
                    handle_types()[field.type].name + " of this context");
    named_.push_back({is_param ? static_cast<uint16_t>(field.offset / 8) : NamedHandle::kInStruct,
                      field.type, id});
    return true;
}

bool Decoder::struct_value(const StructType& type, std::byte* out, bool chain_link) {
    if (++depth_ > kMaxDepth) return fail("structures nested too deeply");
    bool ok = true;
    if (type.is_union) {
        ok = get_bytes(out, type.size);
    } else {
        for (uint16_t i = 0; i < type.field_count && ok; ++i) {
            if (chain_link && type.fields[i].kind == FieldKind::PNext) continue;  // linked by pnext()
            ok = field(type.fields[i], type.fields, out, false, false);
        }
        // The sType is the one the table says, whatever the stream claimed.
        if (ok && type.stype) std::memcpy(out, &type.stype, sizeof(uint32_t));
    }
    --depth_;
    return ok;
}

bool Decoder::string(const char*& out) {
    uint32_t length;
    if (!get(length)) return false;
    if (length == kNull) {
        out = nullptr;
        return true;
    }
    if (length > remaining()) return fail("string longer than the stream");
    auto* text = static_cast<char*>(allocate(uint64_t{length} + 1, 1, 1));
    if (!text || !get_bytes(text, length)) return false;
    text[length] = '\0';
    out = text;
    return true;
}

bool Decoder::field(const Field& field, const Field* fields, std::byte* base, bool is_param,
                    bool shape_only) {
    std::byte* where = base + field.offset;
    switch (field.kind) {
        case FieldKind::Ignored: std::memset(where, 0, sizeof(void*)); return true;
        case FieldKind::Scalar: return get_bytes(where, size_t{field.elem_size} * field.fixed_count);
        case FieldKind::Struct:
            for (uint16_t i = 0; i < field.fixed_count; ++i)
                if (!struct_value(struct_types()[field.type], where + i * struct_types()[field.type].size))
                    return false;
            return true;
        case FieldKind::Handle:
            for (uint16_t i = 0; i < field.fixed_count; ++i) {
                uint64_t id;
                if (!get(id)) return false;
                uint64_t host;
                if (!handle(field, id, &host, false, is_param)) return false;
                if (is_param && i == 0 && host == 0 && field.offset == 0 &&
                    handle_types()[field.type].dispatchable)
                    return fail("the dispatchable object of a command cannot be null");
                std::memcpy(where + i * sizeof(uint64_t), &host, sizeof(host));
            }
            return true;
        case FieldKind::PNext: return pnext(base, field);
        case FieldKind::String: {
            const char* text;
            if (!string(text)) return false;
            std::memcpy(where, &text, sizeof(text));
            return true;
        }
        case FieldKind::StringArray: {
            uint32_t count;
            if (!get(count)) return false;
            if (count != element_count(field, fields, base))
                return fail("string array count differs from its length field");
            if (count > remaining() / sizeof(uint32_t)) return fail("string array longer than the stream");
            auto* strings = static_cast<const char**>(allocate(count, sizeof(char*), alignof(char*)));
            if (!strings && count) return false;
            for (uint32_t i = 0; i < count; ++i)
                if (!string(strings[i])) return false;
            std::memcpy(where, &strings, sizeof(strings));
            return true;
        }
        default: return pointer(field, fields, base, is_param, shape_only);
    }
}

// A null array the API does not allow, with elements its length says are
// there, is what the host driver would read through (a VkSubmitInfo with
// signalSemaphoreCount 131328 and no semaphores crashed lavapipe).
bool Decoder::null_pointer(const Field& field, const Field* fields, std::byte* base) {
    if (!(field.flags & kOptional)) {
        const uint64_t expected = element_count(field, fields, base);
        if (expected != 0)
            return fail(std::string("a null ") + field.name + " where its length says " +
                        std::to_string(expected));
    }
    std::memset(base + field.offset, 0, sizeof(void*));
    return true;
}

bool Decoder::pointer(const Field& field, const Field* fields, std::byte* base, bool is_param,
                      bool shape_only) {
    std::byte* where = base + field.offset;
    void* data = nullptr;
    uint64_t count;
    if (field.kind == FieldKind::PtrBytes) {
        if (!get(count)) return false;
        if (count == kNull64) return null_pointer(field, fields, base);
        const uint64_t expected = element_count(field, fields, base);
        if (count != expected) return fail("byte count differs from its length field");
        if (!shape_only && count > remaining()) return fail("byte array longer than the stream");
        data = allocate(count, 1, 16);
        if (!data && count) return false;
        if (!shape_only && !get_bytes(data, count)) return false;
        std::memcpy(where, &data, sizeof(data));
        return true;
    }
    uint32_t count32;
    if (!get(count32)) return false;
    if (count32 == kNull) return null_pointer(field, fields, base);
    count = count32;
    const uint64_t expected = element_count(field, fields, base);
    if (field.len_kind == LenKind::CodeSizeBytes) {
        const Field& size_field = fields[field.len_field];
        if (unsigned_at(base + size_field.offset, size_field.elem_size) % field.elem_size)
            return fail("codeSize is not a multiple of 4");
    }
    if (count != expected)
        return fail("array of " + std::to_string(count) + " elements, but its length says " +
                    std::to_string(expected));
    const uint64_t size = element_size(field);
    data = allocate(count, size, 16);
    if (!data && count) return false;
    auto* bytes = static_cast<std::byte*>(data);
    switch (field.kind) {
        case FieldKind::PtrScalar:
            if (!shape_only && (count * size > remaining() || !get_bytes(bytes, count * size)))
                return fail("scalar array longer than the stream");
            break;
        case FieldKind::PtrHandle: {
            const bool creating = is_param && (field.flags & kOutput);
            if (count > remaining() / sizeof(uint64_t)) return fail("handle array longer than the stream");
            for (uint64_t i = 0; i < count; ++i) {
                uint64_t id;
                if (!get(id)) return false;
                if (!handle(field, id, reinterpret_cast<uint64_t*>(bytes) + i, creating, is_param))
                    return false;
            }
            break;
        }
        case FieldKind::PtrStruct: {
            const StructType& type = struct_types()[field.type];
            if (shape_only && type.stype == 0) break;  // plain structs to fill: zeroed memory
            for (uint64_t i = 0; i < count; ++i)
                if (!struct_value(type, bytes + i * size)) return false;
            break;
        }
        default: return fail("unexpected field kind");
    }
    std::memcpy(where, &data, sizeof(data));
    return true;
}

bool Decoder::pnext(std::byte* base, const Field& field) {
    void* head = nullptr;
    VkBaseInStructureLike* tail = nullptr;
    for (int links = 0;; ++links) {
        uint32_t stype;
        if (!get(stype)) return false;
        if (stype == 0) break;
        if (links > 64) return fail("pNext chain too long");
        const StructType* type = struct_for_stype(stype);
        if (!type) return fail("unknown structure type " + std::to_string(stype) + " in a pNext chain");
        auto* node = static_cast<std::byte*>(allocate(1, type->size, type->align));
        if (!node || !struct_value(*type, node, true)) return false;
        auto* link = reinterpret_cast<VkBaseInStructureLike*>(node);
        link->next = nullptr;
        if (tail)
            tail->next = link;
        else
            head = node;
        tail = link;
    }
    std::memcpy(base + field.offset, &head, sizeof(head));
    return true;
}

}  // namespace rendersock::wire::venus
