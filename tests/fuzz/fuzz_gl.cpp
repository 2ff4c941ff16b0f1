// fuzz_gl: GL streams into a real VirglContext on the host's EGL (llvmpipe
// here), created through VirglContextType as the server does. Every input
// gets a fresh context whose stream starts with a valid create-context and
// make-current, so the fuzzer's commands reach the host driver.
// RENDERSOCK_FUZZ_VERBOSE=1 prints each submit's Status (seed checks).
#include <cstdlib>

#include "server/Options.h"
#include "server/virgl/VirglContextType.h"
#include "tests/fuzz/FuzzSupport.h"
#include "tests/support/GlStreamBuilder.h"
#include "wire/Log.h"

using namespace rendersock;

namespace {

struct Gl {
    server::Options options;
    server::virgl::VirglContextType type{options};
    fuzz::NoBlobHost host;
    std::vector<std::byte> prologue = testing::GlStreamBuilder::context_prologue().done();
    bool verbose = std::getenv("RENDERSOCK_FUZZ_VERBOSE") != nullptr;
};

Gl* gl = nullptr;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    log::set_level(log::Level::Error);
    gl = new Gl();
    if (auto reason = gl->type.unavailable_reason()) {
        std::fprintf(stderr, "fuzz_gl: GL unavailable: %s\n", reason->c_str());
        std::abort();
    }
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    server::Status status;
    server::ContextCreateInfo info{1, 1, "fuzz", gl->host};
    auto context = gl->type.create(info, status);
    if (!context) {
        std::fprintf(stderr, "fuzz_gl: no GL context: %s\n", status.message.c_str());
        std::abort();
    }
    std::vector<std::byte> stream = gl->prologue;
    const auto* bytes = reinterpret_cast<const std::byte*>(data);
    stream.insert(stream.end(), bytes, bytes + size);
    std::vector<std::byte> reply;
    status = context->submit(0, stream, &reply);
    if (gl->verbose)
        std::fprintf(stderr, "fuzz_gl: submit: %s (%zu reply bytes)\n",
                     status.is_ok() ? "ok" : status.message.c_str(), reply.size());
    return 0;
}
