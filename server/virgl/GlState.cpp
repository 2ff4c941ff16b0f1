#include "server/virgl/GlState.h"

#include <epoxy/gl.h>

namespace rendersock::server::virgl {
namespace {
bool full_pixel_store = true;

GLint get(GLenum pname) {
    GLint value = 0;
    glGetIntegerv(pname, &value);
    return value;
}
}  // namespace

void set_full_pixel_store(bool full) { full_pixel_store = full; }
bool has_full_pixel_store() { return full_pixel_store; }

wire::gl::PixelStore current_pixel_store(bool pack) {
    wire::gl::PixelStore store;
    store.alignment = get(pack ? GL_PACK_ALIGNMENT : GL_UNPACK_ALIGNMENT);
    if (!full_pixel_store) return store;
    store.row_length = get(pack ? GL_PACK_ROW_LENGTH : GL_UNPACK_ROW_LENGTH);
    store.skip_pixels = get(pack ? GL_PACK_SKIP_PIXELS : GL_UNPACK_SKIP_PIXELS);
    store.skip_rows = get(pack ? GL_PACK_SKIP_ROWS : GL_UNPACK_SKIP_ROWS);
    store.image_height = get(pack ? GL_PACK_IMAGE_HEIGHT : GL_UNPACK_IMAGE_HEIGHT);
    store.skip_images = get(pack ? GL_PACK_SKIP_IMAGES : GL_UNPACK_SKIP_IMAGES);
    return store;
}

}  // namespace rendersock::server::virgl
