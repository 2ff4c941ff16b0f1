// virgl_test_server: the rendersock render server.
#include <csignal>
#include <cstdio>
#include <exception>

#include "server/Options.h"
#include "server/Server.h"
#include "wire/InsideServer.h"
#include "wire/Log.h"

int main(int argc, char** argv) {
    using namespace rendersock;
    wire::mark_inside_server();  // before any host driver can load
    auto parsed = server::parse_options(argc, argv);
    if (!parsed.options) return parsed.exit_code;
    log::set_tag("virgl_test_server");
    log::set_level(parsed.options->log_level);
    // A client that vanishes mid-write must not kill the server.
    std::signal(SIGPIPE, SIG_IGN);
    try {
        server::Server server(*parsed.options);
        return server.run();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "virgl_test_server: %s\n", e.what());
        return 1;
    }
}
