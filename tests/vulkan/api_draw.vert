#version 450
// Positions straight from the vertex buffer, for the api_test draws.
layout(location = 0) in vec3 in_position;
void main() {
    gl_Position = vec4(in_position, 1.0);
}
