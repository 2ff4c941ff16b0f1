#version 450
// out[i] = in[i] * scale + i, for the compute test.
layout(local_size_x = 64) in;
layout(std430, binding = 0) readonly buffer Input { uint values[]; } input_buffer;
layout(std430, binding = 1) writeonly buffer Output { uint values[]; } output_buffer;
layout(push_constant) uniform Push { uint scale; uint count; } push;
void main() {
    uint i = gl_GlobalInvocationID.x;
    if (i < push.count) output_buffer.values[i] = input_buffer.values[i] * push.scale + i;
}
