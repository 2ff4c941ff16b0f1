#version 450
// Texture, modulated by the vertex color and the uniform tint.
layout(set = 0, binding = 0) uniform Scene {
    mat4 transform;
    vec4 tint;
} scene;
layout(set = 0, binding = 1) uniform sampler2D checker;

layout(location = 0) in vec2 uv;
layout(location = 1) in vec3 color;

layout(location = 0) out vec4 out_color;

void main() {
    out_color = texture(checker, uv) * vec4(color, 1.0) * scene.tint;
}
