// Shader code and specialization data from a client are checked before the
// host driver's compiler sees them: drivers trust valid usage, and a mutated
// module or a map entry past its data crashed lavapipe's compiler under
// fuzz_venus. SPIR-V is validated with SPIRV-Tools (spirv-val's rules, block
// layout left to the driver, which knows the enabled features).
#include <spirv-tools/libspirv.hpp>

#include <string>

#include "server/venus/VenusContext.h"

namespace rendersock::server::venus {

namespace {

bool valid_spirv(const uint32_t* code, size_t words, std::string& error) {
    static thread_local spvtools::SpirvTools tools(SPV_ENV_VULKAN_1_3);
    std::string first;
    tools.SetMessageConsumer([&first](spv_message_level_t, const char*, const spv_position_t& position,
                                      const char* message) {
        if (first.empty()) first = "word " + std::to_string(position.index) + ": " + message;
    });
    spvtools::ValidatorOptions options;
    options.SetSkipBlockLayout(true);
    if (tools.Validate(code, words, options)) return true;
    error = first.empty() ? "invalid SPIR-V" : first;
    return false;
}

Status check_specialization(const char* command, const VkSpecializationInfo* info) {
    if (!info) return Status::ok();
    for (uint32_t i = 0; i < info->mapEntryCount; ++i) {
        const VkSpecializationMapEntry& entry = info->pMapEntries[i];
        if (uint64_t{entry.offset} + entry.size > info->dataSize)
            return Status::error(fb::ErrorCode::Malformed,
                                 std::string(command) + ": specialization constant " +
                                     std::to_string(entry.constantID) + " reads past its " +
                                     std::to_string(info->dataSize) + " bytes of data");
    }
    return Status::ok();
}

}  // namespace

Status VenusContext::create_shader_module(Call& call) {
    const auto* info = reinterpret_cast<const VkShaderModuleCreateInfo*>(call.slots[1]);
    if (!info || !info->pCode || info->codeSize % 4 != 0)
        return Status::error(fb::ErrorCode::Malformed, "vkCreateShaderModule: no code, or not whole words");
    std::string error;
    if (!valid_spirv(info->pCode, info->codeSize / 4, error))
        return Status::error(fb::ErrorCode::Malformed, "vkCreateShaderModule: the SPIR-V does not validate: " + error);
    RS_TRY(call_host(call));
    if (static_cast<VkResult>(call.result) == VK_SUCCESS && !call.created.empty())
        module_slots_[*call.created[0].host_slot] = used_descriptor_slots(info->pCode, info->codeSize / 4);
    return Status::ok();
}

Status VenusContext::check_stage(const char* command, const VkPipelineShaderStageCreateInfo& stage,
                                 VkPipelineLayout layout) {
    RS_TRY(check_specialization(command, stage.pSpecializationInfo));
    auto slots = module_slots_.find(reinterpret_cast<uint64_t>(stage.module));
    if (!layout || slots == module_slots_.end()) return Status::ok();
    const std::string reason = descriptors_.check_slots(reinterpret_cast<uint64_t>(layout), slots->second);
    if (!reason.empty()) return Status::error(fb::ErrorCode::OutOfRange, std::string(command) + ": " + reason);
    return Status::ok();
}

Status VenusContext::create_compute_pipelines(Call& call) {
    const auto count = static_cast<uint32_t>(call.slots[2]);
    const auto* infos = reinterpret_cast<const VkComputePipelineCreateInfo*>(call.slots[3]);
    for (uint32_t i = 0; infos && i < count; ++i)
        RS_TRY(check_stage("vkCreateComputePipelines", infos[i].stage, infos[i].layout));
    return call_host(call);
}

Status VenusContext::create_graphics_pipelines(Call& call) {
    const auto count = static_cast<uint32_t>(call.slots[2]);
    const auto* infos = reinterpret_cast<const VkGraphicsPipelineCreateInfo*>(call.slots[3]);
    for (uint32_t i = 0; infos && i < count; ++i)
        for (uint32_t s = 0; infos[i].pStages && s < infos[i].stageCount; ++s)
            RS_TRY(check_stage("vkCreateGraphicsPipelines", infos[i].pStages[s], infos[i].layout));
    return call_host(call);
}

}  // namespace rendersock::server::venus
