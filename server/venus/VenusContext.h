#pragma once
// A Venus (Vulkan) context: decodes the client's Venus command stream with
// the generated tables and runs each command on the host's Vulkan through
// the generated call stubs. Object ids are the client's; ObjectTable maps
// them to host handles. Hand-written handlers (VenusCommands.cpp) cover the
// commands with real semantics: instance and device creation, physical
// device enumeration, and objects owned by pools.

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "server/Blob.h"
#include "server/ContextRegistry.h"
#include "server/venus/CommandProfile.h"
#include "server/venus/DescriptorLayouts.h"
#include "server/venus/ObjectTable.h"
#include "server/venus/RecordedReferences.h"
#include "server/venus/ResourceBounds.h"
#include "server/venus/VulkanHost.h"
#include "wire/venus/Decoder.h"
#include "wire/venus/Encoder.h"

namespace rendersock::server::venus {

class VenusContext final : public Context,
                           private wire::venus::HandleResolver,
                           private wire::venus::HandleIds {
public:
    // With `import_host_memory` false, blobs are never imported as host
    // memory: every host-visible allocation takes the mirrored path.
    VenusContext(const ContextCreateInfo& info, std::shared_ptr<VulkanHost> host,
                 bool import_host_memory);
    ~VenusContext() override;

    fb::CapsetType type() const override { return fb::CapsetType::Venus; }
    Status accepts_dma_buf() const override;
    Status submit(uint32_t ring, std::span<const std::byte> stream,
                  std::vector<std::byte>* reply) override;

    // One decoded command, as the handlers see it.
    struct Call {
        uint32_t index;
        const wire::venus::CommandType& type;
        uint64_t* slots;
        uint64_t result = 0;
        const std::vector<wire::venus::CreatedHandle>& created;
        const std::vector<wire::venus::NamedHandle>& named;
        // The client id of the first handle in parameter `param`, or 0.
        uint64_t id(uint16_t param) const {
            for (const auto& handle : named)
                if (handle.param == param) return handle.id;
            return 0;
        }
        // The client id of the first handle of type `handle_type` anywhere.
        uint64_t id_of_type(uint16_t handle_type) const {
            for (const auto& handle : named)
                if (handle.type == handle_type) return handle.id;
            return 0;
        }
    };
    using Handler = Status (VenusContext::*)(Call& call);

private:
    Status execute(uint32_t index, uint32_t flags, std::span<const std::byte> body,
                   std::vector<std::byte>* reply);
    Status call_host(Call& call);
    Status execute_streamlined(uint32_t index, std::span<const std::byte> body);
    Status register_created(Call& call, uint64_t parent);
    void forget_destroyed(const Call& call);
    PFN_vkVoidFunction host_function(uint32_t index);
    // Device commands go through the loader's trampolines, which jump to
    // whatever the device's table holds: a command the device does not have
    // (an extension not enabled) must be refused before that jump.
    void note_device_functions(VkDevice device);
    bool device_has(uint32_t index) const;

    // HandleResolver / HandleIds
    bool resolve(uint16_t type, uint64_t id, uint64_t& host) override;
    uint64_t id_of(uint16_t handle_type, uint64_t native) override;

    // Hand-written commands (VenusCommands.cpp).
    static const std::unordered_map<uint32_t, Handler>& handlers();
    // handlers() as a table indexed by command, and which commands destroy.
    static const std::vector<Handler>& handler_table();
    // A table of handlers by command index, from a map of some of them.
    static std::vector<Handler> by_command(const std::unordered_map<uint32_t, Handler>& handlers);
    static const std::vector<bool>& destroy_table();
    Status create_instance(Call& call);
    Status enumerate_physical_devices(Call& call);
    Status create_device(Call& call);
    Status create_shader_module(Call& call);
    Status create_compute_pipelines(Call& call);
    Status create_graphics_pipelines(Call& call);
    Status check_stage(const char* command, const VkPipelineShaderStageCreateInfo& stage, VkPipelineLayout layout);
    Status allocate_from_pool(Call& call);
    Status reset_descriptor_pool(Call& call);
    Status allocate_memory(Call& call);
    Status free_memory(Call& call);
    void release_left_devices();
    void enable_robust_buffer_access(VkPhysicalDevice physical_device, VkDeviceCreateInfo& info,
                                     VkPhysicalDeviceFeatures& features);

    // BoundsChecks.cpp: buffer and memory ranges checked before the host
    // follows them, and what they are checked against.
    static const std::unordered_map<uint32_t, Handler>& bounds_checks();
    static const std::vector<Handler>& bounds_check_table();
    static bool tracks_resources(uint32_t index);
    // RecordedReferences: what command buffers recorded, checked at submit.
    static const std::vector<bool>& records_references();
    Status note_references(const Call& call);
    void record_reference(uint64_t command_buffer, uint64_t id, uint16_t type);
    void track_resources(const Call& call, const uint64_t* decoded);
    static Status out_of_bounds(const Call& call, const std::string& reason);
    Status check_range(const Call& call, uint64_t buffer, uint64_t offset, uint64_t size, std::string_view what);
    Status check_buffer_binding(const Call& call, VkDevice device, VkBuffer buffer, VkDeviceMemory memory,
                                VkDeviceSize offset);
    Status check_image_binding(const Call& call, VkDevice device, VkImage image, VkDeviceMemory memory,
                               VkDeviceSize offset, bool whole_image);
    Status check_bind_buffer_memory(Call& call);
    Status check_bind_buffer_memory2(Call& call);
    Status check_bind_image_memory(Call& call);
    Status check_bind_image_memory2(Call& call);
    Status check_update_descriptor_sets(Call& call);
    Status check_create_buffer_view(Call& call);
    Status check_copy_buffer(Call& call);
    Status check_copy_buffer2(Call& call);
    Status check_fill_buffer(Call& call);
    Status check_update_buffer(Call& call);
    Status check_bind_vertex_buffers(Call& call);
    Status check_bind_index_buffer(Call& call);
    Status check_draw_indirect(Call& call);
    Status check_draw_indirect_count(Call& call);
    Status check_dispatch_indirect(Call& call);
    Status check_copy_query_pool_results(Call& call);
    static uint64_t query_record_bytes(VkQueryResultFlags flags);
    Status check_one_query(Call& call);
    Status check_query_range(Call& call);
    Status check_get_query_pool_results(Call& call);
    static Status check_reason(const Call& call, const std::string& reason);
    Status check_buffer_image_regions(const Call& call, uint64_t buffer, uint64_t image, uint32_t count,
                                      const VkBufferImageCopy* regions, const VkBufferImageCopy2* regions2);
    Status check_image_pair(const Call& call, uint64_t source, uint64_t destination,
                            const VkImageSubresourceLayers& source_layers, VkOffset3D source_offset,
                            const VkImageSubresourceLayers& destination_layers, VkOffset3D destination_offset,
                            VkExtent3D extent);
    Status check_blit(const Call& call, uint64_t source, uint64_t destination,
                      const VkImageSubresourceLayers& source_layers, const VkOffset3D source_corners[2],
                      const VkImageSubresourceLayers& destination_layers, const VkOffset3D destination_corners[2]);
    Status check_copy_buffer_to_image(Call& call);
    Status check_copy_image_to_buffer(Call& call);
    Status check_copy_buffer_to_image2(Call& call);
    Status check_copy_image_to_buffer2(Call& call);
    Status check_copy_image(Call& call);
    template <typename Info>
    Status check_image_pairs(const Call& call, const Info* info);
    Status check_copy_image2(Call& call);
    Status check_resolve_image2(Call& call);
    Status check_blit_image(Call& call);
    Status check_blit_image2(Call& call);
    Status check_clear_image(Call& call);
    Status check_create_image_view(Call& call);
    Status allocate_device_memory(Call& call);
    Status import_blob(std::span<const std::byte> body);
    // VenusMemory.cpp: blobs as host memory, imported or mirrored.
    bool can_import(VkDevice device, uint32_t memory_type, void* pointer);
    Status mirror_memory(Call& call, std::shared_ptr<Blob> blob);
    void mirrors_to_host();
    void mirrors_from_host();
    bool is_submit(uint32_t index) const;
    bool is_wait(uint32_t index) const;

    uint32_t ctx_id_;
    ContextHost& host_io_;
    std::shared_ptr<VulkanHost> host_;
    ObjectTable objects_;
    ResourceBounds bounds_;
    DescriptorLayouts descriptors_;
    // The descriptor slots each shader module's code uses (ShaderChecks.cpp).
    std::unordered_map<uint64_t, std::vector<DescriptorSlot>> module_slots_;
    RecordedReferences recorded_;
    VkInstance instance_ = VK_NULL_HANDLE;
    std::vector<PFN_vkVoidFunction> functions_;
    std::vector<bool> device_functions_;  // on some device of this context
    wire::venus::Arena arena_;
    wire::venus::Decoder decoder_;
    // Host memory imported from blobs keeps its blob alive.
    std::shared_ptr<Blob> pending_import_;
    std::unordered_map<uint64_t, std::shared_ptr<Blob>> imported_;
    std::unordered_map<uint64_t, uint64_t> charged_memory_;  // memory id -> bytes (device budget)
    // Where import is impossible, the host memory is ordinary device memory
    // mapped here and the blob a mirror, copied at submits and waits.
    struct Mirror {
        std::shared_ptr<Blob> blob;
        VkDevice device;
        VkDeviceMemory memory;
        std::byte* host;
        uint64_t size;
    };
    std::unordered_map<uint64_t, Mirror> mirrors_;
    bool import_host_memory_;
    CommandProfile profile_;
    std::vector<bool> streamlined_;  // commands execute_streamlined() may take
};

}  // namespace rendersock::server::venus
