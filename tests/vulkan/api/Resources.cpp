// api_test sections: resource and format queries, recording threads.
#include "api/ApiSupport.h"

namespace api_test {

void test_resource_queries(Context& ctx) {
    out.section = "resource_queries";
    // A linear image's layout.
    const VkFormat linear_formats[2] = {VK_FORMAT_R8G8B8A8_UNORM, VK_FORMAT_R16G16B16A16_SFLOAT};
    for (VkFormat format : linear_formats) {
        VkImageCreateInfo info{VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO};
        info.imageType = VK_IMAGE_TYPE_2D;
        info.format = format;
        info.extent = {13, 7, 1};
        info.mipLevels = 1;
        info.arrayLayers = 1;
        info.samples = VK_SAMPLE_COUNT_1_BIT;
        info.tiling = VK_IMAGE_TILING_LINEAR;
        info.usage = VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
        info.initialLayout = VK_IMAGE_LAYOUT_PREINITIALIZED;
        VkImage image;
        VK_CHECK(vkCreateImage(ctx.device, &info, nullptr, &image));
        VkMemoryRequirements requirements;
        vkGetImageMemoryRequirements(ctx.device, image, &requirements);
        VkDeviceMemory memory = ctx.allocate(requirements, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT);
        VK_CHECK(vkBindImageMemory(ctx.device, image, memory, 0));
        const VkImageSubresource subresource{VK_IMAGE_ASPECT_COLOR_BIT, 0, 0};
        VkSubresourceLayout layout{};
        vkGetImageSubresourceLayout(ctx.device, image, &subresource, &layout);
        out.line("linear_%d: requirements size=%" PRIu64 " alignment=%" PRIu64 " bits=%x; layout offset=%" PRIu64
                 " size=%" PRIu64 " row_pitch=%" PRIu64 " array_pitch=%" PRIu64 " depth_pitch=%" PRIu64,
                 format, requirements.size, requirements.alignment, requirements.memoryTypeBits, layout.offset,
                 layout.size, layout.rowPitch, layout.arrayPitch, layout.depthPitch);
        const uint32_t texel = format == VK_FORMAT_R8G8B8A8_UNORM ? 4 : 8;
        out.check(layout.rowPitch >= 13 * texel && layout.size >= layout.rowPitch * 6 + 13 * texel,
                  "linear layout holds the image");
        // vkGetDeviceImageMemoryRequirements for the same create info.
        VkDeviceImageMemoryRequirements device_info{VK_STRUCTURE_TYPE_DEVICE_IMAGE_MEMORY_REQUIREMENTS};
        device_info.pCreateInfo = &info;
        VkMemoryRequirements2 device_requirements{VK_STRUCTURE_TYPE_MEMORY_REQUIREMENTS_2};
        vkGetDeviceImageMemoryRequirements(ctx.device, &device_info, &device_requirements);
        out.check(device_requirements.memoryRequirements.size == requirements.size &&
                      device_requirements.memoryRequirements.memoryTypeBits == requirements.memoryTypeBits,
                  "vkGetDeviceImageMemoryRequirements matches");
        vkDestroyImage(ctx.device, image, nullptr);
        vkFreeMemory(ctx.device, memory, nullptr);
    }

    // Buffer requirements with the dedicated-allocation query, and without a buffer.
    VkBufferCreateInfo buffer_info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
    buffer_info.size = 1000;
    buffer_info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT;
    VkBuffer buffer;
    VK_CHECK(vkCreateBuffer(ctx.device, &buffer_info, nullptr, &buffer));
    VkBufferMemoryRequirementsInfo2 requirements_info{VK_STRUCTURE_TYPE_BUFFER_MEMORY_REQUIREMENTS_INFO_2};
    requirements_info.buffer = buffer;
    VkMemoryDedicatedRequirements dedicated{VK_STRUCTURE_TYPE_MEMORY_DEDICATED_REQUIREMENTS};
    VkMemoryRequirements2 requirements{VK_STRUCTURE_TYPE_MEMORY_REQUIREMENTS_2};
    requirements.pNext = &dedicated;
    vkGetBufferMemoryRequirements2(ctx.device, &requirements_info, &requirements);
    out.line("buffer: size=%" PRIu64 " alignment=%" PRIu64 " bits=%x prefers_dedicated=%u requires_dedicated=%u",
             requirements.memoryRequirements.size, requirements.memoryRequirements.alignment,
             requirements.memoryRequirements.memoryTypeBits, dedicated.prefersDedicatedAllocation,
             dedicated.requiresDedicatedAllocation);
    out.check(requirements.memoryRequirements.size >= 1000, "buffer requirements size");
    VkDeviceBufferMemoryRequirements device_buffer{VK_STRUCTURE_TYPE_DEVICE_BUFFER_MEMORY_REQUIREMENTS};
    device_buffer.pCreateInfo = &buffer_info;
    VkMemoryDedicatedRequirements device_dedicated{VK_STRUCTURE_TYPE_MEMORY_DEDICATED_REQUIREMENTS};
    VkMemoryRequirements2 device_requirements{VK_STRUCTURE_TYPE_MEMORY_REQUIREMENTS_2};
    device_requirements.pNext = &device_dedicated;
    vkGetDeviceBufferMemoryRequirements(ctx.device, &device_buffer, &device_requirements);
    out.line("device_buffer: size=%" PRIu64 " alignment=%" PRIu64 " bits=%x prefers_dedicated=%u requires_dedicated=%u",
             device_requirements.memoryRequirements.size, device_requirements.memoryRequirements.alignment,
             device_requirements.memoryRequirements.memoryTypeBits, device_dedicated.prefersDedicatedAllocation,
             device_dedicated.requiresDedicatedAllocation);
    out.check(device_requirements.memoryRequirements.size == requirements.memoryRequirements.size &&
                  device_requirements.memoryRequirements.alignment == requirements.memoryRequirements.alignment &&
                  device_requirements.memoryRequirements.memoryTypeBits ==
                      requirements.memoryRequirements.memoryTypeBits,
              "vkGetDeviceBufferMemoryRequirements matches vkGetBufferMemoryRequirements2");
    vkDestroyBuffer(ctx.device, buffer, nullptr);

    // An optimal image's requirements through vkGetImageMemoryRequirements2 with the dedicated query.
    Image image = make_image(ctx, 64, 64, kColorFormat, VK_SAMPLE_COUNT_1_BIT, VK_IMAGE_USAGE_SAMPLED_BIT, false);
    VkImageMemoryRequirementsInfo2 image_info{VK_STRUCTURE_TYPE_IMAGE_MEMORY_REQUIREMENTS_INFO_2};
    image_info.image = image.image;
    VkMemoryDedicatedRequirements image_dedicated{VK_STRUCTURE_TYPE_MEMORY_DEDICATED_REQUIREMENTS};
    VkMemoryRequirements2 image_requirements{VK_STRUCTURE_TYPE_MEMORY_REQUIREMENTS_2};
    image_requirements.pNext = &image_dedicated;
    vkGetImageMemoryRequirements2(ctx.device, &image_info, &image_requirements);
    out.line("optimal_image: size=%" PRIu64 " alignment=%" PRIu64 " bits=%x prefers_dedicated=%u requires_dedicated=%u",
             image_requirements.memoryRequirements.size, image_requirements.memoryRequirements.alignment,
             image_requirements.memoryRequirements.memoryTypeBits, image_dedicated.prefersDedicatedAllocation,
             image_dedicated.requiresDedicatedAllocation);
    out.check(image_requirements.memoryRequirements.size >= 64 * 64 * 4, "optimal image requirements size");
    destroy(ctx, image);

    // Format properties, with VkFormatProperties3.
    const VkFormat formats[] = {VK_FORMAT_R8G8B8A8_UNORM, VK_FORMAT_B8G8R8A8_SRGB,     VK_FORMAT_R32_UINT,
                                VK_FORMAT_D32_SFLOAT,     VK_FORMAT_R16G16B16A16_SFLOAT, VK_FORMAT_BC1_RGB_UNORM_BLOCK,
                                VK_FORMAT_R32G32B32_SFLOAT};
    for (VkFormat format : formats) {
        VkFormatProperties3 properties3{VK_STRUCTURE_TYPE_FORMAT_PROPERTIES_3};
        VkFormatProperties2 properties{VK_STRUCTURE_TYPE_FORMAT_PROPERTIES_2};
        properties.pNext = &properties3;
        vkGetPhysicalDeviceFormatProperties2(ctx.physical_device, format, &properties);
        VkFormatProperties plain;
        vkGetPhysicalDeviceFormatProperties(ctx.physical_device, format, &plain);
        out.line("format_%d: linear=%x optimal=%x buffer=%x; v3 linear=%" PRIx64 " optimal=%" PRIx64
                 " buffer=%" PRIx64,
                 format, properties.formatProperties.linearTilingFeatures,
                 properties.formatProperties.optimalTilingFeatures, properties.formatProperties.bufferFeatures,
                 properties3.linearTilingFeatures, properties3.optimalTilingFeatures, properties3.bufferFeatures);
        out.check(std::memcmp(&plain, &properties.formatProperties, sizeof(plain)) == 0,
                  "vkGetPhysicalDeviceFormatProperties2 matches the original");
    }

    // Image format properties: supported combinations and one that is not.
    struct Query {
        VkFormat format;
        VkImageType type;
        VkImageTiling tiling;
        VkImageUsageFlags usage;
        VkImageCreateFlags flags;
    };
    const Query queries[] = {
        {VK_FORMAT_R8G8B8A8_UNORM, VK_IMAGE_TYPE_2D, VK_IMAGE_TILING_OPTIMAL,
         VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT | VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT, 0},
        {VK_FORMAT_R8G8B8A8_UNORM, VK_IMAGE_TYPE_2D, VK_IMAGE_TILING_LINEAR, VK_IMAGE_USAGE_TRANSFER_SRC_BIT, 0},
        {VK_FORMAT_D32_SFLOAT, VK_IMAGE_TYPE_2D, VK_IMAGE_TILING_OPTIMAL, VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT, 0},
        {VK_FORMAT_R16G16B16A16_SFLOAT, VK_IMAGE_TYPE_3D, VK_IMAGE_TILING_OPTIMAL, VK_IMAGE_USAGE_SAMPLED_BIT, 0},
        {VK_FORMAT_R8G8B8A8_UNORM, VK_IMAGE_TYPE_2D, VK_IMAGE_TILING_OPTIMAL, VK_IMAGE_USAGE_SAMPLED_BIT,
         VK_IMAGE_CREATE_CUBE_COMPATIBLE_BIT},
        {VK_FORMAT_BC1_RGB_UNORM_BLOCK, VK_IMAGE_TYPE_2D, VK_IMAGE_TILING_OPTIMAL,
         VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT, 0},
    };
    int index = 0;
    for (const Query& query : queries) {
        VkPhysicalDeviceImageFormatInfo2 info{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_IMAGE_FORMAT_INFO_2};
        info.format = query.format;
        info.type = query.type;
        info.tiling = query.tiling;
        info.usage = query.usage;
        info.flags = query.flags;
        VkImageFormatProperties2 properties{VK_STRUCTURE_TYPE_IMAGE_FORMAT_PROPERTIES_2};
        const VkResult result = vkGetPhysicalDeviceImageFormatProperties2(ctx.physical_device, &info, &properties);
        const VkImageFormatProperties& p = properties.imageFormatProperties;
        if (result == VK_SUCCESS)
            out.line("image_format_%d: result=%d max_extent=%ux%ux%u mips=%u layers=%u samples=%x max_size=%" PRIu64,
                     index, result, p.maxExtent.width, p.maxExtent.height, p.maxExtent.depth, p.maxMipLevels,
                     p.maxArrayLayers, p.sampleCounts, p.maxResourceSize);
        else
            out.line("image_format_%d: result=%d", index, result);
        if (index < 4) out.check(result == VK_SUCCESS, "supported image format");
        if (index == 5) out.check(result == VK_ERROR_FORMAT_NOT_SUPPORTED, "compressed color attachment not supported");
        ++index;
    }
}

// ======================================================== multiple threads --

void test_threads(Context& ctx) {
    out.section = "threads";
    constexpr uint32_t kThreads = 2, kIterations = 25, kWords = 64;
    Buffer shared = make_buffer(ctx, kThreads * kWords * 4, VK_BUFFER_USAGE_TRANSFER_DST_BIT);
    std::mutex queue_mutex;
    uint32_t wrong[kThreads] = {};
    auto worker = [&](uint32_t t) {
        VkCommandPool pool = ctx.command_pool();
        VkCommandBuffer commands = ctx.command_buffer(pool);
        VkFence done = ctx.fence();
        for (uint32_t iteration = 0; iteration < kIterations; ++iteration) {
            const uint32_t value = (t + 1) * 1000000u + iteration;
            VK_CHECK(vkResetCommandBuffer(commands, 0));
            begin(commands);
            const VkDeviceSize offset = VkDeviceSize{t} * kWords * 4;
            vkCmdFillBuffer(commands, shared.buffer, offset, kWords * 4, value);
            transfer_to_transfer(commands);
            const uint32_t marker[2] = {iteration, t};
            vkCmdUpdateBuffer(commands, shared.buffer, offset, sizeof(marker), marker);
            transfer_to_host(commands);
            VK_CHECK(vkEndCommandBuffer(commands));
            VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
            submit.commandBufferCount = 1;
            submit.pCommandBuffers = &commands;
            {
                std::lock_guard<std::mutex> lock(queue_mutex);
                VK_CHECK(vkQueueSubmit(ctx.queue, 1, &submit, done));
            }
            VK_CHECK(vkWaitForFences(ctx.device, 1, &done, VK_TRUE, UINT64_MAX));
            VK_CHECK(vkResetFences(ctx.device, 1, &done));
            const uint32_t* words = shared.words() + t * kWords;
            if (words[0] != iteration || words[1] != t) ++wrong[t];
            for (uint32_t i = 2; i < kWords; ++i)
                if (words[i] != value) {
                    ++wrong[t];
                    break;
                }
        }
        vkDestroyFence(ctx.device, done, nullptr);
        vkDestroyCommandPool(ctx.device, pool, nullptr);
    };
    std::thread threads[kThreads];
    for (uint32_t t = 0; t < kThreads; ++t) threads[t] = std::thread(worker, t);
    for (auto& thread : threads) thread.join();
    for (uint32_t t = 0; t < kThreads; ++t) {
        out.line("thread_%u: wrong_iterations=%u", t, wrong[t]);
        out.check(wrong[t] == 0, "every iteration's result seen by its thread");
    }
    out.hex("final", shared.mapped, kThreads * kWords * 4);
    destroy(ctx, shared);
}

// ================================================================ set-up --


}  // namespace api_test
