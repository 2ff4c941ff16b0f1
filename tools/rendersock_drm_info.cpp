// rendersock-drm-info: the first thing to run to check the DRM path. Prints
// the server's render node (driver, caps), the formats and modifiers it can
// allocate, and runs a buffer round trip (create, write through one mapping,
// read through another) and a syncobj round trip (signal, wait, timeline
// query, sync_file export and import where fds travel).
#include <drm_fourcc.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "wire/client/DrmContext.h"

namespace {

using namespace rendersock;
namespace dw = wire::drm;

int failures = 0;

void report(bool ok, const std::string& what, const std::string& detail = {}) {
    std::printf("  %-44s %s%s%s\n", what.c_str(), ok ? "ok" : "FAILED", detail.empty() ? "" : "  ",
                detail.c_str());
    if (!ok) ++failures;
}

std::string fourcc(uint32_t format) {
    std::string name;
    for (int shift = 0; shift < 32; shift += 8) name += static_cast<char>((format >> shift) & 0xff);
    return name;
}

std::string modifier_name(uint64_t modifier) {
    if (modifier == DRM_FORMAT_MOD_LINEAR) return "LINEAR";
    if (modifier == DRM_FORMAT_MOD_INVALID) return "implicit";
    char text[32];
    std::snprintf(text, sizeof(text), "0x%016llx", static_cast<unsigned long long>(modifier));
    return text;
}

void print_device(const dw::DrmCapset& device) {
    std::printf("device: %s %d.%d.%d (%s) on the server's %s\n", device.driver, device.version_major,
                device.version_minor, device.version_patch, device.description, device.node);
    std::printf("caps:%s%s%s%s%s\n", device.caps & dw::kCapGbm ? " gbm" : "",
                device.caps & dw::kCapDumb ? " dumb-buffers" : "", device.caps & dw::kCapPrime ? " prime" : "",
                device.caps & dw::kCapSyncobj ? " syncobj" : "",
                device.caps & dw::kCapSyncobjTimeline ? " syncobj-timeline" : "");
}

bool print_formats(client::DrmContext& drm) {
    const auto formats = drm.formats();
    std::printf("formats:%s\n", formats.empty() ? " none" : "");
    for (const auto& entry : formats)
        std::printf("  %s (0x%08x) %s\n", fourcc(entry.format).c_str(), entry.format,
                    modifier_name(entry.modifier).c_str());
    return !formats.empty();
}

void buffer_round_trip(client::DrmContext& drm) {
    std::printf("buffer round trip:\n");
    const auto buffer = drm.create_buffer(256, 64, DRM_FORMAT_XRGB8888, DRM_FORMAT_MOD_INVALID, dw::kUsageLinear);
    report(true, "create 256x64 XR24",
           "size " + std::to_string(buffer.size) + ", stride " + std::to_string(buffer.stride) +
               (buffer.allocator == static_cast<uint32_t>(dw::DrmAllocator::Gbm) ? ", gbm" : ", dumb"));
    auto writer = drm.map_buffer(buffer);
    auto reader = drm.map_buffer(buffer);
    auto* words = reinterpret_cast<uint32_t*>(writer->data());
    for (uint64_t i = 0; i < buffer.size / 4; ++i) words[i] = 0x5a000000u ^ static_cast<uint32_t>(i * 2654435761u);
    writer->flush(0, buffer.size);
    reader->invalidate(0, buffer.size);
    const bool same = std::memcmp(writer->data(), reader->data(), buffer.size) == 0;
    report(same, "a second mapping reads what the first wrote",
           writer->is_shared() ? "dma-buf mapped by both" : "mirrored over the socket");
    writer.reset();
    reader.reset();
    drm.destroy_buffer(buffer.id);
}

void syncobj_round_trip(client::DrmContext& drm, bool fds_travel) {
    std::printf("syncobj round trip:\n");
    const uint32_t binary = drm.create_syncobj();
    drm.signal(binary);
    const dw::DrmSyncobjPoint binary_point{binary, 0, 0};
    report(drm.wait({&binary_point, 1}, std::chrono::milliseconds(100)).has_value(), "binary: signal, wait");
    if (drm.device().caps & dw::kCapSyncobjTimeline) {
        const uint32_t timeline = drm.create_syncobj();
        drm.signal(timeline, 5);
        const uint64_t point = drm.query(timeline);
        report(point == 5, "timeline: signal point 5, query", "query says " + std::to_string(point));
        const dw::DrmSyncobjPoint later{timeline, 0, 6};
        const auto start = std::chrono::steady_clock::now();
        const bool timed_out = !drm.wait({&later, 1}, std::chrono::milliseconds(50), dw::kWaitForSubmit);
        const double waited = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        report(timed_out && waited >= 45, "timeline: wait for point 6 times out",
               std::to_string(static_cast<int>(waited)) + " ms");
        if (fds_travel) {
            shm::UniqueFd sync_file = drm.export_sync_file(timeline, 5);
            const uint32_t other = drm.create_syncobj();
            drm.import_sync_file(other, sync_file.get());
            const dw::DrmSyncobjPoint imported{other, 0, 0};
            report(drm.wait({&imported, 1}, std::chrono::milliseconds(100)).has_value(),
                   "sync_file: export point 5, import, wait");
            drm.destroy_syncobj(other);
        }
        drm.destroy_syncobj(timeline);
    }
    drm.destroy_syncobj(binary);
}

}  // namespace

int main(int argc, char** argv) {
    client::ConnectOptions options;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--help") == 0) {
            std::printf("usage: rendersock-drm-info [ADDRESS]\n"
                        "Prints the server's DRM device and runs a buffer and a syncobj round trip.\n"
                        "ADDRESS is a Unix socket path or tcp:HOST:PORT (default: "
                        "$VTEST_SOCKET_NAME or /tmp/.virgl_test)\n");
            return 0;
        }
        options.address = argv[i];
    }
    options.client_name = "rendersock-drm-info";
    try {
        auto connection = client::Connection::connect(options);
        std::printf("server: %s at %s\n", connection->info().version.c_str(),
                    connection->address().describe().c_str());
        client::DrmContext drm(*connection);
        print_device(drm.device());
        const bool allocates = print_formats(drm);
        if (allocates)
            buffer_round_trip(drm);
        else
            std::printf("buffer round trip: skipped (the node cannot allocate: render nodes have no dumb\n"
                        "  buffers and Mesa's GBM has no backend for this driver; try its card node)\n");
        if (drm.device().caps & dw::kCapSyncobj)
            syncobj_round_trip(drm, connection->has_feature(wire::fb::Feature::FdPassing));
        else
            std::printf("syncobj round trip: skipped (%s has no syncobjs)\n", drm.device().driver);
        std::printf("%s\n", failures ? "some checks FAILED" : "all checks passed");
        return failures ? 1 : 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "rendersock-drm-info: %s\n", e.what());
        return 1;
    }
}
