#include "server/StatsTable.h"

#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <new>
#include <system_error>

#include "wire/Log.h"

namespace rendersock::server {
namespace {

// Folds one client's values into `totals`, each counter after its kind.
void accumulate(const CounterValues& values, bool include_live, CounterValues& totals) {
    for (size_t i = 0; i < kCounterCount; ++i) {
        switch (counter_info(i).kind) {
            case CounterKind::Live:
                if (include_live) totals[i] += values[i];
                break;
            case CounterKind::Cumulative:
                totals[i] += values[i];
                break;
            case CounterKind::Maximum:
                totals[i] = std::max(totals[i], values[i]);
                break;
        }
    }
}

}  // namespace

StatsTable::StatsTable(size_t slots) : slot_count_(slots) {
    const size_t bytes = (slots + 1) * sizeof(ClientStats);
    // MAP_SHARED before any fork: the serving processes write into the very
    // pages the parent reads.
    void* memory =
        ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED)
        throw std::system_error(errno, std::generic_category(), "mmap of the stats table");
    slots_ = static_cast<ClientStats*>(memory);
    for (size_t i = 0; i <= slots; ++i) new (&slots_[i]) ClientStats();
}

StatsTable::~StatsTable() {
    for (size_t i = 0; i <= slot_count_; ++i) slots_[i].~ClientStats();
    ::munmap(slots_, (slot_count_ + 1) * sizeof(ClientStats));
}

ClientStats& StatsTable::claim(uint32_t client_id, bool tcp) {
    ++clients_served_;
    for (size_t i = 0; i < slot_count_; ++i) {
        if (slots_[i].state() != ClientStats::State::Free) continue;
        slots_[i].open(client_id, tcp);
        return slots_[i];
    }
    if (clients_untracked_++ == 0)
        RS_WARN("more than %zu clients at once: the stats leave out the newest", slot_count_);
    return slots_[slot_count_];
}

void StatsTable::release(ClientStats& slot) {
    if (is_scratch(slot)) return;
    accumulate(slot.values(), /*include_live=*/false, departed_);
    slot.mark_free();
}

StatsSnapshot StatsTable::snapshot() const {
    StatsSnapshot snapshot;
    snapshot.clients_served = clients_served_;
    snapshot.clients_untracked = clients_untracked_;
    snapshot.totals = departed_;
    for (size_t i = 0; i < slot_count_; ++i) {
        const ClientStats& slot = slots_[i];
        const ClientStats::State state = slot.state();
        if (state == ClientStats::State::Free) continue;
        const CounterValues values = slot.values();
        // A client whose connection ended still counts towards the totals
        // until its slot is released, but no longer holds anything.
        const bool connected = state == ClientStats::State::Connected;
        accumulate(values, connected, snapshot.totals);
        if (connected)
            snapshot.clients.push_back(
                {slot.client_id(), slot.name(), slot.tcp(), slot.pid(), values});
    }
    std::sort(snapshot.clients.begin(), snapshot.clients.end(),
              [](const ClientSnapshot& a, const ClientSnapshot& b) { return a.id < b.id; });
    return snapshot;
}

}  // namespace rendersock::server
