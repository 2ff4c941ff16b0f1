#pragma once
// Puts finished frames on an X window: MIT-SHM from the frame's memfd when
// possible, PutImage in strips otherwise. Headless surfaces have no output.

#include <xcb/xcb.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "icd/wsi/Surface.h"

namespace rendersock::icd::wsi {

class WindowOutput {
public:
    // `frame_fds` are the memfds of each frame's pixels (-1 when a frame is
    // not in shared memory, e.g. over TCP).
    static std::unique_ptr<WindowOutput> create(const Surface& surface, std::vector<int> frame_fds);
    ~WindowOutput();

    // Shows frame `index` (BGRA, `width` x `height`, tightly packed). Returns
    // false when the window is gone.
    bool put(uint32_t index, const std::byte* pixels, uint32_t width, uint32_t height);
    // The window's size now differs from the frames'.
    bool resized(uint32_t width, uint32_t height) const;

private:
    WindowOutput() = default;
    bool put_shm(uint32_t index, uint32_t width, uint32_t height);
    bool put_strips(const std::byte* pixels, uint32_t width, uint32_t height);

    xcb_connection_t* connection_ = nullptr;
    xcb_window_t window_ = 0;
    xcb_gcontext_t gc_ = 0;
    uint8_t depth_ = 24;
    std::vector<uint32_t> segments_;  // MIT-SHM segment per frame, 0 if none
    uint32_t max_request_bytes_ = 0;
};

}  // namespace rendersock::icd::wsi
