#include "server/venus/ObjectTable.h"

#include <algorithm>

namespace rendersock::server::venus {

bool ObjectTable::lookup(uint16_t type, uint64_t id, uint64_t& host) const {
    if (id < dense_.size()) {
        const Entry* entry = dense_[id];
        if (!entry || entry->type != type) return false;
        host = entry->host;
        return true;
    }
    if (id < kDenseIds) return false;
    auto it = objects_.find(id);
    if (it == objects_.end() || it->second.type != type) return false;
    host = it->second.host;
    return true;
}

bool ObjectTable::insert(uint16_t type, uint64_t id, uint64_t host, uint64_t parent,
                         std::string& error) {
    if (objects_.size() >= max_objects_) {
        error = "object limit of " + std::to_string(max_objects_) + " reached";
        return false;
    }
    auto [it, inserted] = objects_.emplace(id, Entry{type, host, parent, next_serial_});
    if (!inserted) {
        error = "object id " + std::to_string(id) + " is already in use";
        return false;
    }
    if (id < kDenseIds) {
        if (id >= dense_.size()) dense_.resize(std::max<size_t>(id + 1, dense_.size() * 2), nullptr);
        dense_[id] = &it->second;  // map nodes never move
    }
    ++next_serial_;
    if (parent) children_[parent].insert(id);
    return true;
}

uint64_t ObjectTable::serial_of(uint64_t id) const {
    if (id < dense_.size()) return dense_[id] ? dense_[id]->serial : 0;
    auto it = objects_.find(id);
    return it == objects_.end() ? 0 : it->second.serial;
}

void ObjectTable::erase(uint64_t id) {
    auto it = objects_.find(id);
    if (it == objects_.end()) return;
    const uint64_t parent = it->second.parent;
    if (id < dense_.size()) dense_[id] = nullptr;
    objects_.erase(it);
    if (parent) {
        auto siblings = children_.find(parent);
        if (siblings != children_.end()) {
            siblings->second.erase(id);
            if (siblings->second.empty()) children_.erase(siblings);
        }
    }
    erase_owned(id);
}

void ObjectTable::erase_children(uint64_t id) {
    erase_owned(id);
}

void ObjectTable::erase_owned(uint64_t id) {
    auto owned_it = children_.find(id);
    if (owned_it == children_.end()) return;
    const std::unordered_set<uint64_t> owned = std::move(owned_it->second);
    children_.erase(owned_it);
    for (uint64_t child : owned) {
        auto entry = objects_.find(child);
        if (entry != objects_.end()) entry->second.parent = 0;  // its parent's set is gone already
        erase(child);
    }
}

uint64_t ObjectTable::id_of(uint16_t type, uint64_t host) const {
    for (const auto& [id, entry] : objects_)
        if (entry.type == type && entry.host == host) return id;
    return 0;
}

}  // namespace rendersock::server::venus
