#pragma once
// A recording turned into an input for the control fuzzer
// (tests/fuzz/fuzz_control.cpp): mode byte 0 (the bytes bring their own
// preamble and Hello, over a connection without fd passing), the preamble,
// then the recorded frames as the server received them, ring streams as
// Submits. Frames that carried fds are left out, as in a replay; the fuzzer
// handles 64 frames per input, so the rest is cut.

#include <cstddef>
#include <vector>

#include "wire/Recording.h"

namespace rendersock::replay {

inline constexpr size_t kFuzzControlMaxFrames = 64;

std::vector<std::byte> fuzz_control_input(const wire::Recording& recording);

}  // namespace rendersock::replay
