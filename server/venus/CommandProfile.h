#pragma once
// Where a Venus context's time goes, per command: decoding versus the host
// driver's own call. Off unless RENDERSOCK_PROFILE=1 (two clock reads per
// command when on); printed to the server log when the context ends.

#include <chrono>
#include <cstdint>
#include <vector>

namespace rendersock::server::venus {

class CommandProfile {
public:
    CommandProfile();
    bool enabled() const { return enabled_; }
    void add(uint32_t command, std::chrono::nanoseconds decode, std::chrono::nanoseconds call);
    void report(uint32_t ctx_id) const;

private:
    struct Totals {
        uint64_t count = 0;
        uint64_t decode_ns = 0;
        uint64_t call_ns = 0;
    };
    bool enabled_ = false;
    std::vector<Totals> totals_;
};

}  // namespace rendersock::server::venus
