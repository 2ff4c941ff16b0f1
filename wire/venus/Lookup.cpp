// Lookups over the generated tables.
#include <cstring>
#include <string_view>
#include <unordered_map>

#include "wire/venus/Codec.h"

namespace rendersock::wire::venus {
namespace {

template <typename Table, typename Key, typename KeyOf>
std::unordered_map<Key, int> build_index(const Table* table, uint32_t count, KeyOf key_of) {
    std::unordered_map<Key, int> index;
    for (uint32_t i = 0; i < count; ++i) index.emplace(key_of(table[i]), static_cast<int>(i));
    return index;
}

}  // namespace

const StructType* struct_for_stype(uint32_t stype) {
    static const auto index = [] {
        std::unordered_map<uint32_t, int> map;
        for (uint32_t i = 0; i < struct_type_count(); ++i)
            if (struct_types()[i].stype) map.emplace(struct_types()[i].stype, static_cast<int>(i));
        return map;
    }();
    if (stype == 0) return nullptr;
    auto it = index.find(stype);
    return it == index.end() ? nullptr : &struct_types()[it->second];
}

int command_index(const char* name) {
    static const auto index = build_index<CommandType, std::string_view>(
        command_types(), command_type_count(), [](const CommandType& c) { return std::string_view(c.name); });
    auto it = index.find(name);
    return it == index.end() ? -1 : it->second;
}

int struct_index(const char* name) {
    static const auto index = build_index<StructType, std::string_view>(
        struct_types(), struct_type_count(), [](const StructType& s) { return std::string_view(s.name); });
    auto it = index.find(name);
    return it == index.end() ? -1 : it->second;
}

}  // namespace rendersock::wire::venus
