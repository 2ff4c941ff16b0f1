#pragma once
// The server marks its own environment (and so its serving processes'), and
// rendersock's client drivers refuse to load where they see the mark. Once
// the ICD or the EGL vendor is installed where the host's loaders look, the
// server's own Vulkan or EGL would otherwise pick it as a host driver, which
// would connect back to the server: a process per connection, without end.

#include <cstdlib>

namespace rendersock::wire {

inline constexpr const char* kInsideServerVariable = "RENDERSOCK_INSIDE_SERVER";

inline void mark_inside_server() { setenv(kInsideServerVariable, "1", 1); }
inline bool inside_server() { return std::getenv(kInsideServerVariable) != nullptr; }

}  // namespace rendersock::wire
