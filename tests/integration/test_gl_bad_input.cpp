// Hostile GL streams from a raw client: arrays shorter than their arguments
// say, offsets with no buffer bound, garbage and unknown commands each end
// that client's GL context with an error, while a bogus sync object is only a
// GL error; the server goes on and another client's real GL work completes.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <GL/gl.h>
#include <GL/glext.h>

#include <cstring>
#include <random>

#include "GlOps.h"
#include "tests/support/GlStreamBuilder.h"
#include "tests/support/ServerProcess.h"
#include "wire/client/Context.h"
#include "wire/gl/GlWire.h"
#include "wire/gl/PrivateOps.h"

using namespace rendersock;
using testing::ServerProcess;
namespace fb = wire::fb;
namespace gl = wire::gl;

namespace {

using Stream = testing::GlStreamBuilder;

Stream context_prologue() { return Stream::context_prologue(); }

using testing::connect_to;

// A real GL program through our EGL vendor, in its own process.
pid_t start_gl_program(const ServerProcess& server) {
    pid_t pid = ::fork();
    if (pid == 0) {
        ::setenv("VTEST_SOCKET_NAME", server.socket_path().c_str(), 1);
        ::setenv("__EGL_VENDOR_LIBRARY_FILENAMES", (testing::build_dir() + "/gl_client/rendersock_egl.json").c_str(), 1);
        ::setenv("PIGLIT_PLATFORM", "surfaceless_egl", 1);
        ::setenv("XDG_RUNTIME_DIR", server.directory().c_str(), 1);
        // In a sanitizer build the vendor library brings the runtime along.
        ::setenv("ASAN_OPTIONS", "verify_asan_link_order=0:detect_leaks=0", 1);
        ::freopen("/dev/null", "w", stdout);
        const char* program = "/usr/lib/x86_64-linux-gnu/piglit/bin/fbo-generatemipmap";
        ::execl(program, "fbo-generatemipmap", "-auto", "-fbo", static_cast<char*>(nullptr));
        ::_exit(127);
    }
    return pid;
}

// Submits `stream` and reports whether the server dropped the context.
bool loses_context(client::Connection& connection, const std::vector<std::byte>& stream) {
    client::Context context(connection, fb::CapsetType::Virgl, 1);
    context.submit(0, stream);
    connection.ping();
    return connection.context_lost_reason(context.id()).has_value();
}

}  // namespace

TEST_CASE("hostile GL streams lose their context only, and real GL work goes on") {
    ServerProcess server;
    auto attacker = connect_to(server.address());
    REQUIRE(attacker->offers(fb::CapsetType::Virgl));
    const pid_t program = start_gl_program(server);

    SUBCASE("a valid prologue alone is fine") {
        CHECK_FALSE(loses_context(*attacker, context_prologue().done()));
    }
    SUBCASE("a texture image larger than the bytes sent") {
        const uint32_t four_pixels[4] = {};
        Stream s = context_prologue();
        s.command(gl::kOp_glTexImage2D).value(GL_TEXTURE_2D).value(0).value(GL_RGBA8).value(4096).value(4096)
            .value(0).value(GL_RGBA).value(GL_UNSIGNED_BYTE).array(four_pixels, sizeof(four_pixels));
        CHECK(loses_context(*attacker, s.done()));
    }
    SUBCASE("client indices shorter than the count") {
        const uint16_t indices[2] = {0, 1};
        Stream s = context_prologue();
        s.command(gl::kOp_glDrawElements).value(GL_TRIANGLES).value(30000).value(GL_UNSIGNED_SHORT)
            .array(indices, sizeof(indices));
        CHECK(loses_context(*attacker, s.done()));
    }
    SUBCASE("a pixel offset with no unpack buffer bound") {
        Stream s = context_prologue();
        s.command(gl::kOp_glTexImage2D).value(GL_TEXTURE_2D).value(0).value(GL_RGBA8).value(64).value(64)
            .value(0).value(GL_RGBA).value(GL_UNSIGNED_BYTE).offset(0x7fff0000);
        CHECK(loses_context(*attacker, s.done()));
    }
    SUBCASE("a vertex array offset with no buffer bound") {
        Stream s = context_prologue();
        s.command(gl::kOp_glVertexAttribPointer).value(0).value(4).value(GL_FLOAT).value(0).value(0)
            .offset(0x1000);
        CHECK(loses_context(*attacker, s.done()));
    }
    SUBCASE("an unknown command, and a command with a wrong size") {
        Stream s = context_prologue();
        s.command(gl::kGlOpEnd + 5).value(0);
        CHECK(loses_context(*attacker, s.done()));
        Stream t = context_prologue();
        std::vector<std::byte> bytes = t.done();
        const gl::CommandHeader header{gl::kOp_glClear, 4096};
        bytes.insert(bytes.end(), reinterpret_cast<const std::byte*>(&header),
                     reinterpret_cast<const std::byte*>(&header) + sizeof(header));
        CHECK(loses_context(*attacker, bytes));
    }
    SUBCASE("GL commands before any context exists") {
        Stream s;
        s.command(gl::kOp_glClear).value(GL_COLOR_BUFFER_BIT);
        CHECK(loses_context(*attacker, s.done()));
    }
    SUBCASE("a sync object the client never had is a GL error, not a crash") {
        Stream s = context_prologue();
        s.command(gl::kOp_glClientWaitSync).value(0xdeadbeefcafe).value(0).value(1000);
        s.command(gl::kOp_glDeleteSync).value(77);
        CHECK_FALSE(loses_context(*attacker, s.done()));
    }
    SUBCASE("random bytes after a valid prologue") {
        std::mt19937 random(7);
        int lost = 0;
        for (int round = 0; round < 30; ++round) {
            std::vector<std::byte> stream = context_prologue().done();
            std::vector<std::byte> garbage(16 + random() % 400);
            for (auto& b : garbage) b = static_cast<std::byte>(random());
            if (round % 2) {  // a real command number with a random body
                const gl::CommandHeader header{gl::kFirstGlOp + static_cast<uint32_t>(random() % (gl::kGlOpEnd - gl::kFirstGlOp)),
                                               static_cast<uint32_t>(garbage.size())};
                std::memcpy(garbage.data(), &header, sizeof(header));
            }
            stream.insert(stream.end(), garbage.begin(), garbage.end());
            lost += loses_context(*attacker, stream) ? 1 : 0;
        }
        MESSAGE(lost << " of 30 garbled streams lost their context");
        CHECK(lost > 0);
    }
    attacker->ping();  // the attacker's connection itself is still served
    int status = 0;
    REQUIRE(::waitpid(program, &status, 0) == program);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(server.running());
}
