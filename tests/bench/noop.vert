#version 450
// A tiny triangle from gl_VertexIndex alone (no vertex buffers), for the
// benchmark's draw rate.
void main() {
    vec2 corners[3] = vec2[](vec2(-1.0, -1.0), vec2(3.0, -1.0), vec2(-1.0, 3.0));
    gl_Position = vec4(corners[gl_VertexIndex] * 0.05, 0.0, 1.0);
}
