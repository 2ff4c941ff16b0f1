#include "wire/venus/StructFilter.h"

#include <atomic>
#include <memory>

#include "wire/venus/Codec.h"

namespace rendersock::wire::venus {
namespace {

std::atomic<StructFilter>* table() {
    static const std::unique_ptr<std::atomic<StructFilter>[]> filters = [] {
        auto result = std::make_unique<std::atomic<StructFilter>[]>(struct_type_count());
        for (uint32_t i = 0; i < struct_type_count(); ++i) result[i] = nullptr;
        return result;
    }();
    return filters.get();
}

}  // namespace

void set_struct_filter(uint32_t struct_index, StructFilter filter) {
    if (struct_index < struct_type_count()) table()[struct_index] = filter;
}

StructFilter struct_filter(uint32_t struct_index) {
    return table()[struct_index].load(std::memory_order_relaxed);
}

}  // namespace rendersock::wire::venus
