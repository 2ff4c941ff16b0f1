#version 450
// Positions go through the uniform transform; uv and color pass through.
layout(set = 0, binding = 0) uniform Scene {
    mat4 transform;
    vec4 tint;
} scene;

layout(location = 0) in vec3 in_position;
layout(location = 1) in vec2 in_uv;
layout(location = 2) in vec3 in_color;

layout(location = 0) out vec2 uv;
layout(location = 1) out vec3 color;

void main() {
    gl_Position = scene.transform * vec4(in_position, 1.0);
    uv = in_uv;
    color = in_color;
}
