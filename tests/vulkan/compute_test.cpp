// A compute dispatch over a few MB: buffers in host-visible memory, written
// and read back through mapped pointers, results checked on the CPU. With
// ROUNDS, the whole cycle (map, write, submit, wait, check, unmap) repeats
// with new input each time: the load tests' busy client.
// usage: compute_test SHADER.spv [ELEMENTS [ROUNDS]]
#include <algorithm>
#include <cstring>

#include "VulkanApp.h"

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: compute_test SHADER.spv [ELEMENTS [ROUNDS]]\n");
        return 2;
    }
    const uint32_t count = argc > 2 ? static_cast<uint32_t>(std::atoi(argv[2])) : (1u << 20);
    const uint32_t rounds = argc > 3 ? static_cast<uint32_t>(std::max(std::atoi(argv[3]), 1)) : 1;
    const VkDeviceSize bytes = VkDeviceSize{count} * sizeof(uint32_t);
    VulkanApp app("compute_test", VK_QUEUE_COMPUTE_BIT);
    VkDevice device = app.device;

    VkBuffer buffers[2];
    VkDeviceMemory memories[2];
    uint32_t* mapped[2];
    for (int i = 0; i < 2; ++i) {
        VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
        info.size = bytes;
        info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT;
        VK_CHECK(vkCreateBuffer(device, &info, nullptr, &buffers[i]));
        VkMemoryRequirements requirements;
        vkGetBufferMemoryRequirements(device, buffers[i], &requirements);
        memories[i] = app.allocate(requirements, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                                     VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);
        VK_CHECK(vkBindBufferMemory(device, buffers[i], memories[i], 0));
        VK_CHECK(vkMapMemory(device, memories[i], 0, VK_WHOLE_SIZE, 0, reinterpret_cast<void**>(&mapped[i])));
    }
    for (uint32_t i = 0; i < count; ++i) mapped[0][i] = i * 2654435761u;
    std::memset(mapped[1], 0, bytes);

    VkDescriptorSetLayoutBinding bindings[2] = {};
    for (uint32_t i = 0; i < 2; ++i) {
        bindings[i].binding = i;
        bindings[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
        bindings[i].descriptorCount = 1;
        bindings[i].stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
    }
    VkDescriptorSetLayoutCreateInfo layout_info{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
    layout_info.bindingCount = 2;
    layout_info.pBindings = bindings;
    VkDescriptorSetLayout set_layout;
    VK_CHECK(vkCreateDescriptorSetLayout(device, &layout_info, nullptr, &set_layout));
    VkPushConstantRange push_range{VK_SHADER_STAGE_COMPUTE_BIT, 0, 8};
    VkPipelineLayoutCreateInfo pipeline_layout_info{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
    pipeline_layout_info.setLayoutCount = 1;
    pipeline_layout_info.pSetLayouts = &set_layout;
    pipeline_layout_info.pushConstantRangeCount = 1;
    pipeline_layout_info.pPushConstantRanges = &push_range;
    VkPipelineLayout pipeline_layout;
    VK_CHECK(vkCreatePipelineLayout(device, &pipeline_layout_info, nullptr, &pipeline_layout));
    VkShaderModule module = app.shader(argv[1]);
    VkComputePipelineCreateInfo pipeline_info{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
    pipeline_info.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
    pipeline_info.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
    pipeline_info.stage.module = module;
    pipeline_info.stage.pName = "main";
    pipeline_info.layout = pipeline_layout;
    VkPipeline pipeline;
    VK_CHECK(vkCreateComputePipelines(device, VK_NULL_HANDLE, 1, &pipeline_info, nullptr, &pipeline));

    VkDescriptorPoolSize pool_size{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 2};
    VkDescriptorPoolCreateInfo pool_info{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
    pool_info.maxSets = 1;
    pool_info.poolSizeCount = 1;
    pool_info.pPoolSizes = &pool_size;
    VkDescriptorPool descriptor_pool;
    VK_CHECK(vkCreateDescriptorPool(device, &pool_info, nullptr, &descriptor_pool));
    VkDescriptorSetAllocateInfo set_info{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
    set_info.descriptorPool = descriptor_pool;
    set_info.descriptorSetCount = 1;
    set_info.pSetLayouts = &set_layout;
    VkDescriptorSet set;
    VK_CHECK(vkAllocateDescriptorSets(device, &set_info, &set));
    VkDescriptorBufferInfo buffer_infos[2] = {{buffers[0], 0, VK_WHOLE_SIZE}, {buffers[1], 0, VK_WHOLE_SIZE}};
    VkWriteDescriptorSet writes[2] = {};
    for (uint32_t i = 0; i < 2; ++i) {
        writes[i].sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
        writes[i].dstSet = set;
        writes[i].dstBinding = i;
        writes[i].descriptorCount = 1;
        writes[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
        writes[i].pBufferInfo = &buffer_infos[i];
    }
    vkUpdateDescriptorSets(device, 2, writes, 0, nullptr);

    VkCommandPool pool = app.command_pool();
    VkCommandBuffer commands = app.command_buffer(pool);
    VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    begin.flags = rounds == 1 ? VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT : 0;
    VK_CHECK(vkBeginCommandBuffer(commands, &begin));
    vkCmdBindPipeline(commands, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline);
    vkCmdBindDescriptorSets(commands, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline_layout, 0, 1, &set, 0, nullptr);
    const uint32_t push[2] = {3, count};
    vkCmdPushConstants(commands, pipeline_layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(push), push);
    vkCmdDispatch(commands, (count + 63) / 64, 1, 1);
    VkMemoryBarrier barrier{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    barrier.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT;
    barrier.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
    vkCmdPipelineBarrier(commands, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 1,
                         &barrier, 0, nullptr, 0, nullptr);
    VK_CHECK(vkEndCommandBuffer(commands));
    app.submit_and_wait(commands);

    uint32_t wrong = 0;
    for (uint32_t i = 0; i < count; ++i)
        if (mapped[1][i] != mapped[0][i] * 3 + i && wrong++ < 5)
            std::fprintf(stderr, "element %u: %u, expected %u\n", i, mapped[1][i], mapped[0][i] * 3 + i);
    for (uint32_t round = 1; round < rounds && !wrong; ++round) {
        for (int i = 0; i < 2; ++i) {
            vkUnmapMemory(device, memories[i]);
            VK_CHECK(vkMapMemory(device, memories[i], 0, VK_WHOLE_SIZE, 0, reinterpret_cast<void**>(&mapped[i])));
        }
        for (uint32_t i = 0; i < count; ++i) mapped[0][i] = i * 2654435761u + round;
        app.submit_and_wait(commands);
        for (uint32_t i = 0; i < count; ++i)
            if (mapped[1][i] != mapped[0][i] * 3 + i && wrong++ < 5)
                std::fprintf(stderr, "round %u, element %u: %u, expected %u\n", round, i, mapped[1][i],
                             mapped[0][i] * 3 + i);
    }

    vkDestroyCommandPool(device, pool, nullptr);
    vkDestroyDescriptorPool(device, descriptor_pool, nullptr);
    vkDestroyPipeline(device, pipeline, nullptr);
    vkDestroyShaderModule(device, module, nullptr);
    vkDestroyPipelineLayout(device, pipeline_layout, nullptr);
    vkDestroyDescriptorSetLayout(device, set_layout, nullptr);
    for (int i = 0; i < 2; ++i) {
        vkUnmapMemory(device, memories[i]);
        vkDestroyBuffer(device, buffers[i], nullptr);
        vkFreeMemory(device, memories[i], nullptr);
    }
    if (wrong) {
        std::fprintf(stderr, "%u of %u results wrong\n", wrong, count);
        return 1;
    }
    if (rounds > 1)
        std::printf("compute: %u elements correct in each of %u rounds\n", count, rounds);
    else
        std::printf("compute: %u elements correct\n", count);
    return 0;
}
