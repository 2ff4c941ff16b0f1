#include "icd/Invoke.h"

#include <cstring>

#include "icd/Objects.h"
#include "wire/Log.h"
#include "wire/venus/FieldAccess.h"
#include "wire/venus/FlatLayout.h"
#include "wire/venus/OutputDecoder.h"
#include "wire/venus/VenusStream.h"

namespace rendersock::icd {

namespace vv = wire::venus;

namespace {

Instance* instance_of(const vv::CommandType& type, const uint64_t* slots) {
    if (type.level == vv::Level::Global || type.param_count == 0) return nullptr;
    return object_of<Object>(slots[0])->instance;
}

void allocate_created_handles(const vv::CommandType& type, uint64_t* slots, Instance* instance) {
    const auto* base = reinterpret_cast<const std::byte*>(slots);
    for (uint16_t i = 0; i < type.param_count; ++i) {
        const vv::Field& param = type.params[i];
        if (param.kind != vv::FieldKind::PtrHandle || !(param.flags & vv::kOutput)) continue;
        auto* handles = reinterpret_cast<uint64_t*>(slots[i]);
        if (!handles) continue;
        const uint64_t count = vv::element_count(param, type.params, base);
        // Dispatchable objects (devices, queues, command buffers) are made
        // by their hand-written entry points; here only plain ids.
        if (vv::handle_types()[param.type].dispatchable) {
            RS_ERROR("%s: cannot create a %s here", type.name, vv::handle_types()[param.type].name);
            continue;
        }
        for (uint64_t k = 0; k < count; ++k) handles[k] = instance->allocate_id();
    }
}

uint64_t failure_value(const vv::CommandType& type) {
    return type.returns == vv::ReturnKind::Result ? static_cast<uint32_t>(VK_ERROR_DEVICE_LOST) : 0;
}

}  // namespace

uint64_t invoke(uint32_t command_index, uint64_t* slots, bool sync) {
    const vv::CommandType& type = vv::command_types()[command_index];
    Instance* instance = instance_of(type, slots);
    if (!instance) return failure_value(type);
    if (vv::flat_layout(command_index).creates_handles) allocate_created_handles(type, slots, instance);
    return invoke_prepared(*instance, command_index, slots, sync);
}

uint64_t invoke_prepared(Instance& owner, uint32_t command_index, uint64_t* slots, bool sync) {
    const vv::CommandType& type = vv::command_types()[command_index];
    Instance* instance = &owner;
    if (!sync) {
        try {
            instance->stream().post(command_index, slots);
        } catch (const std::exception& e) {
            RS_ERROR("%s: %s", type.name, e.what());
            return failure_value(type);
        }
        return static_cast<uint32_t>(VK_SUCCESS);
    }
    std::vector<std::byte> reply;
    try {
        reply = instance->stream().submit(command_index, slots, sync);
    } catch (const std::exception& e) {
        RS_ERROR("%s: %s", type.name, e.what());
        return failure_value(type);
    }
    if (!sync) return static_cast<uint32_t>(VK_SUCCESS);
    return finish_call(command_index, slots, reply);
}

uint64_t finish_call(uint32_t command_index, uint64_t* slots, const std::vector<std::byte>& reply) {
    const vv::CommandType& type = vv::command_types()[command_index];
    vv::CommandHeader header;
    uint64_t result = 0;
    if (reply.size() < sizeof(header) + sizeof(result)) {
        RS_ERROR("%s: the server's answer is too short", type.name);
        return failure_value(type);
    }
    std::memcpy(&header, reply.data(), sizeof(header));
    std::memcpy(&result, reply.data() + sizeof(header), sizeof(result));
    vv::OutputDecoder outputs{std::span<const std::byte>(reply).subspan(sizeof(header) + sizeof(result))};
    if (header.command != command_index + vv::kCommandBase || !outputs.outputs(type, slots)) {
        RS_ERROR("%s: bad answer from the server: %s", type.name, outputs.error().c_str());
        return failure_value(type);
    }
    return result;
}

}  // namespace rendersock::icd
