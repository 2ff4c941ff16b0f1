#pragma once
// Whether the host's EGL really reads the render node's buffers. Some hosts
// import a dma-buf without complaint and then read something else: Mesa's
// kms_swrast on virtio-gpu's render node (no 3D) reads zeros, because it
// cannot map the node's buffers there. Before the first DRM buffer becomes a
// GL texture, the server writes a pattern into a small buffer of its own,
// allocated the way DRM contexts allocate clients' buffers, imports it as
// the texture path would and reads it back; a host that reads it wrong is
// refused with the numbers, never used silently.

#include <epoxy/egl.h>

#include <optional>
#include <string>

namespace rendersock::server::virgl {

// Null when the import reads back what was written, or when no probe
// buffer can be made on `node` (nothing to judge by); else why sharing
// DRM buffers with GL cannot work on this host.
std::optional<std::string> find_dma_buf_read_problem(EGLDisplay display, EGLConfig config,
                                                     const std::string& node);

}  // namespace rendersock::server::virgl
