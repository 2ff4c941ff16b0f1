// rendersock-info: connects to a rendersock server and prints what it
// offers: version, features, capsets (with the host devices behind them),
// limits and a round-trip time. The first thing to run when checking a setup.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "wire/client/Connection.h"
#include "wire/venus/VenusCapset.h"

namespace {

using namespace rendersock;

void print_venus(client::Connection& connection) {
    wire::MessageBuilder builder;
    auto reply = connection.call(
        builder, wire::fb::CreateCapsetQuery(builder.fbb(), wire::fb::CapsetType::Venus, 1));
    const auto* data = reply.body<wire::fb::CapsetData>();
    wire::venus::VenusCapset capset{};
    if (!data || !data->data() || data->data()->size() < sizeof(capset)) {
        std::printf("    (capset data missing)\n");
        return;
    }
    std::memcpy(&capset, data->data()->data(), sizeof(capset));
    capset.host_device_name[sizeof(capset.host_device_name) - 1] = 0;
    std::printf("    host device: %s (Vulkan %u.%u.%u, vendor 0x%04x device 0x%04x)\n",
                capset.host_device_name, capset.host_api_version >> 22,
                (capset.host_api_version >> 12) & 0x3ff, capset.host_api_version & 0xfff,
                capset.host_vendor_id, capset.host_device_id);
    std::printf("    wire version %u, generated from vk.xml %u.%u.%u\n", capset.wire_version,
                capset.vk_xml_version >> 22, (capset.vk_xml_version >> 12) & 0x3ff,
                capset.vk_xml_version & 0xfff);
}

}  // namespace

int main(int argc, char** argv) {
    client::ConnectOptions options;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--help") == 0) {
            std::printf("usage: rendersock-info [ADDRESS]\n"
                        "ADDRESS is a Unix socket path or tcp:HOST:PORT (default: "
                        "$VTEST_SOCKET_NAME or /tmp/.virgl_test)\n");
            return 0;
        }
        options.address = argv[i];
    }
    options.client_name = "rendersock-info";
    try {
        auto connection = client::Connection::connect(options);
        const auto& info = connection->info();
        std::printf("server: %s at %s (protocol %u, client id %u)\n", info.version.c_str(),
                    connection->address().describe().c_str(), info.protocol_version,
                    info.client_id);
        std::printf("features:%s%s%s\n",
                    connection->has_feature(wire::fb::Feature::FdPassing) ? " fd-passing" : "",
                    connection->has_feature(wire::fb::Feature::StreamRing) ? " stream-ring" : "",
                    connection->has_feature(wire::fb::Feature::TimelinePage) ? " timeline-page"
                                                                             : "");
        std::printf("capsets:\n");
        for (const auto& capset : info.capsets) {
            std::printf("  %s (version %u): %s\n", wire::fb::EnumNameCapsetType(capset.type),
                        capset.max_version, capset.description.c_str());
            if (capset.type == wire::fb::CapsetType::Venus) print_venus(*connection);
        }
        if (info.capsets.empty()) std::printf("  none: this host has no driver the server can use\n");
        std::printf("limits: message %llu bytes, blobs %llu bytes, %u objects\n",
                    static_cast<unsigned long long>(info.max_message_bytes),
                    static_cast<unsigned long long>(info.max_blob_bytes), info.max_objects);
        const auto start = std::chrono::steady_clock::now();
        constexpr int kPings = 100;
        for (int i = 0; i < kPings; ++i) connection->ping();
        const auto elapsed = std::chrono::steady_clock::now() - start;
        std::printf("round trip: %.1f us (mean of %d pings)\n",
                    std::chrono::duration<double, std::micro>(elapsed).count() / kPings, kPings);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "rendersock-info: %s\n", e.what());
        return 1;
    }
}
