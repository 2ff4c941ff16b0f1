#version 450
// api_test: a uniform buffer, a storage buffer, a uniform texel buffer and a
// storage texel buffer (all written through a descriptor update template),
// specialization constants (the workgroup size, a multiplier, a bias) and
// push constants.
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint MUL = 1u;
layout(constant_id = 2) const int BIAS = 0;
layout(std140, set = 0, binding = 0) uniform Params { uvec4 base; } params;
layout(std430, set = 0, binding = 1) buffer Out { uint values[]; } out_buffer;
layout(set = 0, binding = 2) uniform usamplerBuffer texels;
layout(set = 0, binding = 3, r32ui) uniform uimageBuffer storage_texels;
layout(push_constant) uniform Push { uint add; uint count; } push;
void main() {
    uint i = gl_GlobalInvocationID.x;
    if (i >= push.count) return;
    uint t = texelFetch(texels, int(i)).x;
    uint s = imageLoad(storage_texels, int(i)).x;
    out_buffer.values[i] = params.base.x + t * MUL + push.add + uint(int(s) + BIAS) +
                           gl_WorkGroupSize.x * 1000000u + params.base.y * gl_WorkGroupID.x;
    imageStore(storage_texels, int(i), uvec4(s * 2u + i));
}
