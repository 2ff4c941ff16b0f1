#include "server/venus/CommandProfile.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "wire/Log.h"
#include "wire/venus/Codec.h"

namespace rendersock::server::venus {

CommandProfile::CommandProfile() {
    const char* setting = std::getenv("RENDERSOCK_PROFILE");
    enabled_ = setting && std::strcmp(setting, "1") == 0;
    if (enabled_) totals_.resize(wire::venus::command_type_count());
}

void CommandProfile::add(uint32_t command, std::chrono::nanoseconds decode, std::chrono::nanoseconds call) {
    Totals& totals = totals_[command];
    ++totals.count;
    totals.decode_ns += static_cast<uint64_t>(decode.count());
    totals.call_ns += static_cast<uint64_t>(call.count());
}

void CommandProfile::report(uint32_t ctx_id) const {
    if (!enabled_) return;
    std::vector<uint32_t> order;
    uint64_t decode = 0, call = 0, count = 0;
    for (uint32_t i = 0; i < totals_.size(); ++i) {
        if (!totals_[i].count) continue;
        order.push_back(i);
        decode += totals_[i].decode_ns;
        call += totals_[i].call_ns;
        count += totals_[i].count;
    }
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
        return totals_[a].decode_ns + totals_[a].call_ns > totals_[b].decode_ns + totals_[b].call_ns;
    });
    RS_INFO("profile of context %u: %llu commands, decode %.3f ms, host calls %.3f ms", ctx_id,
            static_cast<unsigned long long>(count), static_cast<double>(decode) / 1e6,
            static_cast<double>(call) / 1e6);
    for (size_t i = 0; i < std::min<size_t>(order.size(), 12); ++i) {
        const Totals& totals = totals_[order[i]];
        RS_INFO("  %-36s %9llu calls  decode %7.1f ns/call  host %9.1f ns/call",
                wire::venus::command_types()[order[i]].name, static_cast<unsigned long long>(totals.count),
                static_cast<double>(totals.decode_ns) / static_cast<double>(totals.count),
                static_cast<double>(totals.call_ns) / static_cast<double>(totals.count));
    }
}

}  // namespace rendersock::server::venus
