#pragma once
// The result of handling something a client sent: ok, or an error code and
// a message that goes back to that client. Never an exception across a
// handler boundary for bad peer input.

#include <string>

#include "wire/Message.h"

namespace rendersock::server {

namespace fb = wire::fb;

struct [[nodiscard]] Status {
    fb::ErrorCode code = fb::ErrorCode::None;
    std::string message;

    static Status ok() { return {}; }
    static Status error(fb::ErrorCode code, std::string message) {
        return {code, std::move(message)};
    }
    bool is_ok() const { return code == fb::ErrorCode::None; }
};

#define RS_TRY(expr)                          \
    do {                                      \
        ::rendersock::server::Status s_ = (expr); \
        if (!s_.is_ok()) return s_;           \
    } while (0)

}  // namespace rendersock::server
