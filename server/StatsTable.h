#pragma once
// Every client's stats slot, in one anonymous shared mapping the server makes
// before it forks: a serving process writes its client's counters there and
// the parent reads them. Only the parent hands out and frees slots, so slots
// need no lock; a slot is freed once its client is gone (in fork-per-client
// mode once its process has been reaped), and its counters then join the
// totals of the clients that left.

#include <cstdint>
#include <string>
#include <vector>

#include "server/ClientStats.h"

namespace rendersock::server {

struct ClientSnapshot {
    uint32_t id;
    std::string name;
    bool tcp;
    pid_t pid;
    CounterValues values;
};

struct StatsSnapshot {
    std::vector<ClientSnapshot> clients;  // connected, by id
    uint64_t clients_served = 0;          // connections accepted so far
    uint64_t clients_untracked = 0;       // served while every slot was taken
    CounterValues totals{};
};

class StatsTable {
  public:
    static constexpr size_t kDefaultSlots = 1024;

    explicit StatsTable(size_t slots = kDefaultSlots);
    ~StatsTable();
    StatsTable(const StatsTable&) = delete;
    StatsTable& operator=(const StatsTable&) = delete;

    // A slot for a new connection. With every slot taken, a scratch slot
    // that is never reported: the client is served all the same.
    ClientStats& claim(uint32_t client_id, bool tcp);
    // The client is gone for good.
    void release(ClientStats& slot);
    StatsSnapshot snapshot() const;

  private:
    bool is_scratch(const ClientStats& slot) const { return &slot == &slots_[slot_count_]; }

    ClientStats* slots_;  // slot_count_ + 1: the last is the scratch slot
    size_t slot_count_;
    CounterValues departed_{};  // Cumulative and Maximum counters of released slots
    uint64_t clients_served_ = 0;
    uint64_t clients_untracked_ = 0;
};

}  // namespace rendersock::server
