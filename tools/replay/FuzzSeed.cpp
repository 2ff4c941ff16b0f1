#include "tools/replay/FuzzSeed.h"

#include "wire/Message.h"

namespace rendersock::replay {
namespace {

void append(std::vector<std::byte>& out, std::span<const std::byte> bytes) {
    out.insert(out.end(), bytes.begin(), bytes.end());
}

}  // namespace

std::vector<std::byte> fuzz_control_input(const wire::Recording& recording) {
    std::vector<std::byte> input{std::byte{0}};
    append(input, {reinterpret_cast<const std::byte*>(wire::kPreamble.data()), wire::kPreamble.size()});
    size_t frames = 0;
    for (const wire::RecordView& record : recording.records) {
        if (frames == kFuzzControlMaxFrames) break;
        if (record.kind == wire::RecordKind::Frame) {
            if (wire::frame_record_header(record.body)->fd_count != 0) continue;
            append(input, record.body);
            ++frames;
        } else if (record.kind == wire::RecordKind::RingStream) {
            const wire::RingStreamRecord stream = *wire::decode_ring_stream(record.body);
            wire::MessageBuilder builder;
            append(input, builder
                              .frame(0, wire::fb::CreateSubmit(builder.fbb(), stream.ctx_id,
                                                               stream.ring_idx, false),
                                     stream.stream)
                              .bytes);
            ++frames;
        }
    }
    return input;
}

}  // namespace rendersock::replay
