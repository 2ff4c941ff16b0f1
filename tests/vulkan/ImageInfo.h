#pragma once
// The create info of the one kind of image most tests make: 2D, one level,
// one layer, optimally tiled, contents undefined. Header-only and plain
// Vulkan, for the test programs and for the raw Venus streams alike.

#include <vulkan/vulkan.h>

inline VkImageCreateInfo image_2d_info(VkFormat format, uint32_t width, uint32_t height, VkImageUsageFlags usage,
                                       VkSampleCountFlagBits samples = VK_SAMPLE_COUNT_1_BIT) {
    VkImageCreateInfo info{VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO};
    info.imageType = VK_IMAGE_TYPE_2D;
    info.format = format;
    info.extent = {width, height, 1};
    info.mipLevels = 1;
    info.arrayLayers = 1;
    info.samples = samples;
    info.tiling = VK_IMAGE_TILING_OPTIMAL;
    info.usage = usage;
    info.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
    return info;
}
