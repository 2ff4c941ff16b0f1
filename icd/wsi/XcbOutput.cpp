#include "icd/wsi/XcbOutput.h"

#include <unistd.h>
#include <xcb/shm.h>

#include <algorithm>
#include <cstdlib>

namespace rendersock::icd::wsi {

XcbOutput::XcbOutput(const Surface& surface, const std::vector<int>& frame_fds)
    : connection_(surface.connection), window_(surface.window) {
    xcb_connection_t* c = surface.connection;
    if (auto* geometry = xcb_get_geometry_reply(c, xcb_get_geometry(c, surface.window), nullptr)) {
        depth_ = geometry->depth;
        free(geometry);
    }
    gc_ = xcb_generate_id(c);
    xcb_create_gc(c, gc_, surface.window, 0, nullptr);
    max_request_bytes_ = xcb_get_maximum_request_length(c) * 4;
    const xcb_query_extension_reply_t* shm = xcb_get_extension_data(c, &xcb_shm_id);
    segments_.assign(frame_fds.size(), 0);
    if (shm && shm->present) {
        for (size_t i = 0; i < frame_fds.size(); ++i) {
            if (frame_fds[i] < 0) continue;
            const int fd = ::dup(frame_fds[i]);  // xcb closes the fd it sends
            if (fd < 0) continue;
            const uint32_t segment = xcb_generate_id(c);
            xcb_generic_error_t* error = xcb_request_check(
                c, xcb_shm_attach_fd_checked(c, segment, fd, 1));
            if (error) {
                free(error);
                continue;
            }
            segments_[i] = segment;
        }
    }
}

XcbOutput::~XcbOutput() {
    for (uint32_t segment : segments_)
        if (segment) xcb_shm_detach(connection_, segment);
    xcb_free_gc(connection_, gc_);
    xcb_flush(connection_);
}

bool XcbOutput::resized(uint32_t width, uint32_t height) const {
    auto* geometry = xcb_get_geometry_reply(connection_, xcb_get_geometry(connection_, window_), nullptr);
    if (!geometry) return true;
    const bool changed = geometry->width != width || geometry->height != height;
    free(geometry);
    return changed;
}

bool XcbOutput::put(uint32_t index, const std::byte* pixels, uint32_t width, uint32_t height) {
    const bool sent = index < segments_.size() && segments_[index] ? put_shm(index, width, height)
                                                                   : put_strips(pixels, width, height);
    if (!sent) return false;
    // The frame's memory is reused by the next copy: wait until the X server
    // has taken the pixels.
    xcb_generic_error_t* error = nullptr;
    auto* focus = xcb_get_input_focus_reply(connection_, xcb_get_input_focus(connection_), &error);
    free(focus);
    if (error) {
        free(error);
        return false;
    }
    return xcb_connection_has_error(connection_) == 0;
}

bool XcbOutput::put_shm(uint32_t index, uint32_t width, uint32_t height) {
    xcb_shm_put_image(connection_, window_, gc_, static_cast<uint16_t>(width), static_cast<uint16_t>(height),
                      0, 0, static_cast<uint16_t>(width), static_cast<uint16_t>(height), 0, 0, depth_,
                      XCB_IMAGE_FORMAT_Z_PIXMAP, 0, segments_[index], 0);
    return true;
}

bool XcbOutput::put_strips(const std::byte* pixels, uint32_t width, uint32_t height) {
    const uint32_t row_bytes = width * 4;
    const uint32_t rows_per_request = std::max<uint32_t>(1, (max_request_bytes_ - 64) / row_bytes);
    for (uint32_t y = 0; y < height; y += rows_per_request) {
        const uint32_t rows = std::min(rows_per_request, height - y);
        xcb_put_image(connection_, XCB_IMAGE_FORMAT_Z_PIXMAP, window_, gc_, static_cast<uint16_t>(width),
                      static_cast<uint16_t>(rows), 0, static_cast<int16_t>(y), 0, depth_, rows * row_bytes,
                      reinterpret_cast<const uint8_t*>(pixels + size_t{y} * row_bytes));
    }
    return true;
}

}  // namespace rendersock::icd::wsi
