// fuzz_drm: DRM command streams into a real DrmContext on a real DRM node,
// created through DrmContextType as the server does. There is no node on
// the build machines: scripts/fuzz runs this target inside the test VM
// (scripts/drm-vm), on $RENDERSOCK_FUZZ_DRM_NODE (default: the first card
// node, which can allocate as well as sync). A context is costly to make
// (each opens the node and a GBM device: a llvmpipe screen), so one serves
// up to 64 inputs in a row, as one client's stream would, and is replaced
// sooner when an input ends it as the server would (a malformed stream).
// An input's first byte says which fds travel with its stream (bit 0 a
// memfd, bit 1 an eventfd: neither is a dma-buf or a sync_file, so imports
// must refuse them cleanly); the rest is the stream.
// RENDERSOCK_FUZZ_VERBOSE=1 prints each submit's Status (seed checks).
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "server/Options.h"
#include "server/drm/DrmContextType.h"
#include "tests/fuzz/FuzzSupport.h"
#include "wire/Log.h"

using namespace rendersock;

namespace {

constexpr int kInputsPerContext = 64;

struct Drm {
    server::Options options;
    std::unique_ptr<server::drm::DrmContextType> type;
    fuzz::NoBlobHost host;
    std::unique_ptr<server::Context> context;
    int inputs_on_context = 0;
    bool verbose = std::getenv("RENDERSOCK_FUZZ_VERBOSE") != nullptr;
};

Drm* drm = nullptr;

std::vector<shm::UniqueFd> fds_to_take(uint8_t which) {
    std::vector<shm::UniqueFd> fds;
    if (which & 1) fds.emplace_back(memfd_create("fuzz_drm", MFD_CLOEXEC));
    if (which & 2) fds.emplace_back(eventfd(0, EFD_CLOEXEC));
    return fds;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    log::set_level(log::Level::Error);
    drm = new Drm();
    const char* node = std::getenv("RENDERSOCK_FUZZ_DRM_NODE");
    drm->options.render_node = node ? node : "/dev/dri/card0";
    drm->type = std::make_unique<server::drm::DrmContextType>(drm->options);
    if (auto reason = drm->type->unavailable_reason()) {
        std::fprintf(stderr, "fuzz_drm: DRM unavailable: %s\n", reason->c_str());
        std::abort();
    }
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    server::Status status;
    if (!drm->context || drm->inputs_on_context >= kInputsPerContext) {
        drm->context.reset();
        server::ContextCreateInfo info{1, 2, "fuzz", drm->host, true};
        drm->context = drm->type->create(info, status);
        drm->inputs_on_context = 0;
        if (!drm->context) {
            std::fprintf(stderr, "fuzz_drm: no DRM context: %s\n", status.message.c_str());
            std::abort();
        }
    }
    if (size == 0) return 0;
    ++drm->inputs_on_context;
    const std::span stream(reinterpret_cast<const std::byte*>(data) + 1, size - 1);
    std::vector<std::byte> reply;
    std::vector<shm::UniqueFd> fds_in = fds_to_take(data[0]), fds_out;
    status = drm->context->submit_with_fds(0, stream, &reply, fds_in, fds_out);
    if (!status.is_ok()) drm->context.reset();  // the server ends such a context
    if (drm->verbose)
        std::fprintf(stderr, "fuzz_drm: submit: %s (%zu reply bytes, %zu fds out)\n",
                     status.is_ok() ? "ok" : status.message.c_str(), reply.size(), fds_out.size());
    return 0;
}
