#include "tests/fuzz/FuzzSupport.h"

#include <vulkan/vulkan.h>

#include <cstring>

#include "tests/support/VenusScript.h"
#include "wire/Frame.h"
#include "wire/venus/Codec.h"

namespace rendersock::fuzz {
namespace {

namespace vv = wire::venus;

using testing::handle;
using testing::ptr;
using Script = testing::VenusScript;

constexpr uint32_t kReply = vv::kCommandWantsReply;

}  // namespace

void append(std::vector<std::byte>& out, const std::vector<std::byte>& bytes) {
    out.insert(out.end(), bytes.begin(), bytes.end());
}

std::vector<std::byte> create_instance_stream() { return testing::create_instance_stream(kInstanceId); }

std::vector<std::vector<std::byte>> realistic_venus_commands(const std::vector<uint32_t>& spirv) {
    Script s;
    const uint64_t instance = kInstanceId, physical = kPhysicalDeviceId, device = kDeviceId,
                   queue_id = kQueueId, cb = kCommandBufferId;
    const uint64_t src = 0x100, dst = 0x101, memory = 0x102, image = 0x103, image_memory = 0x104,
                   view = 0x105, pool = 0x106, fence = 0x107, set_layout = 0x108,
                   pipeline_layout = 0x109, descriptor_pool = 0x10a, set = 0x10b, module = 0x10c,
                   pipeline = 0x10d, sampler = 0x10e, semaphore = 0x10f, event = 0x110,
                   query_pool = 0x111, render_pass = 0x112, framebuffer = 0x113;

    uint32_t count = 0;
    s("vkEnumeratePhysicalDevices", kReply, instance, ptr(&count), 0);
    count = 1;
    VkPhysicalDevice physical_out = handle<VkPhysicalDevice>(physical);
    s("vkEnumeratePhysicalDevices", kReply, instance, ptr(&count), ptr(&physical_out));
    VkPhysicalDeviceProperties properties{};
    s("vkGetPhysicalDeviceProperties", kReply, physical, ptr(&properties));
    VkPhysicalDeviceVulkan12Properties props12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_PROPERTIES};
    VkPhysicalDeviceProperties2 properties2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2, &props12};
    s("vkGetPhysicalDeviceProperties2", kReply, physical, ptr(&properties2));
    VkPhysicalDeviceFeatures features{};
    s("vkGetPhysicalDeviceFeatures", kReply, physical, ptr(&features));
    uint32_t family_count = 0;
    s("vkGetPhysicalDeviceQueueFamilyProperties", kReply, physical, ptr(&family_count), 0);
    family_count = 1;
    VkQueueFamilyProperties family{};
    s("vkGetPhysicalDeviceQueueFamilyProperties", kReply, physical, ptr(&family_count), ptr(&family));
    VkPhysicalDeviceMemoryProperties memory_properties{};
    s("vkGetPhysicalDeviceMemoryProperties", kReply, physical, ptr(&memory_properties));
    uint32_t extension_count = 0;
    s("vkEnumerateDeviceExtensionProperties", kReply, physical, 0, ptr(&extension_count), 0);
    VkFormatProperties format_properties{};
    s("vkGetPhysicalDeviceFormatProperties", kReply, physical, VK_FORMAT_R8G8B8A8_UNORM,
      ptr(&format_properties));

    float priority = 1.0f;
    VkDeviceQueueCreateInfo queue_info{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
    queue_info.queueCount = 1;
    queue_info.pQueuePriorities = &priority;
    VkPhysicalDeviceVulkan13Features features13{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES};
    features13.synchronization2 = VK_TRUE;
    VkDeviceCreateInfo device_info{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO, &features13};
    device_info.queueCreateInfoCount = 1;
    device_info.pQueueCreateInfos = &queue_info;
    VkDevice device_out = handle<VkDevice>(device);
    s("vkCreateDevice", kReply, physical, ptr(&device_info), 0, ptr(&device_out));
    VkQueue queue_out = handle<VkQueue>(queue_id);
    s("vkGetDeviceQueue", 0, device, 0, 0, ptr(&queue_out));

    VkBufferCreateInfo buffer_info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
    buffer_info.size = 4096;
    buffer_info.usage = VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT |
                        VK_BUFFER_USAGE_STORAGE_BUFFER_BIT;
    VkBuffer src_out = handle<VkBuffer>(src), dst_out = handle<VkBuffer>(dst);
    s("vkCreateBuffer", kReply, device, ptr(&buffer_info), 0, ptr(&src_out));
    s("vkCreateBuffer", kReply, device, ptr(&buffer_info), 0, ptr(&dst_out));
    VkMemoryRequirements requirements{};
    s("vkGetBufferMemoryRequirements", kReply, device, src, ptr(&requirements));
    VkMemoryAllocateInfo allocate{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
    allocate.allocationSize = 65536;
    allocate.memoryTypeIndex = 0;
    VkDeviceMemory memory_out = handle<VkDeviceMemory>(memory);
    s("vkAllocateMemory", kReply, device, ptr(&allocate), 0, ptr(&memory_out));
    s("vkBindBufferMemory", kReply, device, src, memory, 0);
    s("vkBindBufferMemory", kReply, device, dst, memory, 4096);

    const VkImageCreateInfo image_info = image_2d_info(
        VK_FORMAT_R8G8B8A8_UNORM, 16, 16,
        VK_IMAGE_USAGE_TRANSFER_DST_BIT | VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT);
    VkImage image_out = handle<VkImage>(image);
    s("vkCreateImage", kReply, device, ptr(&image_info), 0, ptr(&image_out));
    s("vkGetImageMemoryRequirements", kReply, device, image, ptr(&requirements));
    allocate.allocationSize = 16 * 16 * 4 * 2;
    VkDeviceMemory image_memory_out = handle<VkDeviceMemory>(image_memory);
    s("vkAllocateMemory", kReply, device, ptr(&allocate), 0, ptr(&image_memory_out));
    s("vkBindImageMemory", kReply, device, image, image_memory, 0);
    VkImageViewCreateInfo view_info{VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
    view_info.image = handle<VkImage>(image);
    view_info.viewType = VK_IMAGE_VIEW_TYPE_2D;
    view_info.format = VK_FORMAT_R8G8B8A8_UNORM;
    view_info.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    VkImageView view_out = handle<VkImageView>(view);
    s("vkCreateImageView", kReply, device, ptr(&view_info), 0, ptr(&view_out));
    VkSamplerCreateInfo sampler_info{VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO};
    sampler_info.magFilter = VK_FILTER_LINEAR;
    sampler_info.maxLod = 1.0f;
    VkSampler sampler_out = handle<VkSampler>(sampler);
    s("vkCreateSampler", kReply, device, ptr(&sampler_info), 0, ptr(&sampler_out));

    VkAttachmentDescription attachment{};
    attachment.format = VK_FORMAT_R8G8B8A8_UNORM;
    attachment.samples = VK_SAMPLE_COUNT_1_BIT;
    attachment.loadOp = VK_ATTACHMENT_LOAD_OP_CLEAR;
    attachment.storeOp = VK_ATTACHMENT_STORE_OP_STORE;
    attachment.stencilLoadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE;
    attachment.stencilStoreOp = VK_ATTACHMENT_STORE_OP_DONT_CARE;
    attachment.finalLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
    VkAttachmentReference color_ref{0, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL};
    VkSubpassDescription subpass{};
    subpass.pipelineBindPoint = VK_PIPELINE_BIND_POINT_GRAPHICS;
    subpass.colorAttachmentCount = 1;
    subpass.pColorAttachments = &color_ref;
    VkRenderPassCreateInfo rp_info{VK_STRUCTURE_TYPE_RENDER_PASS_CREATE_INFO};
    rp_info.attachmentCount = 1;
    rp_info.pAttachments = &attachment;
    rp_info.subpassCount = 1;
    rp_info.pSubpasses = &subpass;
    VkRenderPass render_pass_out = handle<VkRenderPass>(render_pass);
    s("vkCreateRenderPass", kReply, device, ptr(&rp_info), 0, ptr(&render_pass_out));
    VkImageView attachments[1] = {handle<VkImageView>(view)};
    VkFramebufferCreateInfo fb_info{VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO};
    fb_info.renderPass = handle<VkRenderPass>(render_pass);
    fb_info.attachmentCount = 1;
    fb_info.pAttachments = attachments;
    fb_info.width = 16;
    fb_info.height = 16;
    fb_info.layers = 1;
    VkFramebuffer framebuffer_out = handle<VkFramebuffer>(framebuffer);
    s("vkCreateFramebuffer", kReply, device, ptr(&fb_info), 0, ptr(&framebuffer_out));

    VkSemaphoreTypeCreateInfo timeline{VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO};
    timeline.semaphoreType = VK_SEMAPHORE_TYPE_TIMELINE;
    VkSemaphoreCreateInfo semaphore_info{VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO, &timeline};
    VkSemaphore semaphore_out = handle<VkSemaphore>(semaphore);
    s("vkCreateSemaphore", kReply, device, ptr(&semaphore_info), 0, ptr(&semaphore_out));
    VkEventCreateInfo event_info{VK_STRUCTURE_TYPE_EVENT_CREATE_INFO};
    VkEvent event_out = handle<VkEvent>(event);
    s("vkCreateEvent", kReply, device, ptr(&event_info), 0, ptr(&event_out));
    VkQueryPoolCreateInfo query_info{VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO};
    query_info.queryType = VK_QUERY_TYPE_TIMESTAMP;
    query_info.queryCount = 2;
    VkQueryPool query_pool_out = handle<VkQueryPool>(query_pool);
    s("vkCreateQueryPool", kReply, device, ptr(&query_info), 0, ptr(&query_pool_out));

    VkCommandPoolCreateInfo pool_info{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
    pool_info.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
    VkCommandPool pool_out = handle<VkCommandPool>(pool);
    s("vkCreateCommandPool", kReply, device, ptr(&pool_info), 0, ptr(&pool_out));
    VkCommandBufferAllocateInfo cb_info{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    cb_info.commandPool = handle<VkCommandPool>(pool);
    cb_info.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    cb_info.commandBufferCount = 1;
    VkCommandBuffer cb_out = handle<VkCommandBuffer>(cb);
    s("vkAllocateCommandBuffers", kReply, device, ptr(&cb_info), ptr(&cb_out));

    // Descriptors and (with SPIR-V) a compute pipeline.
    VkDescriptorSetLayoutBinding bindings[2] = {
        {0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr},
        {1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr}};
    VkDescriptorSetLayoutCreateInfo dsl_info{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
    dsl_info.bindingCount = 2;
    dsl_info.pBindings = bindings;
    VkDescriptorSetLayout set_layout_out = handle<VkDescriptorSetLayout>(set_layout);
    s("vkCreateDescriptorSetLayout", kReply, device, ptr(&dsl_info), 0, ptr(&set_layout_out));
    VkPushConstantRange push{VK_SHADER_STAGE_COMPUTE_BIT, 0, 8};
    VkDescriptorSetLayout layouts[1] = {handle<VkDescriptorSetLayout>(set_layout)};
    VkPipelineLayoutCreateInfo pl_info{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
    pl_info.setLayoutCount = 1;
    pl_info.pSetLayouts = layouts;
    pl_info.pushConstantRangeCount = 1;
    pl_info.pPushConstantRanges = &push;
    VkPipelineLayout pipeline_layout_out = handle<VkPipelineLayout>(pipeline_layout);
    s("vkCreatePipelineLayout", kReply, device, ptr(&pl_info), 0, ptr(&pipeline_layout_out));
    VkDescriptorPoolSize pool_size{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 2};
    VkDescriptorPoolCreateInfo dp_info{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
    dp_info.maxSets = 1;
    dp_info.poolSizeCount = 1;
    dp_info.pPoolSizes = &pool_size;
    VkDescriptorPool descriptor_pool_out = handle<VkDescriptorPool>(descriptor_pool);
    s("vkCreateDescriptorPool", kReply, device, ptr(&dp_info), 0, ptr(&descriptor_pool_out));
    VkDescriptorSetAllocateInfo ds_info{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
    ds_info.descriptorPool = handle<VkDescriptorPool>(descriptor_pool);
    ds_info.descriptorSetCount = 1;
    ds_info.pSetLayouts = layouts;
    VkDescriptorSet set_out = handle<VkDescriptorSet>(set);
    s("vkAllocateDescriptorSets", kReply, device, ptr(&ds_info), ptr(&set_out));
    VkDescriptorBufferInfo buffer_infos[2] = {{handle<VkBuffer>(src), 0, 4096},
                                              {handle<VkBuffer>(dst), 0, 4096}};
    VkWriteDescriptorSet write{VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
    write.dstSet = handle<VkDescriptorSet>(set);
    write.descriptorCount = 2;
    write.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    write.pBufferInfo = buffer_infos;
    s("vkUpdateDescriptorSets", 0, device, 1, ptr(&write), 0, 0);
    if (!spirv.empty()) {
        VkShaderModuleCreateInfo module_info{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
        module_info.codeSize = spirv.size() * 4;
        module_info.pCode = spirv.data();
        VkShaderModule module_out = handle<VkShaderModule>(module);
        s("vkCreateShaderModule", kReply, device, ptr(&module_info), 0, ptr(&module_out));
        VkComputePipelineCreateInfo cp_info{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
        cp_info.stage = {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO};
        cp_info.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
        cp_info.stage.module = handle<VkShaderModule>(module);
        cp_info.stage.pName = "main";
        cp_info.layout = handle<VkPipelineLayout>(pipeline_layout);
        VkPipeline pipeline_out = handle<VkPipeline>(pipeline);
        s("vkCreateComputePipelines", kReply, device, 0, 1, ptr(&cp_info), 0, ptr(&pipeline_out));
    }

    // Record, submit, wait.
    VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    s("vkBeginCommandBuffer", kReply, cb, ptr(&begin));
    s("vkCmdResetQueryPool", 0, cb, query_pool, 0, 2);
    s("vkCmdWriteTimestamp", 0, cb, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, query_pool, 0);
    s("vkCmdFillBuffer", 0, cb, src, 0, 4096, 0x01020304);
    VkBufferMemoryBarrier barrier{VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER};
    barrier.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    barrier.dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_SHADER_READ_BIT;
    barrier.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    barrier.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    barrier.buffer = handle<VkBuffer>(src);
    barrier.size = VK_WHOLE_SIZE;
    s("vkCmdPipelineBarrier", 0, cb, VK_PIPELINE_STAGE_TRANSFER_BIT,
      VK_PIPELINE_STAGE_TRANSFER_BIT | VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, 0, 0, 0, 1, ptr(&barrier),
      0, 0);
    VkBufferCopy region{0, 0, 1024};
    s("vkCmdCopyBuffer", 0, cb, src, dst, 1, ptr(&region));
    s("vkCmdUpdateBuffer", 0, cb, dst, 1024, 16, ptr("0123456789abcdef"));
    VkImageMemoryBarrier image_barrier{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
    image_barrier.dstAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    image_barrier.oldLayout = VK_IMAGE_LAYOUT_UNDEFINED;
    image_barrier.newLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
    image_barrier.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    image_barrier.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    image_barrier.image = handle<VkImage>(image);
    image_barrier.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    s("vkCmdPipelineBarrier", 0, cb, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT,
      0, 0, 0, 0, 0, 1, ptr(&image_barrier));
    VkClearColorValue color{};
    color.float32[0] = 0.5f;
    VkImageSubresourceRange range{VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    s("vkCmdClearColorImage", 0, cb, image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, ptr(&color), 1,
      ptr(&range));
    VkBufferImageCopy image_copy{};
    image_copy.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
    image_copy.imageExtent = {16, 16, 1};
    s("vkCmdCopyImageToBuffer", 0, cb, image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, dst, 1,
      ptr(&image_copy));
    if (!spirv.empty()) {
        s("vkCmdBindPipeline", 0, cb, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline);
        VkDescriptorSet sets[1] = {handle<VkDescriptorSet>(set)};
        s("vkCmdBindDescriptorSets", 0, cb, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline_layout, 0, 1,
          ptr(sets), 0, 0);
        const uint32_t constants[2] = {3, 1024};
        s("vkCmdPushConstants", 0, cb, pipeline_layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, 8,
          ptr(constants));
        s("vkCmdDispatch", 0, cb, 16, 1, 1);
    }
    s("vkCmdSetEvent", 0, cb, event, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT);
    s("vkCmdWriteTimestamp", 0, cb, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, query_pool, 1);
    s("vkEndCommandBuffer", kReply, cb);
    VkFenceCreateInfo fence_info{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    VkFence fence_out = handle<VkFence>(fence);
    s("vkCreateFence", kReply, device, ptr(&fence_info), 0, ptr(&fence_out));
    VkCommandBuffer cbs[1] = {handle<VkCommandBuffer>(cb)};
    VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
    submit.commandBufferCount = 1;
    submit.pCommandBuffers = cbs;
    s("vkQueueSubmit", 0, queue_id, 1, ptr(&submit), fence);
    VkFence fences[1] = {handle<VkFence>(fence)};
    s("vkWaitForFences", kReply, device, 1, ptr(fences), VK_TRUE, 1000000000ull);
    s("vkGetFenceStatus", kReply, device, fence);
    s("vkGetEventStatus", kReply, device, event);
    uint64_t timestamps[2] = {};
    s("vkGetQueryPoolResults", kReply, device, query_pool, 0, 2, sizeof(timestamps), ptr(timestamps), 8,
      VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT);
    VkSemaphoreSignalInfo signal{VK_STRUCTURE_TYPE_SEMAPHORE_SIGNAL_INFO};
    signal.semaphore = handle<VkSemaphore>(semaphore);
    signal.value = 1;
    s("vkSignalSemaphore", kReply, device, ptr(&signal));
    uint64_t value = 0;
    s("vkGetSemaphoreCounterValue", kReply, device, semaphore, ptr(&value));
    s("vkResetFences", kReply, device, 1, ptr(fences));
    s("vkQueueWaitIdle", kReply, queue_id);
    s("vkResetCommandBuffer", kReply, cb, 0);
    s("vkResetDescriptorPool", kReply, device, descriptor_pool, 0);
    s("vkDeviceWaitIdle", kReply, device);

    // Teardown, as an application exits.
    s("vkDestroyFramebuffer", 0, device, framebuffer, 0);
    s("vkDestroyRenderPass", 0, device, render_pass, 0);
    s("vkFreeCommandBuffers", 0, device, pool, 1, ptr(cbs));
    s("vkDestroyCommandPool", 0, device, pool, 0);
    s("vkDestroyBuffer", 0, device, src, 0);
    s("vkDestroyBuffer", 0, device, dst, 0);
    s("vkFreeMemory", 0, device, memory, 0);
    s("vkDestroyImageView", 0, device, view, 0);
    s("vkDestroyImage", 0, device, image, 0);
    s("vkFreeMemory", 0, device, image_memory, 0);
    s("vkDestroyDevice", 0, device, 0);
    s("vkDestroyInstance", 0, instance, 0);
    return std::move(s.commands);
}

std::vector<std::byte> frame_bytes(const wire::OutgoingFrame& frame) { return frame.bytes; }

wire::OutgoingFrame hello_frame(uint64_t features) {
    wire::MessageBuilder builder;
    auto& fbb = builder.fbb();
    return builder.frame(1, wire::fb::CreateHello(fbb, wire::kHelloMagic, wire::kProtocolVersion,
                                                  features, fbb.CreateString("fuzz")));
}

}  // namespace rendersock::fuzz
