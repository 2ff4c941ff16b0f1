#pragma once
// Where a client's answers go: the connection's write queue.

#include "wire/Message.h"

namespace rendersock::server {

class Outbox {
public:
    virtual ~Outbox() = default;
    virtual void send(wire::OutgoingFrame frame) = 0;
    // Sends what is queued, then closes the connection.
    virtual void close_after_flush(const std::string& reason) = 0;
};

}  // namespace rendersock::server
