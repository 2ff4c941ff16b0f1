#version 450
// The benchmark's trivial compute shader: one invocation that almost never
// writes (only when the push constant asks for it), so dispatches cost
// little beyond their recording, submission and scheduling.
layout(local_size_x = 1) in;
layout(std430, binding = 0) buffer Data { uint values[]; } data;
layout(push_constant) uniform Push { uint write; } push;
void main() {
    if (push.write != 0u) data.values[0] = push.write;
}
