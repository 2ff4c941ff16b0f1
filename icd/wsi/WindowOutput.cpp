#include "icd/wsi/WindowOutput.h"

#include "icd/wsi/WaylandOutput.h"
#include "icd/wsi/XcbOutput.h"

namespace rendersock::icd::wsi {

std::unique_ptr<WindowOutput> WindowOutput::create(const Surface& surface, std::vector<int> frame_fds, bool fifo) {
    switch (surface.kind) {
        case Surface::Kind::Xcb: return std::make_unique<XcbOutput>(surface, frame_fds);
        case Surface::Kind::Wayland: return WaylandOutput::create(surface, fifo);
        case Surface::Kind::Headless: return nullptr;
    }
    return nullptr;
}

}  // namespace rendersock::icd::wsi
