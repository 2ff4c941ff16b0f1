#pragma once
// The bytes of a context's command stream before they are sent: appends
// are a bounds check and a copy (no zero-filling, no per-append
// bookkeeping), since every GL call the application makes lands here.

#include <cstddef>
#include <cstring>
#include <memory>
#include <span>

namespace rendersock::gl_client {

class StreamBuffer {
public:
    explicit StreamBuffer(size_t capacity) : data_(new std::byte[capacity]), capacity_(capacity) {}

    std::byte* data() { return data_.get(); }
    size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    void clear() { size_ = 0; }
    std::span<const std::byte> bytes() const { return {data_.get(), size_}; }

    // Room for `n` more bytes at the end; returns where they go.
    std::byte* extend(size_t n) {
        if (capacity_ - size_ < n) grow(n);
        std::byte* at = data_.get() + size_;
        size_ += n;
        return at;
    }
    // Appends `size` bytes, padded with zeros to a multiple of 8.
    void append_padded(const void* bytes, size_t size) {
        const size_t padded = (size + 7) & ~size_t{7};
        std::byte* at = extend(padded);
        if (size) std::memcpy(at, bytes, size);
        if (padded != size) std::memset(at + size, 0, padded - size);
    }

private:
    void grow(size_t n) {
        size_t capacity = capacity_ * 2;
        while (capacity - size_ < n) capacity *= 2;
        std::unique_ptr<std::byte[]> data(new std::byte[capacity]);
        std::memcpy(data.get(), data_.get(), size_);
        data_ = std::move(data);
        capacity_ = capacity;
    }

    std::unique_ptr<std::byte[]> data_;
    size_t capacity_;
    size_t size_ = 0;
};

}  // namespace rendersock::gl_client
