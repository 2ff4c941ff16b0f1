#pragma once
// The process's connection to the server, shared by the EGL and GLX
// vendors, and the host's configs from the virgl capset.

#include <memory>
#include <string>
#include <vector>

#include "wire/client/Connection.h"
#include "wire/gl/GlCapset.h"

namespace rendersock::gl_client {

struct GlHost {
    std::unique_ptr<client::Connection> connection;
    std::vector<wire::gl::GlConfig> configs;
    std::string egl_vendor;
};

// Connects on first use; null (with one line on stderr naming the socket)
// when no server answers or it has no GL.
GlHost* gl_host();

}  // namespace rendersock::gl_client
