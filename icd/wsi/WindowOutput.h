#pragma once
// Puts finished frames on the application's window. One implementation per
// window system: XcbOutput (X11, through MIT-SHM or PutImage) and
// WaylandOutput (wl_shm). Headless surfaces have no output.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "icd/wsi/Surface.h"

namespace rendersock::icd::wsi {

class WindowOutput {
public:
    // `frame_fds` are the memfds of each frame's pixels (-1 when a frame is
    // not in shared memory, e.g. over TCP). `fifo`: the application asked to
    // see every frame, paced by the display.
    static std::unique_ptr<WindowOutput> create(const Surface& surface, std::vector<int> frame_fds, bool fifo);
    virtual ~WindowOutput() = default;

    // Shows frame `index` (BGRA, `width` x `height`, tightly packed). When
    // it returns, the frame's memory may be written again. Returns false
    // when the window (or the display connection) is gone.
    virtual bool put(uint32_t index, const std::byte* pixels, uint32_t width, uint32_t height) = 0;
    // The window's size now differs from the frames'.
    virtual bool resized(uint32_t width, uint32_t height) const = 0;
};

}  // namespace rendersock::icd::wsi
