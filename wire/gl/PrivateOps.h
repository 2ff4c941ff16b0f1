#pragma once
// rendersock's own commands in the GL stream (below kFirstGlOp): what EGL
// and GLX do on the client that the host context must follow, and what the
// client implements on top of GL (client-side arrays, buffer mappings).
// Same encoding as GL commands: value slots, then arrays.

#include <cstdint>

namespace rendersock::wire::gl {

enum PrivateOp : uint32_t {
    // api, major, minor, profile mask, flags, share context id, config id
    // -> value: 0 or an EGL error code. First command of every context.
    kOpCreateContext = 1,
    // draw surface id, width, height, read surface id, width, height,
    // config id (surface 0: none) -> value: 0 or an EGL error code.
    kOpMakeCurrent = 2,
    kOpDestroySurface = 3,     // surface id
    // surface id, blob id, width, height, stride -> empty answer once the
    // surface's pixels (BGRA, bottom row first) are in the blob.
    kOpPresent = 4,
    kOpGetString = 5,          // name, index (-1: glGetString) -> bytes
    // kind, index, size, type, normalized, stride, offset; [bytes]: data
    // for a client-side array, placed at `offset` of a scratch buffer.
    kOpClientArray = 6,
    // count, type, offset -> values: lowest and highest index read from
    // the bound element array buffer.
    kOpIndexRange = 7,
    // target, offset, length, access, blob id -> value: 1 if mapped;
    // [bytes]: the range's contents (unless the application gave them up),
    // or nothing when they were put in the blob (id not 0).
    kOpMapBufferRange = 8,
    // target, write back; [bytes]: written data (null when the mapping
    // is a blob: then the blob is written back) -> value
    kOpUnmapBuffer = 9,
    // target, offset, length; [bytes]: the range (null with a blob)
    kOpFlushMappedRange = 10,
    // kind (0 select, 1 feedback), size in values, feedback type: the host
    // context gets a buffer of its own.
    kOpSelectBuffer = 11,
    // mode -> values: glRenderMode's result, the mode left; [bytes]: the
    // selection or feedback buffer when that mode was left.
    kOpRenderMode = 12,
    // blob id, width, height, DRM fourcc, offset, stride, modifier
    // (DRM_FORMAT_MOD_INVALID: implicit) -> value: 0 or an EGL error code. A DRM buffer attached to this context (BlobAttach)
    // becomes the storage of the texture bound to GL_TEXTURE_2D: an
    // EGLImage of its dma-buf (EGL_EXT_image_dma_buf_import), no copy.
    kOpImageFromBlob = 13,
};

enum ClientArrayKind : uint32_t {
    kGenericArray = 0,  // glVertexAttribPointer; index = attribute
    kGenericIntegerArray = 1,
    kVertexArray = 2,
    kNormalArray = 3,
    kColorArray = 4,
    kTexCoordArray = 5,  // index = texture unit
    kSecondaryColorArray = 6,
    kFogCoordArray = 7,
    kEdgeFlagArray = 8,
    kIndexArray = 9,
    kClientArrayKinds = 10,
};

enum ContextApi : uint32_t { kApiOpenGL = 0, kApiOpenGLES = 1 };

}  // namespace rendersock::wire::gl
