#pragma once
// Includes VkFFT (Vulkan backend) so that it builds against the glslang
// that Debian ships beside it.
//
// Debian 12's libvkfft-dev (1.2.26) initializes glslang's C-interface
// glslang_resource_t positionally with the glslang 11 layout: 92 ints
// (max_lights .. max_mesh_view_count_nv), max_dual_source_draw_buffers_ext,
// limits. glslang-dev 12 inserted nine max_*_ext mesh fields before the last
// two, so in C++ the initializer does not compile ("cannot convert
// brace-enclosed initializer list to int"), and in C it would leave every
// limit false. Instead of editing the system header, VkFFT's two uses of the
// C interface's input types are renamed to the layout it was written for,
// and glslang_shader_create/preprocess/parse are routed through functions
// that convert them to glslang's real types, field by field.
#include <glslang/Include/glslang_c_interface.h>

#include <cstddef>
#include <cstring>

namespace vkfft_glslang_shim {

struct LegacyResource {  // the glslang 11 glslang_resource_t, as VkFFT initializes it
    int leading[92];     // max_lights .. max_mesh_view_count_nv
    int max_dual_source_draw_buffers_ext;
    glslang_limits_t limits;
};
static_assert(offsetof(glslang_resource_t, max_mesh_view_count_nv) == 91 * sizeof(int),
              "glslang_resource_t no longer starts with the 92 ints of glslang 11");

struct LegacyInput {  // glslang_input_t with a LegacyResource
    glslang_source_t language;
    glslang_stage_t stage;
    glslang_client_t client;
    glslang_target_client_version_t client_version;
    glslang_target_language_t target_language;
    glslang_target_language_version_t target_language_version;
    const char* code;
    int default_version;
    glslang_profile_t default_profile;
    int force_default_version_and_profile;
    int forward_compatible;
    glslang_messages_t messages;
    const LegacyResource* resource;
};

// glslang_shader_create keeps a pointer to input->code for preprocess, so
// the converted input lives here, reused by the preprocess and parse calls
// on the same VkFFT input that follow (VkFFT compiles one shader at a time;
// create always converts afresh: the next input may reuse the address).
struct Converted {
    const LegacyInput* key = nullptr;
    glslang_resource_t resource{};
    glslang_input_t input{};
};

inline Converted& convert(const LegacyInput* legacy, bool fresh) {
    static Converted slot;
    if (!fresh && slot.key == legacy) return slot;
    slot = Converted{};
    slot.key = legacy;
    std::memcpy(&slot.resource, legacy->resource->leading, sizeof legacy->resource->leading);
    if constexpr (requires(glslang_resource_t r) { r.max_mesh_output_vertices_ext; }) {
        // glslang's own defaults (glslang/ResourceLimits): unused by compute shaders.
        slot.resource.max_mesh_output_vertices_ext = 256;
        slot.resource.max_mesh_output_primitives_ext = 256;
        slot.resource.max_mesh_work_group_size_x_ext = 128;
        slot.resource.max_mesh_work_group_size_y_ext = 128;
        slot.resource.max_mesh_work_group_size_z_ext = 128;
        slot.resource.max_task_work_group_size_x_ext = 128;
        slot.resource.max_task_work_group_size_y_ext = 128;
        slot.resource.max_task_work_group_size_z_ext = 128;
        slot.resource.max_mesh_view_count_ext = 4;
    }
    slot.resource.max_dual_source_draw_buffers_ext = legacy->resource->max_dual_source_draw_buffers_ext;
    slot.resource.limits = legacy->resource->limits;
    slot.input.language = legacy->language;
    slot.input.stage = legacy->stage;
    slot.input.client = legacy->client;
    slot.input.client_version = legacy->client_version;
    slot.input.target_language = legacy->target_language;
    slot.input.target_language_version = legacy->target_language_version;
    slot.input.code = legacy->code;
    slot.input.default_version = legacy->default_version;
    slot.input.default_profile = legacy->default_profile;
    slot.input.force_default_version_and_profile = legacy->force_default_version_and_profile;
    slot.input.forward_compatible = legacy->forward_compatible;
    slot.input.messages = legacy->messages;
    slot.input.resource = &slot.resource;
    return slot;
}

inline glslang_shader_t* shader_create(const LegacyInput* input) {
    return glslang_shader_create(&convert(input, true).input);
}
inline int shader_preprocess(glslang_shader_t* shader, const LegacyInput* input) {
    return glslang_shader_preprocess(shader, &convert(input, false).input);
}
inline int shader_parse(glslang_shader_t* shader, const LegacyInput* input) {
    return glslang_shader_parse(shader, &convert(input, false).input);
}

}  // namespace vkfft_glslang_shim

#define glslang_resource_t vkfft_glslang_shim::LegacyResource
#define glslang_input_t vkfft_glslang_shim::LegacyInput
#define glslang_shader_create vkfft_glslang_shim::shader_create
#define glslang_shader_preprocess vkfft_glslang_shim::shader_preprocess
#define glslang_shader_parse vkfft_glslang_shim::shader_parse
#ifndef VKFFT_BACKEND
#define VKFFT_BACKEND 0
#endif
#include <vkFFT.h>
#undef glslang_resource_t
#undef glslang_input_t
#undef glslang_shader_create
#undef glslang_shader_preprocess
#undef glslang_shader_parse
