#include "gl_client/GlConnection.h"

#include <cstdio>
#include <cstring>
#include <mutex>

#include "wire/Message.h"

namespace rendersock::gl_client {

namespace fb = wire::fb;

namespace {

std::string program_name() {
    char name[256] = {};
    if (FILE* f = std::fopen("/proc/self/comm", "r")) {
        if (std::fgets(name, sizeof(name), f)) name[std::strcspn(name, "\n")] = 0;
        std::fclose(f);
    }
    return std::string("gl:") + name;
}

std::unique_ptr<GlHost> connect() {
    auto host = std::make_unique<GlHost>();
    try {
        client::ConnectOptions options;
        options.client_name = program_name();
        host->connection = client::Connection::connect(options);
        if (!host->connection->offers(fb::CapsetType::Virgl)) {
            std::fprintf(stderr, "rendersock: the server at %s offers no OpenGL (virgl) contexts\n",
                         host->connection->address().describe().c_str());
            return nullptr;
        }
        wire::MessageBuilder builder;
        auto reply = host->connection->call(
            builder, fb::CreateCapsetQuery(builder.fbb(), fb::CapsetType::Virgl, wire::gl::kGlCapsetVersion));
        const auto* data = reply.body<fb::CapsetData>();
        wire::gl::GlCapsetHeader header{};
        if (!data || !data->data() || data->data()->size() < sizeof(header)) return nullptr;
        std::memcpy(&header, data->data()->data(), sizeof(header));
        const size_t available = (data->data()->size() - sizeof(header)) / sizeof(wire::gl::GlConfig);
        if (header.magic != wire::gl::kGlCapsetMagic || header.config_size != sizeof(wire::gl::GlConfig))
            return nullptr;
        host->configs.resize(std::min<size_t>(header.config_count, available));
        std::memcpy(host->configs.data(), data->data()->data() + sizeof(header),
                    host->configs.size() * sizeof(wire::gl::GlConfig));
        host->egl_vendor.assign(header.egl_vendor, strnlen(header.egl_vendor, sizeof(header.egl_vendor)));
    } catch (const std::exception& error) {
        std::fprintf(stderr, "rendersock: %s\n", error.what());
        return nullptr;
    }
    return host;
}

}  // namespace

// Never destroyed: EGL displays and GLX state (static too) may still hold
// contexts on this connection while the process exits, and destroy them
// then; the OS closes the socket after everything else.
GlHost* gl_host() {
    static std::once_flag once;
    static GlHost* host = nullptr;
    std::call_once(once, [] { host = connect().release(); });
    return host;
}

}  // namespace rendersock::gl_client
