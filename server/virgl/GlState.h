#pragma once
// Host GL state the server reads to size what a command touches, asking
// only for what the current context's API has (a query it lacks would
// leave an error behind for the client's glGetError).

#include "wire/gl/GlSizes.h"

namespace rendersock::server::virgl {

// Set when a context becomes current: whether it has the full pixel-store
// state (desktop GL, GLES 3) or just the alignments (GLES 2).
void set_full_pixel_store(bool full);
bool has_full_pixel_store();
wire::gl::PixelStore current_pixel_store(bool pack);

}  // namespace rendersock::server::virgl
