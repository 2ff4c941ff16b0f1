// A differential test of many Vulkan API features whose results are
// observable and deterministic: secondary command buffers, queries, pipeline
// caches, events, timeline semaphores, descriptor update templates,
// specialization and push constants, transfer/blit/resolve operations,
// dynamic state, multi-draws with strided arrays, resource and format
// queries, and submissions from several threads. Every observed result is
// written, labelled, to a text file, so that a native run and a run through
// rendersock can be compared byte for byte; results that can be predicted
// are also checked on the CPU.
// Nothing timing- or address-dependent goes into the file.
// usage: api_test DRAW_VERT.spv DRAW_FRAG.spv TEMPLATE_COMP.spv OUT.txt
#include "api/ApiSupport.h"
#include "api/ComputeRig.h"

namespace api_test {
namespace {

void create_context(Context& ctx) {
    VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
    app.pApplicationName = "api_test";
    app.apiVersion = VK_API_VERSION_1_3;
    uint32_t count = 0;
    VK_CHECK(vkEnumerateInstanceExtensionProperties(nullptr, &count, nullptr));
    std::vector<VkExtensionProperties> extensions(count);
    VK_CHECK(vkEnumerateInstanceExtensionProperties(nullptr, &count, extensions.data()));
    bool debug_utils = false;
    for (const auto& extension : extensions)
        debug_utils |= std::strcmp(extension.extensionName, VK_EXT_DEBUG_UTILS_EXTENSION_NAME) == 0;
    const char* enabled_extensions[] = {VK_EXT_DEBUG_UTILS_EXTENSION_NAME};
    VkDebugUtilsMessengerCreateInfoEXT messenger_info{VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
    messenger_info.messageSeverity =
        VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
    messenger_info.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
                                 VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                                 VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
    messenger_info.pfnUserCallback = debug_callback;
    VkInstanceCreateInfo info{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
    info.pApplicationInfo = &app;
    if (debug_utils) {
        info.enabledExtensionCount = 1;
        info.ppEnabledExtensionNames = enabled_extensions;
        info.pNext = &messenger_info;  // also covers instance creation and destruction
    }
    VK_CHECK(vkCreateInstance(&info, nullptr, &ctx.instance));
    if (debug_utils) {
        auto create = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
            vkGetInstanceProcAddr(ctx.instance, "vkCreateDebugUtilsMessengerEXT"));
        if (create) VK_CHECK(create(ctx.instance, &messenger_info, nullptr, &ctx.messenger));
    }

    count = 1;
    const VkResult result = vkEnumeratePhysicalDevices(ctx.instance, &count, &ctx.physical_device);
    if ((result != VK_SUCCESS && result != VK_INCOMPLETE) || count == 0) {
        std::fprintf(stderr, "no Vulkan device\n");
        std::exit(1);
    }
    vkGetPhysicalDeviceProperties(ctx.physical_device, &ctx.properties);
    vkGetPhysicalDeviceMemoryProperties(ctx.physical_device, &ctx.memory);
    std::printf("device: %s\n", ctx.properties.deviceName);
    if (ctx.properties.apiVersion < VK_API_VERSION_1_3) {
        std::fprintf(stderr, "the device does not support Vulkan 1.3\n");
        std::exit(1);
    }

    uint32_t families = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(ctx.physical_device, &families, nullptr);
    std::vector<VkQueueFamilyProperties> family_properties(families);
    vkGetPhysicalDeviceQueueFamilyProperties(ctx.physical_device, &families, family_properties.data());
    const VkQueueFlags needs = VK_QUEUE_GRAPHICS_BIT | VK_QUEUE_COMPUTE_BIT;
    for (ctx.queue_family = 0; ctx.queue_family < families; ++ctx.queue_family)
        if ((family_properties[ctx.queue_family].queueFlags & needs) == needs) break;
    if (ctx.queue_family == families) {
        std::fprintf(stderr, "no graphics+compute queue\n");
        std::exit(1);
    }
    ctx.timestamp_valid_bits = family_properties[ctx.queue_family].timestampValidBits;

    VkPhysicalDeviceVulkan13Features supported13{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES};
    VkPhysicalDeviceVulkan12Features supported12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
    supported12.pNext = &supported13;
    VkPhysicalDeviceFeatures2 supported{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
    supported.pNext = &supported12;
    vkGetPhysicalDeviceFeatures2(ctx.physical_device, &supported);
    if (!supported12.timelineSemaphore || !supported13.dynamicRendering || !supported13.synchronization2) {
        std::fprintf(stderr, "missing a required feature (timelineSemaphore, dynamicRendering, synchronization2)\n");
        std::exit(1);
    }
    // VK_EXT_multi_draw, where the device has it (Zink records its draws with it).
    uint32_t device_extension_count = 0;
    VK_CHECK(vkEnumerateDeviceExtensionProperties(ctx.physical_device, nullptr, &device_extension_count, nullptr));
    std::vector<VkExtensionProperties> device_extensions(device_extension_count);
    VK_CHECK(vkEnumerateDeviceExtensionProperties(ctx.physical_device, nullptr, &device_extension_count,
                                                  device_extensions.data()));
    for (const auto& extension : device_extensions)
        if (std::strcmp(extension.extensionName, VK_EXT_MULTI_DRAW_EXTENSION_NAME) == 0) {
            VkPhysicalDeviceMultiDrawFeaturesEXT multi_draw{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MULTI_DRAW_FEATURES_EXT};
            VkPhysicalDeviceFeatures2 query{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
            query.pNext = &multi_draw;
            vkGetPhysicalDeviceFeatures2(ctx.physical_device, &query);
            ctx.multi_draw = multi_draw.multiDraw;
        }
    ctx.enabled.pipelineStatisticsQuery = supported.features.pipelineStatisticsQuery;
    ctx.enabled.occlusionQueryPrecise = supported.features.occlusionQueryPrecise;
    ctx.enabled.wideLines = supported.features.wideLines;
    out.section = "device";
    out.line("features: pipelineStatisticsQuery=%u occlusionQueryPrecise=%u wideLines=%u timestamp_valid_bits_positive=%d",
             ctx.enabled.pipelineStatisticsQuery, ctx.enabled.occlusionQueryPrecise, ctx.enabled.wideLines,
             ctx.timestamp_valid_bits > 0);

    const float priority = 1.0f;
    VkDeviceQueueCreateInfo queue_info{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
    queue_info.queueFamilyIndex = ctx.queue_family;
    queue_info.queueCount = 1;
    queue_info.pQueuePriorities = &priority;
    VkPhysicalDeviceMultiDrawFeaturesEXT multi_draw{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MULTI_DRAW_FEATURES_EXT};
    multi_draw.multiDraw = VK_TRUE;
    VkPhysicalDeviceVulkan13Features features13{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES};
    features13.pNext = ctx.multi_draw ? &multi_draw : nullptr;
    features13.dynamicRendering = VK_TRUE;
    features13.synchronization2 = VK_TRUE;
    VkPhysicalDeviceVulkan12Features features12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
    features12.pNext = &features13;
    features12.timelineSemaphore = VK_TRUE;
    VkPhysicalDeviceFeatures2 features{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
    features.pNext = &features12;
    features.features = ctx.enabled;
    VkDeviceCreateInfo device_info{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
    device_info.pNext = &features;
    device_info.queueCreateInfoCount = 1;
    device_info.pQueueCreateInfos = &queue_info;
    const char* multi_draw_extension = VK_EXT_MULTI_DRAW_EXTENSION_NAME;
    if (ctx.multi_draw) {
        device_info.enabledExtensionCount = 1;
        device_info.ppEnabledExtensionNames = &multi_draw_extension;
    }
    VK_CHECK(vkCreateDevice(ctx.physical_device, &device_info, nullptr, &ctx.device));
    vkGetDeviceQueue(ctx.device, ctx.queue_family, 0, &ctx.queue);
}

void destroy_context(Context& ctx) {
    vkDestroyShaderModule(ctx.device, ctx.draw_vert, nullptr);
    vkDestroyShaderModule(ctx.device, ctx.draw_frag, nullptr);
    vkDestroyShaderModule(ctx.device, ctx.template_comp, nullptr);
    vkDestroyDevice(ctx.device, nullptr);
    if (ctx.messenger) {
        auto destroy_messenger = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
            vkGetInstanceProcAddr(ctx.instance, "vkDestroyDebugUtilsMessengerEXT"));
        if (destroy_messenger) destroy_messenger(ctx.instance, ctx.messenger, nullptr);
    }
    vkDestroyInstance(ctx.instance, nullptr);
}


}  // namespace
}  // namespace api_test

using namespace api_test;

int main(int argc, char** argv) {
    if (argc != 5) {
        std::fprintf(stderr, "usage: api_test DRAW_VERT.spv DRAW_FRAG.spv TEMPLATE_COMP.spv OUT.txt\n");
        return 2;
    }
    Context ctx;
    create_context(ctx);
    ctx.draw_vert = ctx.shader(argv[1]);
    ctx.draw_frag = ctx.shader(argv[2]);
    ctx.template_comp = ctx.shader(argv[3]);

    test_secondary_command_buffers(ctx);
    test_queries(ctx);
    ComputeRig rig;
    rig.create(ctx);
    test_compute_template(ctx, rig);
    test_pipeline_cache(ctx, rig);
    rig.destroy_all(ctx);
    test_events(ctx);
    test_timeline(ctx);
    test_image_operations(ctx);
    test_dynamic_state(ctx);
    test_multi_draw(ctx);
    test_resource_queries(ctx);
    test_threads(ctx);

    VK_CHECK(vkDeviceWaitIdle(ctx.device));
    destroy_context(ctx);

    FILE* file = std::fopen(argv[4], "wb");
    const bool written = file && std::fwrite(out.text.data(), 1, out.text.size(), file) == out.text.size();
    if (file && std::fclose(file) != 0) return 1;
    if (!written) {
        std::fprintf(stderr, "cannot write %s\n", argv[4]);
        return 1;
    }
    if (validation_messages) std::fprintf(stderr, "%d validation messages\n", validation_messages);
    std::printf("api: %d checks, %d failed, %d validation messages, %zu bytes of output\n", out.checks, out.failures,
                validation_messages, out.text.size());
    return out.failures || validation_messages ? 1 : 0;
}
