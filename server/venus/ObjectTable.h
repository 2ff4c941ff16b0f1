#pragma once
// The Vulkan objects of one Venus context: client-chosen ids mapped to host
// handles, with their handle type (every lookup checks it) and their parent,
// so destroying a pool or a device also forgets what it owned and a stale id
// can never reach a freed host object.

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace rendersock::server::venus {

class ObjectTable {
public:
    explicit ObjectTable(size_t max_objects) : max_objects_(max_objects) {}

    bool lookup(uint16_t type, uint64_t id, uint64_t& host) const;
    // False (with a reason) when the id is taken or the table is full.
    bool insert(uint16_t type, uint64_t id, uint64_t host, uint64_t parent, std::string& error);
    // Forgets `id` and, recursively, everything created under it.
    void erase(uint64_t id);
    // Forgets everything created under `id`, but not `id` itself.
    void erase_children(uint64_t id);
    // A number no other object of this table ever had: an id destroyed and
    // created again gets a new one. 0 if the id is not live.
    uint64_t serial_of(uint64_t id) const;
    // The id of a host handle (replies that return handles); 0 if unknown.
    uint64_t id_of(uint16_t type, uint64_t host) const;
    // Calls fn(id, host, parent) for every object of `type`.
    template <typename Fn>
    void for_each(uint16_t type, Fn fn) const {
        for (const auto& [id, entry] : objects_)
            if (entry.type == type) fn(id, entry.host, entry.parent);
    }
    size_t size() const { return objects_.size(); }

private:
    void erase_owned(uint64_t id);

    struct Entry {
        uint16_t type;
        uint64_t host;
        uint64_t parent;
        uint64_t serial;
    };
    std::unordered_map<uint64_t, Entry> objects_;
    // Clients count ids up from 1: small ids are looked up in an array.
    static constexpr uint64_t kDenseIds = 1u << 20;
    std::vector<const Entry*> dense_;
    // Sets, not a multimap: a device may own a hundred thousand objects, and
    // destroying each must not walk its siblings.
    std::unordered_map<uint64_t, std::unordered_set<uint64_t>> children_;
    size_t max_objects_;
    uint64_t next_serial_ = 1;
};

}  // namespace rendersock::server::venus
