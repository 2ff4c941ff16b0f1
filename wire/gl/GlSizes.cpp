#include "wire/gl/GlSizes.h"

#include <GL/gl.h>
#include <GL/glext.h>

#include <algorithm>

namespace rendersock::wire::gl {
namespace {

__extension__ using Wide = unsigned __int128;
constexpr uint64_t kTooBig = 1ull << 40;  // beyond any array limit

uint64_t clamp(Wide value) { return value > kTooBig ? kTooBig : static_cast<uint64_t>(value); }

// Bytes of a whole pixel for packed types, 0 for per-component types.
uint32_t packed_pixel_bytes(Enum type) {
    switch (type) {
        case GL_UNSIGNED_BYTE_3_3_2:
        case GL_UNSIGNED_BYTE_2_3_3_REV: return 1;
        case GL_UNSIGNED_SHORT_5_6_5:
        case GL_UNSIGNED_SHORT_5_6_5_REV:
        case GL_UNSIGNED_SHORT_4_4_4_4:
        case GL_UNSIGNED_SHORT_4_4_4_4_REV:
        case GL_UNSIGNED_SHORT_5_5_5_1:
        case GL_UNSIGNED_SHORT_1_5_5_5_REV: return 2;
        case GL_UNSIGNED_INT_8_8_8_8:
        case GL_UNSIGNED_INT_8_8_8_8_REV:
        case GL_UNSIGNED_INT_10_10_10_2:
        case GL_UNSIGNED_INT_2_10_10_10_REV:
        case GL_UNSIGNED_INT_24_8:
        case GL_UNSIGNED_INT_10F_11F_11F_REV:
        case GL_UNSIGNED_INT_5_9_9_9_REV: return 4;
        case GL_FLOAT_32_UNSIGNED_INT_24_8_REV: return 8;
        default: return 0;
    }
}

}  // namespace

uint32_t gl_type_size(Enum type) {
    switch (type) {
        case GL_BYTE:
        case GL_UNSIGNED_BYTE: return 1;
        case GL_SHORT:
        case GL_UNSIGNED_SHORT:
        case GL_HALF_FLOAT:
        case 0x8D61: return 2;  // GL_HALF_FLOAT_OES
        case GL_INT:
        case GL_UNSIGNED_INT:
        case GL_FLOAT:
        case GL_FIXED: return 4;
        case GL_DOUBLE: return 8;
        case GL_2_BYTES: return 2;
        case GL_3_BYTES: return 3;
        case GL_4_BYTES: return 4;
        default: return 0;
    }
}

uint32_t gl_format_components(Enum format) {
    switch (format) {
        case GL_RED: case GL_GREEN: case GL_BLUE: case GL_ALPHA: case GL_LUMINANCE:
        case GL_INTENSITY: case GL_DEPTH_COMPONENT: case GL_STENCIL_INDEX: case GL_COLOR_INDEX:
        case GL_RED_INTEGER: case GL_GREEN_INTEGER: case GL_BLUE_INTEGER: case GL_ALPHA_INTEGER:
        case GL_LUMINANCE_INTEGER_EXT:
            return 1;
        case GL_RG: case GL_LUMINANCE_ALPHA: case GL_RG_INTEGER: case GL_DEPTH_STENCIL:
        case GL_LUMINANCE_ALPHA_INTEGER_EXT:
            return 2;
        case GL_RGB: case GL_BGR: case GL_RGB_INTEGER: case GL_BGR_INTEGER:
            return 3;
        case GL_RGBA: case GL_BGRA: case GL_RGBA_INTEGER: case GL_BGRA_INTEGER: case GL_ABGR_EXT:
            return 4;
        default:
            return 0;
    }
}

uint32_t gl_pname_values(Enum pname) {
    switch (pname) {
        case GL_TEXTURE_BORDER_COLOR: case GL_TEXTURE_SWIZZLE_RGBA: case GL_AMBIENT:
        case GL_DIFFUSE: case GL_SPECULAR: case GL_POSITION: case GL_EMISSION:
        case GL_AMBIENT_AND_DIFFUSE: case GL_LIGHT_MODEL_AMBIENT: case GL_FOG_COLOR:
        case GL_TEXTURE_ENV_COLOR: case GL_OBJECT_PLANE: case GL_EYE_PLANE:
        case GL_PATCH_DEFAULT_OUTER_LEVEL:
            return 4;
        case GL_SPOT_DIRECTION: case GL_COLOR_INDEXES: case GL_POINT_DISTANCE_ATTENUATION:
            return 3;
        case GL_PATCH_DEFAULT_INNER_LEVEL:
            return 2;
        default:
            return 1;
    }
}

uint32_t gl_clear_buffer_values(Enum buffer) { return buffer == GL_COLOR ? 4 : 1; }

uint64_t gl_texel_bytes(Enum format, Enum type) {
    if (const uint32_t packed = packed_pixel_bytes(type)) return packed;
    return uint64_t{gl_format_components(format)} * gl_type_size(type);
}

uint64_t gl_indirect_bytes(int64_t drawcount, int64_t stride, uint64_t command_bytes) {
    if (drawcount <= 0) return 0;
    const uint64_t step = stride > 0 ? static_cast<uint64_t>(stride) : command_bytes;
    return clamp(Wide{step} * static_cast<uint64_t>(drawcount - 1) + command_bytes);
}

uint64_t gl_image_bytes(const PixelStore& store, int64_t width, int64_t height, int64_t depth,
                        Enum format, Enum type) {
    if (width <= 0 || height <= 0 || depth <= 0) return 0;
    const uint64_t alignment = store.alignment > 0 ? static_cast<uint64_t>(store.alignment) : 1;
    const uint64_t row_pixels = static_cast<uint64_t>(store.row_length > 0 ? store.row_length : width);
    const uint64_t rows = static_cast<uint64_t>(store.image_height > 0 ? store.image_height : height);
    const uint64_t skip_pixels = static_cast<uint64_t>(std::max(store.skip_pixels, 0));
    const uint64_t skip_rows = static_cast<uint64_t>(std::max(store.skip_rows, 0));
    const uint64_t skip_images = static_cast<uint64_t>(std::max(store.skip_images, 0));
    Wide row_bytes;
    Wide last_row_bytes;
    if (type == GL_BITMAP) {
        const Wide bits = alignment * 8;
        row_bytes = ((Wide{row_pixels} + bits - 1) / bits) * alignment;
        last_row_bytes = (Wide{skip_pixels} + static_cast<uint64_t>(width) + 7) / 8;
    } else {
        uint64_t pixel_bytes = packed_pixel_bytes(type);
        uint64_t element = pixel_bytes;
        if (pixel_bytes == 0) {
            element = gl_type_size(type);
            pixel_bytes = element * gl_format_components(format);
        }
        if (pixel_bytes == 0) return 0;
        row_bytes = Wide{row_pixels} * pixel_bytes;
        if (element < alignment) row_bytes = (row_bytes + alignment - 1) / alignment * alignment;
        last_row_bytes = (Wide{skip_pixels} + static_cast<uint64_t>(width)) * pixel_bytes;
    }
    const Wide image_bytes = row_bytes * rows;
    const Wide total = image_bytes * (skip_images + static_cast<uint64_t>(depth) - 1) +
                       row_bytes * (skip_rows + static_cast<uint64_t>(height) - 1) + last_row_bytes;
    return clamp(total);
}

}  // namespace rendersock::wire::gl
