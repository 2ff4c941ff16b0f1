#pragma once
// Sizes of GL arrays that depend on other parameters or on pixel-store
// state: the registry's COMPSIZE formulas, written once for the client
// (how much to send) and the server (how much must have arrived).

#include <cstdint>

namespace rendersock::wire::gl {

using Enum = uint32_t;

// A count parameter as an element count (negative counts are GL errors,
// which GL raises before reading anything: they size nothing).
inline uint64_t gl_elements(int64_t count) { return count > 0 ? static_cast<uint64_t>(count) : 0; }

// Bytes of one value of a GL data type (GL_UNSIGNED_SHORT → 2), 0 if unknown.
uint32_t gl_type_size(Enum type);
// Values an input `pname` array holds (GL_TEXTURE_BORDER_COLOR → 4).
uint32_t gl_pname_values(Enum pname);
// Values glClearBuffer*v reads for `buffer` (GL_COLOR → 4).
uint32_t gl_clear_buffer_values(Enum buffer);
// Bytes of one texel of `format`/`type` (clear values).
uint64_t gl_texel_bytes(Enum format, Enum type);
// Bytes read by a multi-draw-indirect of `drawcount` commands.
uint64_t gl_indirect_bytes(int64_t drawcount, int64_t stride, uint64_t command_bytes);

// glPixelStore state for one direction (pack or unpack).
struct PixelStore {
    int32_t row_length = 0;
    int32_t image_height = 0;
    int32_t skip_pixels = 0;
    int32_t skip_rows = 0;
    int32_t skip_images = 0;
    int32_t alignment = 4;
    bool swap_bytes = false;
    bool lsb_first = false;
};

// Bytes from the start pointer to the end of the last byte that GL reads
// (unpack) or writes (pack) for an image of width x height x depth, or 0
// when the format/type pair is unknown or a dimension is not positive.
uint64_t gl_image_bytes(const PixelStore& store, int64_t width, int64_t height, int64_t depth,
                        Enum format, Enum type);

// Components of a pixel format (GL_RGBA → 4), 0 if unknown.
uint32_t gl_format_components(Enum format);

}  // namespace rendersock::wire::gl
