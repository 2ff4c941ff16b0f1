#pragma once
// GL types and enums for the client (no prototypes: every GL function the
// client has is its own, handed to glvnd by name).
#include <GL/gl.h>
#include <GL/glext.h>
