#pragma once
// The compute pipelines (templates, specialization, caches) of api_test.
#include "api/ApiSupport.h"

namespace api_test {

struct ComputeRig {
    static constexpr uint32_t kCount = 100;
    VkDescriptorSetLayout set_layout = VK_NULL_HANDLE;
    VkPipelineLayout layout = VK_NULL_HANDLE;
    VkDescriptorPool pool = VK_NULL_HANDLE;
    VkDescriptorSet set = VK_NULL_HANDLE;
    VkDescriptorUpdateTemplate update_template = VK_NULL_HANDLE;
    Buffer params, values, texels, storage_texels;
    VkBufferView texel_view = VK_NULL_HANDLE, storage_view = VK_NULL_HANDLE;

    // What the template reads: arbitrary application data with descriptors at known offsets.
    struct TemplateData {
        uint32_t padding[3];
        VkDescriptorBufferInfo params;
        VkDescriptorBufferInfo values;
        VkBufferView texel_view;
        uint32_t more_padding;
        VkBufferView storage_view;
    };

    void create(const Context& ctx) {
        const VkDescriptorSetLayoutBinding bindings[4] = {
            {0, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr},
            {1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr},
            {2, VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr},
            {3, VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr},
        };
        VkDescriptorSetLayoutCreateInfo set_info{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
        set_info.bindingCount = 4;
        set_info.pBindings = bindings;
        VK_CHECK(vkCreateDescriptorSetLayout(ctx.device, &set_info, nullptr, &set_layout));
        VkPushConstantRange push{VK_SHADER_STAGE_COMPUTE_BIT, 0, 8};
        VkPipelineLayoutCreateInfo layout_info{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
        layout_info.setLayoutCount = 1;
        layout_info.pSetLayouts = &set_layout;
        layout_info.pushConstantRangeCount = 1;
        layout_info.pPushConstantRanges = &push;
        VK_CHECK(vkCreatePipelineLayout(ctx.device, &layout_info, nullptr, &layout));

        const VkDescriptorPoolSize sizes[4] = {{VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, 1},
                                               {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1},
                                               {VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, 1},
                                               {VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER, 1}};
        VkDescriptorPoolCreateInfo pool_info{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
        pool_info.maxSets = 1;
        pool_info.poolSizeCount = 4;
        pool_info.pPoolSizes = sizes;
        VK_CHECK(vkCreateDescriptorPool(ctx.device, &pool_info, nullptr, &pool));
        VkDescriptorSetAllocateInfo allocate{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
        allocate.descriptorPool = pool;
        allocate.descriptorSetCount = 1;
        allocate.pSetLayouts = &set_layout;
        VK_CHECK(vkAllocateDescriptorSets(ctx.device, &allocate, &set));

        params = make_buffer(ctx, 16, VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT);
        values = make_buffer(ctx, kCount * 4, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT);
        texels = make_buffer(ctx, kCount * 4, VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT);
        storage_texels = make_buffer(ctx, kCount * 4, VK_BUFFER_USAGE_STORAGE_TEXEL_BUFFER_BIT);
        VkBufferViewCreateInfo view_info{VK_STRUCTURE_TYPE_BUFFER_VIEW_CREATE_INFO};
        view_info.format = VK_FORMAT_R32_UINT;
        view_info.range = VK_WHOLE_SIZE;
        view_info.buffer = texels.buffer;
        VK_CHECK(vkCreateBufferView(ctx.device, &view_info, nullptr, &texel_view));
        view_info.buffer = storage_texels.buffer;
        VK_CHECK(vkCreateBufferView(ctx.device, &view_info, nullptr, &storage_view));

        const VkDescriptorUpdateTemplateEntry entries[4] = {
            {0, 0, 1, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, offsetof(TemplateData, params), 0},
            {1, 0, 1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, offsetof(TemplateData, values), 0},
            {2, 0, 1, VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, offsetof(TemplateData, texel_view), 0},
            {3, 0, 1, VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER, offsetof(TemplateData, storage_view), 0},
        };
        VkDescriptorUpdateTemplateCreateInfo template_info{VK_STRUCTURE_TYPE_DESCRIPTOR_UPDATE_TEMPLATE_CREATE_INFO};
        template_info.descriptorUpdateEntryCount = 4;
        template_info.pDescriptorUpdateEntries = entries;
        template_info.templateType = VK_DESCRIPTOR_UPDATE_TEMPLATE_TYPE_DESCRIPTOR_SET;
        template_info.descriptorSetLayout = set_layout;
        template_info.pipelineBindPoint = VK_PIPELINE_BIND_POINT_COMPUTE;
        template_info.pipelineLayout = layout;
        VK_CHECK(vkCreateDescriptorUpdateTemplate(ctx.device, &template_info, nullptr, &update_template));
        TemplateData data{};
        data.params = {params.buffer, 0, 16};
        data.values = {values.buffer, 0, VK_WHOLE_SIZE};
        data.texel_view = texel_view;
        data.storage_view = storage_view;
        vkUpdateDescriptorSetWithTemplate(ctx.device, set, update_template, &data);
    }

    struct Spec {
        uint32_t local_size;
        uint32_t mul;
        int32_t bias;
    };

    VkPipeline pipeline(const Context& ctx, const Spec& spec, VkPipelineCache cache) const {
        const VkSpecializationMapEntry map[3] = {{0, offsetof(Spec, local_size), 4},
                                                 {1, offsetof(Spec, mul), 4},
                                                 {2, offsetof(Spec, bias), 4}};
        VkSpecializationInfo specialization{3, map, sizeof(spec), &spec};
        VkComputePipelineCreateInfo info{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
        info.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
        info.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
        info.stage.module = ctx.template_comp;
        info.stage.pName = "main";
        info.stage.pSpecializationInfo = &specialization;
        info.layout = layout;
        VkPipeline result;
        VK_CHECK(vkCreateComputePipelines(ctx.device, cache, 1, &info, nullptr, &result));
        return result;
    }

    // Runs the pipeline once over fresh inputs; checks and records the results.
    void run(const Context& ctx, VkPipeline pipeline, const Spec& spec, uint32_t add, const char* label) {
        const uint32_t base[4] = {1000, 100000, 0, 0};
        std::memcpy(params.mapped, base, sizeof(base));
        for (uint32_t i = 0; i < kCount; ++i) {
            texels.words()[i] = i * i;
            storage_texels.words()[i] = 10 + i;
            values.words()[i] = 0xdeadbeef;
        }
        VkCommandPool command_pool = ctx.command_pool();
        VkCommandBuffer commands = ctx.command_buffer(command_pool);
        begin(commands);
        vkCmdBindPipeline(commands, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline);
        vkCmdBindDescriptorSets(commands, VK_PIPELINE_BIND_POINT_COMPUTE, layout, 0, 1, &set, 0, nullptr);
        const uint32_t push[2] = {add, kCount};
        vkCmdPushConstants(commands, layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(push), push);
        vkCmdDispatch(commands, (kCount + spec.local_size - 1) / spec.local_size, 1, 1);
        memory_barrier(commands, VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT, VK_ACCESS_2_SHADER_WRITE_BIT,
                       VK_PIPELINE_STAGE_2_HOST_BIT, VK_ACCESS_2_HOST_READ_BIT);
        VK_CHECK(vkEndCommandBuffer(commands));
        ctx.submit_and_wait(commands);
        vkDestroyCommandPool(ctx.device, command_pool, nullptr);

        uint32_t wrong_values = 0, wrong_texels = 0;
        for (uint32_t i = 0; i < kCount; ++i) {
            const uint32_t s = 10 + i;
            const uint32_t expected = base[0] + i * i * spec.mul + add + static_cast<uint32_t>(int32_t(s) + spec.bias) +
                                      spec.local_size * 1000000u + base[1] * (i / spec.local_size);
            if (values.words()[i] != expected) ++wrong_values;
            if (storage_texels.words()[i] != s * 2 + i) ++wrong_texels;
        }
        std::string name = std::string(label) + ".values";
        out.hex(name.c_str(), values.mapped, kCount * 4);
        name = std::string(label) + ".storage_texels";
        out.hex(name.c_str(), storage_texels.mapped, kCount * 4);
        out.line("%s: wrong_values=%u wrong_storage_texels=%u", label, wrong_values, wrong_texels);
        name = std::string(label) + " results";
        out.check(wrong_values == 0 && wrong_texels == 0, name.c_str());
    }

    void destroy_all(const Context& ctx) {
        vkDestroyDescriptorUpdateTemplate(ctx.device, update_template, nullptr);
        vkDestroyDescriptorPool(ctx.device, pool, nullptr);
        vkDestroyBufferView(ctx.device, texel_view, nullptr);
        vkDestroyBufferView(ctx.device, storage_view, nullptr);
        for (Buffer* buffer : {&params, &values, &texels, &storage_texels}) destroy(ctx, *buffer);
        vkDestroyPipelineLayout(ctx.device, layout, nullptr);
        vkDestroyDescriptorSetLayout(ctx.device, set_layout, nullptr);
    }
};


}  // namespace api_test
