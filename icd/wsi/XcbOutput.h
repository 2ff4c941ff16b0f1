#pragma once
// Frames on an X window: MIT-SHM from the frame's memfd when possible,
// PutImage in strips otherwise.

#include <xcb/xcb.h>

#include "icd/wsi/WindowOutput.h"

namespace rendersock::icd::wsi {

class XcbOutput final : public WindowOutput {
public:
    XcbOutput(const Surface& surface, const std::vector<int>& frame_fds);
    ~XcbOutput() override;

    bool put(uint32_t index, const std::byte* pixels, uint32_t width, uint32_t height) override;
    bool resized(uint32_t width, uint32_t height) const override;

private:
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
