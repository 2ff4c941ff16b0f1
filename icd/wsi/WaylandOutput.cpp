#include "icd/wsi/WaylandOutput.h"

#include <poll.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <cstring>

#include "wire/Log.h"

namespace rendersock::icd::wsi {
namespace {

// The most buffers one output makes: enough for a compositor that holds a
// frame or two while the application runs ahead.
constexpr size_t kMaxBuffers = 6;
// How long a put waits for a buffer back, and FIFO for the last frame to be
// shown, before going on: a hidden surface gets no frame callbacks, and the
// application must not hang on it.
constexpr int kWaitMs = 250;

}  // namespace

const wl_registry_listener WaylandOutput::registry_listener_ = {&WaylandOutput::on_global,
                                                                &WaylandOutput::on_global_remove};
const wl_buffer_listener WaylandOutput::buffer_listener_ = {&WaylandOutput::on_release};
const wl_callback_listener WaylandOutput::frame_listener_ = {&WaylandOutput::on_frame_done};

void WaylandOutput::on_global(void* data, wl_registry* registry, uint32_t name, const char* interface,
                              uint32_t) {
    auto* self = static_cast<WaylandOutput*>(data);
    if (!self->shm_ && std::strcmp(interface, wl_shm_interface.name) == 0)
        self->shm_ = static_cast<wl_shm*>(wl_registry_bind(registry, name, &wl_shm_interface, 1));
}

void WaylandOutput::on_release(void* data, wl_buffer*) { static_cast<Buffer*>(data)->busy = false; }

void WaylandOutput::on_frame_done(void* data, wl_callback* callback, uint32_t) {
    auto* self = static_cast<WaylandOutput*>(data);
    wl_callback_destroy(callback);
    if (self->frame_ == callback) self->frame_ = nullptr;
}

std::unique_ptr<WaylandOutput> WaylandOutput::create(const Surface& surface, bool fifo) {
    std::unique_ptr<WaylandOutput> output(new WaylandOutput(surface, fifo));
    if (wl_display_roundtrip_queue(output->display_, output->queue_) < 0 || !output->shm_) {
        RS_ERROR("the Wayland display offers no wl_shm: frames cannot be shown");
        return nullptr;
    }
    return output;
}

WaylandOutput::WaylandOutput(const Surface& surface, bool fifo)
    : display_(surface.display), app_surface_(surface.surface), fifo_(fifo) {
    queue_ = wl_display_create_queue(display_);
    display_proxy_ = static_cast<wl_display*>(wl_proxy_create_wrapper(display_));
    wl_proxy_set_queue(reinterpret_cast<wl_proxy*>(display_proxy_), queue_);
    surface_proxy_ = static_cast<wl_surface*>(wl_proxy_create_wrapper(app_surface_));
    wl_proxy_set_queue(reinterpret_cast<wl_proxy*>(surface_proxy_), queue_);
    registry_ = wl_display_get_registry(display_proxy_);
    wl_registry_add_listener(registry_, &registry_listener_, this);
}

WaylandOutput::~WaylandOutput() {
    if (frame_) wl_callback_destroy(frame_);
    for (auto& buffer : buffers_) {
        wl_buffer_destroy(buffer->buffer);
        munmap(buffer->memory, buffer->size);
    }
    if (shm_) wl_shm_destroy(shm_);
    wl_registry_destroy(registry_);
    wl_proxy_wrapper_destroy(surface_proxy_);
    wl_proxy_wrapper_destroy(display_proxy_);
    wl_display_flush(display_);
    wl_event_queue_destroy(queue_);
}

int WaylandOutput::dispatch(int timeout_ms) {
    // Events already read (by the application's thread, say) go first.
    if (wl_display_prepare_read_queue(display_, queue_) != 0)
        return wl_display_dispatch_queue_pending(display_, queue_) < 0 ? -1 : 1;
    if (wl_display_flush(display_) < 0 && errno != EAGAIN) {
        wl_display_cancel_read(display_);
        return -1;
    }
    pollfd readable{wl_display_get_fd(display_), POLLIN, 0};
    const int ready = poll(&readable, 1, timeout_ms);
    if (ready <= 0) {
        wl_display_cancel_read(display_);
        return ready < 0 && errno != EINTR ? -1 : 0;
    }
    if (wl_display_read_events(display_) < 0) return -1;
    return wl_display_dispatch_queue_pending(display_, queue_) < 0 ? -1 : 1;
}

WaylandOutput::Buffer* WaylandOutput::new_buffer(uint32_t width, uint32_t height) {
    auto buffer = std::make_unique<Buffer>();
    buffer->size = size_t{width} * height * 4;
    buffer->width = width;
    buffer->height = height;
    const int fd = memfd_create("rendersock-wl-frame", MFD_CLOEXEC);
    if (fd < 0) return nullptr;
    void* memory = MAP_FAILED;
    if (ftruncate(fd, static_cast<off_t>(buffer->size)) == 0)
        memory = mmap(nullptr, buffer->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (memory == MAP_FAILED) {
        close(fd);
        return nullptr;
    }
    buffer->memory = static_cast<std::byte*>(memory);
    wl_shm_pool* pool = wl_shm_create_pool(shm_, fd, static_cast<int32_t>(buffer->size));
    // BGRA bytes are XRGB8888 little-endian; every compositor takes it.
    buffer->buffer = wl_shm_pool_create_buffer(pool, 0, static_cast<int32_t>(width), static_cast<int32_t>(height),
                                               static_cast<int32_t>(width * 4), WL_SHM_FORMAT_XRGB8888);
    wl_shm_pool_destroy(pool);
    close(fd);
    wl_buffer_add_listener(buffer->buffer, &buffer_listener_, buffer.get());
    buffers_.push_back(std::move(buffer));
    return buffers_.back().get();
}

WaylandOutput::Buffer* WaylandOutput::free_buffer(uint32_t width, uint32_t height) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kWaitMs);
    for (;;) {
        for (auto& buffer : buffers_)
            if (!buffer->busy && buffer->width == width && buffer->height == height) return buffer.get();
        if (buffers_.size() < 2) return new_buffer(width, height);
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                                std::chrono::steady_clock::now());
        const int dispatched = left.count() > 0 ? dispatch(static_cast<int>(left.count())) : 0;
        if (dispatched < 0) return nullptr;
        if (dispatched == 0) {
            // The compositor holds every buffer: make another (buffers of an
            // old size go first), up to the cap.
            for (auto it = buffers_.begin(); it != buffers_.end(); ++it) {
                if ((*it)->busy || ((*it)->width == width && (*it)->height == height)) continue;
                wl_buffer_destroy((*it)->buffer);
                munmap((*it)->memory, (*it)->size);
                buffers_.erase(it);
                break;
            }
            return buffers_.size() < kMaxBuffers ? new_buffer(width, height) : nullptr;
        }
    }
}

bool WaylandOutput::put(uint32_t, const std::byte* pixels, uint32_t width, uint32_t height) {
    // FIFO: one frame per refresh, the last one shown before the next goes.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kWaitMs);
    while (fifo_ && frame_ && std::chrono::steady_clock::now() < deadline) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (dispatch(static_cast<int>(std::max<int64_t>(left.count(), 0))) < 0) return false;
    }
    Buffer* buffer = free_buffer(width, height);
    if (!buffer) return wl_display_get_error(display_) == 0;  // no buffer: this frame is dropped
    std::memcpy(buffer->memory, pixels, buffer->size);
    wl_surface_attach(surface_proxy_, buffer->buffer, 0, 0);
    if (wl_proxy_get_version(reinterpret_cast<wl_proxy*>(app_surface_)) >= WL_SURFACE_DAMAGE_BUFFER_SINCE_VERSION)
        wl_surface_damage_buffer(surface_proxy_, 0, 0, INT32_MAX, INT32_MAX);
    else
        wl_surface_damage(surface_proxy_, 0, 0, INT32_MAX, INT32_MAX);
    if (fifo_) {
        if (frame_) wl_callback_destroy(frame_);
        frame_ = wl_surface_frame(surface_proxy_);
        wl_callback_add_listener(frame_, &frame_listener_, this);
    }
    wl_surface_commit(surface_proxy_);
    buffer->busy = true;
    if (wl_display_flush(display_) < 0 && errno != EAGAIN) return false;
    return wl_display_get_error(display_) == 0;
}

}  // namespace rendersock::icd::wsi
