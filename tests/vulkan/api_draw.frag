#version 450
// A flat color from the push constants, for the api_test draws.
layout(push_constant) uniform Push { vec4 color; } push;
layout(location = 0) out vec4 out_color;
void main() {
    out_color = push.color;
}
