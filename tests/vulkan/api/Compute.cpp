// api_test sections: descriptor update templates, specialization, pipeline caches.
#include "api/ApiSupport.h"
#include "api/ComputeRig.h"

namespace api_test {

void test_compute_template(Context& ctx, ComputeRig& rig) {
    out.section = "compute";
    const ComputeRig::Spec first{16, 3, -5}, second{32, 1, 0};
    VkPipeline a = rig.pipeline(ctx, first, VK_NULL_HANDLE);
    rig.run(ctx, a, first, 7, "spec16_mul3_bias-5_add7");
    VkPipeline b = rig.pipeline(ctx, second, VK_NULL_HANDLE);
    rig.run(ctx, b, second, 0, "spec32_mul1_bias0_add0");
    vkDestroyPipeline(ctx.device, a, nullptr);
    vkDestroyPipeline(ctx.device, b, nullptr);
}

// ======================================================== pipeline cache --

struct CacheHeader {
    uint32_t header_size;
    uint32_t header_version;
    uint32_t vendor_id;
    uint32_t device_id;
    uint8_t uuid[VK_UUID_SIZE];
};

void record_cache(const Context& ctx, VkPipelineCache cache, const char* label, std::vector<uint8_t>* data_out) {
    size_t size = 0;
    VK_CHECK(vkGetPipelineCacheData(ctx.device, cache, &size, nullptr));
    std::vector<uint8_t> data(size);
    VkResult result = VK_SUCCESS;
    if (size) {
        result = vkGetPipelineCacheData(ctx.device, cache, &size, data.data());
        data.resize(size);
    }
    // Too small a buffer: VK_INCOMPLETE (writing nothing past what fits).
    size_t small = 8;
    uint8_t small_data[8];
    const VkResult small_result = vkGetPipelineCacheData(ctx.device, cache, &small, small_data);
    CacheHeader header{};
    if (data.size() >= sizeof(header)) std::memcpy(&header, data.data(), sizeof(header));
    std::string name;
    out.line("%s: get_data=%d size_positive=%d small_buffer_result=%d small_size=%zu", label, result, size > 0,
             small_result, small);
    out.line("%s: header_size=%u header_version=%u vendor_match=%d device_match=%d uuid_match=%d", label,
             header.header_size, header.header_version, header.vendor_id == ctx.properties.vendorID,
             header.device_id == ctx.properties.deviceID,
             std::memcmp(header.uuid, ctx.properties.pipelineCacheUUID, VK_UUID_SIZE) == 0);
    name = std::string(label) + " data";
    out.check(result == VK_SUCCESS && size >= sizeof(header) && header.header_size == 32 &&
                  header.header_version == VK_PIPELINE_CACHE_HEADER_VERSION_ONE &&
                  header.vendor_id == ctx.properties.vendorID && header.device_id == ctx.properties.deviceID &&
                  std::memcmp(header.uuid, ctx.properties.pipelineCacheUUID, VK_UUID_SIZE) == 0,
              name.c_str());
    name = std::string(label) + " small buffer incomplete";
    out.check(small_result == VK_INCOMPLETE || (size <= 8 && small_result == VK_SUCCESS), name.c_str());
    if (data_out) *data_out = std::move(data);
}

void test_pipeline_cache(Context& ctx, ComputeRig& rig) {
    out.section = "pipeline_cache";
    VkPipelineCacheCreateInfo info{VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO};
    VkPipelineCache first;
    VK_CHECK(vkCreatePipelineCache(ctx.device, &info, nullptr, &first));
    const ComputeRig::Spec spec{8, 5, 2};
    VkPipeline a = rig.pipeline(ctx, spec, first);
    std::vector<uint8_t> data;
    record_cache(ctx, first, "first", &data);

    info.initialDataSize = data.size();
    info.pInitialData = data.data();
    VkPipelineCache second;
    VK_CHECK(vkCreatePipelineCache(ctx.device, &info, nullptr, &second));
    VkPipeline b = rig.pipeline(ctx, spec, second);
    record_cache(ctx, second, "second", nullptr);
    rig.run(ctx, b, spec, 11, "from_loaded_cache");

    VkPipelineCacheCreateInfo empty_info{VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO};
    VkPipelineCache merged;
    VK_CHECK(vkCreatePipelineCache(ctx.device, &empty_info, nullptr, &merged));
    const VkPipelineCache sources[2] = {first, second};
    const VkResult merge = vkMergePipelineCaches(ctx.device, merged, 2, sources);
    out.line("merge: %d", merge);
    out.check(merge == VK_SUCCESS, "vkMergePipelineCaches");
    record_cache(ctx, merged, "merged", nullptr);
    VkPipeline c = rig.pipeline(ctx, spec, merged);
    rig.run(ctx, c, spec, 11, "from_merged_cache");

    for (VkPipeline pipeline : {a, b, c}) vkDestroyPipeline(ctx.device, pipeline, nullptr);
    for (VkPipelineCache cache : {first, second, merged}) vkDestroyPipelineCache(ctx.device, cache, nullptr);
}

// ================================================================ events --


}  // namespace api_test
