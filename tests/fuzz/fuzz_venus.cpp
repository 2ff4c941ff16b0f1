// fuzz_venus: Venus command streams into a real VenusContext on the host's
// Vulkan (lavapipe here). The context is created through VenusContextType as
// the server does; every input gets a fresh context whose stream starts with
// a valid vkCreateInstance, so the fuzzer's commands reach the host.
//
// RENDERSOCK_FUZZ_REUSE_CONTEXT=1 keeps one context while submits succeed
// (faster, less faithful: state carries over between inputs).
// RENDERSOCK_FUZZ_VERBOSE=1 prints each submit's Status (seed checks).
#include <cstdlib>
#include <cstring>

#include "server/Options.h"
#include "server/venus/VenusContextType.h"
#include "tests/fuzz/FuzzSupport.h"
#include "wire/Log.h"

using namespace rendersock;

namespace {

struct Venus {
    server::Options options;
    server::venus::VenusContextType type{options};
    fuzz::NoBlobHost host;
    std::vector<std::byte> instance = fuzz::create_instance_stream();
    std::unique_ptr<server::Context> reused;
    bool reuse = false;
    bool verbose = std::getenv("RENDERSOCK_FUZZ_VERBOSE") != nullptr;
};

Venus* venus = nullptr;

std::unique_ptr<server::Context> create_context() {
    server::Status status;
    server::ContextCreateInfo info{1, 1, "fuzz", venus->host};
    auto context = venus->type.create(info, status);
    if (!context) {
        std::fprintf(stderr, "fuzz_venus: no Venus context: %s\n", status.message.c_str());
        std::abort();
    }
    return context;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    log::set_level(log::Level::Error);
    venus = new Venus();
    const char* reuse = std::getenv("RENDERSOCK_FUZZ_REUSE_CONTEXT");
    venus->reuse = reuse && std::strcmp(reuse, "1") == 0;
    if (auto reason = venus->type.unavailable_reason()) {
        std::fprintf(stderr, "fuzz_venus: Venus unavailable: %s\n", reason->c_str());
        std::abort();
    }
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::span<const std::byte> input(reinterpret_cast<const std::byte*>(data), size);
    std::vector<std::byte> reply;
    if (venus->reuse) {
        std::vector<std::byte> stream;
        if (!venus->reused) {
            venus->reused = create_context();
            stream = venus->instance;
        }
        stream.insert(stream.end(), input.begin(), input.end());
        server::Status status = venus->reused->submit(0, stream, &reply);
        if (!status.is_ok()) venus->reused.reset();  // the server loses the context too
        return 0;
    }
    auto context = create_context();
    std::vector<std::byte> stream = venus->instance;
    stream.insert(stream.end(), input.begin(), input.end());
    server::Status status = context->submit(0, stream, &reply);
    if (venus->verbose)
        std::fprintf(stderr, "fuzz_venus: submit: %s (%zu reply bytes)\n",
                     status.is_ok() ? "ok" : status.message.c_str(), reply.size());
    return 0;
}
