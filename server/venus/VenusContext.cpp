#include "server/venus/VenusContext.h"

#include <cstring>
#include <string_view>

#include "server/venus/CommandCall.h"
#include "wire/Log.h"
#include "wire/venus/FlatLayout.h"
#include "wire/venus/PrivateCommands.h"
#include "wire/venus/VenusStream.h"
#include "wire/venus/generated/VkIndices.h"

namespace idx = rendersock::wire::venus::index;

namespace rendersock::server::venus {

namespace vv = wire::venus;

namespace {

// A parameter of a flat command: fixed-size loads for the usual sizes, so
// the per-command loop makes no memcpy calls.
inline uint64_t load_flat(const std::byte* at, uint8_t size) {
    if (size == 4) {
        uint32_t value;
        std::memcpy(&value, at, 4);
        return value;
    }
    if (size == 8) {
        uint64_t value;
        std::memcpy(&value, at, 8);
        return value;
    }
    uint64_t value = 0;
    std::memcpy(&value, at, size);
    return value;
}

bool is_success(const vv::CommandType& type, uint64_t result) {
    if (type.returns != vv::ReturnKind::Result) return true;
    return static_cast<int32_t>(static_cast<uint32_t>(result)) >= 0;
}

}  // namespace

VenusContext::VenusContext(const ContextCreateInfo& info, std::shared_ptr<VulkanHost> host,
                           bool import_host_memory)
    : ctx_id_(info.ctx_id),
      host_io_(info.host),
      host_(std::move(host)),
      objects_(1u << 20),
      functions_(vv::command_type_count(), nullptr),
      decoder_({}, arena_, *this),
      import_host_memory_(import_host_memory),
      streamlined_(vv::command_type_count()) {
    for (uint32_t i = 0; i < streamlined_.size(); ++i) {
        const vv::FlatLayout& flat = vv::flat_layout(i);
        streamlined_[i] = flat.flat && !flat.creates_handles && !handler_table()[i] && !destroy_table()[i] &&
                          !bounds_check_table()[i] && !tracks_resources(i) &&
                          !is_submit(i) && !is_wait(i) && i != idx::vkCreateInstance &&
                          vv::command_types()[i].level != vv::Level::Global;
    }
}

VenusContext::~VenusContext() {
    profile_.report(ctx_id_);
    for (const auto& [memory, bytes] : charged_memory_) host_io_.release_device_memory(bytes);
    release_left_devices();
    // The other host objects die with the host instance the client created:
    // the driver frees what the client did not (a dead client cannot).
    if (instance_) {
        auto destroy = reinterpret_cast<PFN_vkDestroyInstance>(
            vkGetInstanceProcAddr(instance_, "vkDestroyInstance"));
        destroy(instance_, nullptr);
    }
}

namespace {

uint16_t handle_type_named(std::string_view name) {
    for (uint32_t i = 0; i < vv::handle_type_count(); ++i)
        if (name == vv::handle_types()[i].name) return static_cast<uint16_t>(i);
    return UINT16_MAX;
}

}  // namespace

// Devices a client left behind (it was killed, or forgot): destroying the
// instance does not free them on lavapipe, whose queue thread and memory
// then stay for the life of the process: one thread and ~2 MB per killed
// client with --no-fork. Wait for their work, free their memory, destroy them.
void VenusContext::release_left_devices() {
    if (!instance_) return;
    static const uint16_t device_type = handle_type_named("VkDevice");
    static const uint16_t memory_type = handle_type_named("VkDeviceMemory");
    auto get_device_proc = reinterpret_cast<PFN_vkGetDeviceProcAddr>(
        vkGetInstanceProcAddr(instance_, "vkGetDeviceProcAddr"));
    objects_.for_each(device_type, [&](uint64_t device_id, uint64_t device_host, uint64_t) {
        const auto device = reinterpret_cast<VkDevice>(device_host);
        auto wait_idle = reinterpret_cast<PFN_vkDeviceWaitIdle>(get_device_proc(device, "vkDeviceWaitIdle"));
        auto free_memory = reinterpret_cast<PFN_vkFreeMemory>(get_device_proc(device, "vkFreeMemory"));
        auto destroy = reinterpret_cast<PFN_vkDestroyDevice>(get_device_proc(device, "vkDestroyDevice"));
        if (wait_idle) wait_idle(device);
        if (free_memory)
            objects_.for_each(memory_type, [&](uint64_t, uint64_t memory_host, uint64_t parent) {
                if (parent == device_id) free_memory(device, reinterpret_cast<VkDeviceMemory>(memory_host), nullptr);
            });
        if (destroy) destroy(device, nullptr);
        RS_DEBUG("context %u: destroyed device %llu, which the client left", ctx_id_,
                 static_cast<unsigned long long>(device_id));
    });
}

bool VenusContext::resolve(uint16_t type, uint64_t id, uint64_t& host) {
    return objects_.lookup(type, id, host);
}

uint64_t VenusContext::id_of(uint16_t handle_type, uint64_t native) {
    return objects_.id_of(handle_type, native);
}

Status VenusContext::submit(uint32_t /*ring*/, std::span<const std::byte> stream,
                            std::vector<std::byte>* reply) {
    size_t offset = 0;
    while (offset < stream.size()) {
        vv::CommandHeader header;
        if (stream.size() - offset < sizeof(header))
            return Status::error(fb::ErrorCode::Malformed, "truncated Venus command header");
        std::memcpy(&header, stream.data() + offset, sizeof(header));
        if (header.size < sizeof(header) || header.size > stream.size() - offset)
            return Status::error(fb::ErrorCode::Malformed,
                                 "Venus command size " + std::to_string(header.size) +
                                     " outside the stream");
        const auto body = stream.subspan(offset + sizeof(header), header.size - sizeof(header));
        offset += header.size;
        if (header.command == vv::kCommandPadding) continue;
        if (header.command == vv::kPrivateImportBlob) {
            RS_TRY(import_blob(body));
            continue;
        }
        const uint32_t index = header.command - vv::kCommandBase;
        if (index >= vv::command_type_count())
            return Status::error(fb::ErrorCode::Malformed,
                                 "unknown Venus command " + std::to_string(header.command));
        uint32_t flags;
        if (body.size() < sizeof(flags))
            return Status::error(fb::ErrorCode::Malformed, "Venus command without flags");
        std::memcpy(&flags, body.data(), sizeof(flags));
        if (flags == 0 && streamlined_[index] && !profile_.enabled()) {
            RS_TRY(execute_streamlined(index, body.subspan(sizeof(flags))));
            continue;
        }
        RS_TRY(execute(index, flags, body.subspan(sizeof(flags)), reply));
    }
    return Status::ok();
}

Status VenusContext::execute(uint32_t index, uint32_t flags, std::span<const std::byte> body,
                             std::vector<std::byte>* reply) {
    const vv::CommandType& type = vv::command_types()[index];
    const auto started = profile_.enabled() ? std::chrono::steady_clock::now()
                                            : std::chrono::steady_clock::time_point();
    arena_.reset();
    uint64_t slots[32] = {};
    if (type.param_count > 32) return Status::error(fb::ErrorCode::Malformed, "too many parameters");
    vv::Decoder& decoder = decoder_;
    decoder.reset(body);
    const vv::FlatLayout& flat = vv::flat_layout(index);
    if (!(flat.flat ? decoder.flat_params(type, flat, slots) : decoder.command_params(type, slots)))
        return Status::error(fb::ErrorCode::Malformed, decoder.error());
    if (decoder.remaining() != 0)
        return Status::error(fb::ErrorCode::Malformed,
                             std::string(type.name) + ": trailing bytes after the parameters");
    if (index != vv::index::vkCreateInstance && !instance_ && type.level != vv::Level::Global)
        return Status::error(fb::ErrorCode::Malformed, std::string(type.name) + " before vkCreateInstance");
    Call call{index, type, slots, 0, decoder.created(), decoder.named()};
    const auto decoded = profile_.enabled() ? std::chrono::steady_clock::now()
                                            : std::chrono::steady_clock::time_point();
    if (Handler check = bounds_check_table()[index]) RS_TRY((this->*check)(call));
    RS_TRY(note_references(call));
    uint64_t decoded_slots[32];
    const bool tracked = tracks_resources(index);
    if (tracked) std::memcpy(decoded_slots, slots, sizeof(uint64_t) * type.param_count);
    if (!mirrors_.empty() && is_submit(index)) mirrors_to_host();
    if (Handler handler = handler_table()[index])
        RS_TRY((this->*handler)(call));
    else
        RS_TRY(call_host(call));
    if (tracked && is_success(type, call.result)) track_resources(call, decoded_slots);
    if (!mirrors_.empty() && is_wait(index) && static_cast<VkResult>(call.result) == VK_SUCCESS)
        mirrors_from_host();
    if (profile_.enabled())
        profile_.add(index, decoded - started, std::chrono::steady_clock::now() - decoded);
    if ((flags & vv::kCommandWantsReply) && reply) {
        vv::Encoder encoder(*reply, *this);
        const size_t start = reply->size();
        encoder.put(vv::CommandHeader{index + vv::kCommandBase, 0});
        encoder.put(call.result);
        encoder.outputs(type, slots);
        const auto size = static_cast<uint32_t>(reply->size() - start);
        std::memcpy(reply->data() + start + offsetof(vv::CommandHeader, size), &size, sizeof(size));
    }
    return Status::ok();
}

// The common case of a command buffer's stream (vkCmdDraw, vkCmdBindPipeline,
// ...): scalars and handles only, no answer, nothing created or destroyed,
// no hand-written semantics. Decoded straight into the call.
Status VenusContext::execute_streamlined(uint32_t index, std::span<const std::byte> body) {
    const vv::FlatLayout& flat = vv::flat_layout(index);
    const vv::CommandType& type = vv::command_types()[index];
    if (body.size() != flat.body_size)
        return Status::error(fb::ErrorCode::Malformed, std::string(type.name) + ": wrong body size");
    uint64_t slots[16];
    const std::byte* at = body.data();
    const bool records = records_references()[index];
    uint64_t command_buffer = 0;
    for (uint8_t i = 0; i < flat.count; ++i) {
        const vv::FlatParam& param = flat.params[i];
        uint64_t value = 0;
        if (!param.ignored) {
            value = load_flat(at, param.size);
            at += param.size;
            if (param.handle && value) {
                uint64_t host;
                if (!objects_.lookup(param.handle_type, value, host))
                    return Status::error(fb::ErrorCode::Malformed,
                                         std::string(type.name) + ": object " + std::to_string(value) +
                                             " is not a live " + vv::handle_types()[param.handle_type].name);
                if (records && i == 0)
                    command_buffer = value;
                else if (records)
                    record_reference(command_buffer, value, param.handle_type);
                value = host;
            } else if (param.handle && i == 0) {
                return Status::error(fb::ErrorCode::Malformed,
                                     std::string(type.name) + ": the dispatchable object cannot be null");
            }
        }
        slots[param.slot] = value;
    }
    PFN_vkVoidFunction function = functions_[index] ? functions_[index] : host_function(index);
    if (!function)
        return Status::error(fb::ErrorCode::Unsupported, std::string(type.name) + " is not on the host");
    uint64_t result;
    kCommandCalls[index](function, slots, &result);
    return Status::ok();
}

void VenusContext::note_device_functions(VkDevice device) {
    auto get = reinterpret_cast<PFN_vkGetDeviceProcAddr>(vkGetInstanceProcAddr(instance_, "vkGetDeviceProcAddr"));
    device_functions_.resize(vv::command_type_count());
    for (uint32_t i = 0; i < device_functions_.size(); ++i) {
        const vv::Level level = vv::command_types()[i].level;
        if (level == vv::Level::Device || level == vv::Level::Queue || level == vv::Level::CommandBuffer)
            device_functions_[i] = device_functions_[i] || get(device, vv::command_types()[i].name) != nullptr;
    }
}

bool VenusContext::device_has(uint32_t index) const {
    const vv::Level level = vv::command_types()[index].level;
    if (level != vv::Level::Device && level != vv::Level::Queue && level != vv::Level::CommandBuffer) return true;
    return index < device_functions_.size() && device_functions_[index];
}

PFN_vkVoidFunction VenusContext::host_function(uint32_t index) {
    if (!device_has(index)) return nullptr;
    if (!functions_[index]) {
        const char* name = vv::command_types()[index].name;
        functions_[index] = vkGetInstanceProcAddr(instance_, name);
    }
    return functions_[index];
}

Status VenusContext::call_host(Call& call) {
    PFN_vkVoidFunction function = host_function(call.index);
    if (!function)
        return Status::error(fb::ErrorCode::Unsupported,
                             std::string(call.type.name) + " is not available on the host");
    kCommandCalls[call.index](function, call.slots, &call.result);
    if (!is_success(call.type, call.result)) return Status::ok();
    RS_TRY(register_created(call, 0));
    forget_destroyed(call);
    return Status::ok();
}

Status VenusContext::register_created(Call& call, uint64_t parent) {
    if (call.created.empty()) return Status::ok();
    if (!parent) parent = call.id(0);
    for (const auto& created : call.created) {
        std::string error;
        if (*created.host_slot == 0) continue;  // the driver created nothing there
        if (!objects_.insert(created.type, created.id, *created.host_slot, parent, error))
            return Status::error(fb::ErrorCode::Malformed, std::string(call.type.name) + ": " + error);
    }
    return Status::ok();
}

std::vector<VenusContext::Handler> VenusContext::by_command(const std::unordered_map<uint32_t, Handler>& handlers) {
    std::vector<Handler> result(vv::command_type_count(), nullptr);
    for (const auto& [index, handler] : handlers) result[index] = handler;
    return result;
}

const std::vector<VenusContext::Handler>& VenusContext::handler_table() {
    static const auto table = by_command(handlers());
    return table;
}

const std::vector<bool>& VenusContext::destroy_table() {
    static const auto table = [] {
        std::vector<bool> result(vv::command_type_count());
        for (uint32_t i = 0; i < result.size(); ++i) {
            const std::string_view name = vv::command_types()[i].name;
            result[i] = name.starts_with("vkDestroy") || name.starts_with("vkFree");
        }
        return result;
    }();
    return table;
}

void VenusContext::forget_destroyed(const Call& call) {
    if (!destroy_table()[call.index]) return;
    const std::string_view name = call.type.name;
    // The object destroyed is always the last handle parameter: the device
    // of vkDestroyDevice, the buffer of vkDestroyBuffer, the array of
    // vkFreeCommandBuffers. Whatever it owned goes with it.
    int last = -1;
    for (uint16_t i = 0; i < call.type.param_count; ++i)
        if (call.type.params[i].kind == vv::FieldKind::Handle ||
            call.type.params[i].kind == vv::FieldKind::PtrHandle)
            last = i;
    for (const auto& handle : call.named)
        if (handle.param == last) objects_.erase(handle.id);
    if (name == "vkDestroyInstance") instance_ = VK_NULL_HANDLE;
}

}  // namespace rendersock::server::venus
