#include "wire/Log.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace rendersock::log {
namespace {

Level level_from_environment() {
    Level parsed = Level::Warn;
    if (const char* text = std::getenv("RENDERSOCK_LOG")) parse_level(text, parsed);
    return parsed;
}

std::atomic<int>& current_level() {
    static std::atomic<int> value{static_cast<int>(level_from_environment())};
    return value;
}

std::atomic<const char*> g_tag{"rendersock"};

const char* level_name(Level level) {
    switch (level) {
        case Level::Error: return "error";
        case Level::Warn: return "warning";
        case Level::Info: return "info";
        case Level::Debug: return "debug";
    }
    return "?";
}

}  // namespace

void set_level(Level level) { current_level().store(static_cast<int>(level)); }
Level level() { return static_cast<Level>(current_level().load(std::memory_order_relaxed)); }
void set_tag(const char* tag) { g_tag.store(tag); }

bool parse_level(std::string_view text, Level& out) {
    if (text == "error") out = Level::Error;
    else if (text == "warn" || text == "warning") out = Level::Warn;
    else if (text == "info") out = Level::Info;
    else if (text == "debug") out = Level::Debug;
    else return false;
    return true;
}

void write(Level lvl, const char* format, ...) {
    char line[2048];
    int prefix = std::snprintf(line, sizeof(line), "%s[%d] %s: ", g_tag.load(), getpid(),
                               level_name(lvl));
    if (prefix < 0) return;
    va_list args;
    va_start(args, format);
    va_list again;
    va_copy(again, args);
    const size_t room = sizeof(line) - static_cast<size_t>(prefix);
    const int length = std::vsnprintf(line + prefix, room, format, args);
    va_end(args);
    if (length >= 0 && static_cast<size_t>(length) >= room) {
        // Long lines (the server's JSON stats) are written whole, not cut.
        std::vector<char> long_line(static_cast<size_t>(prefix + length) + 1);
        std::memcpy(long_line.data(), line, static_cast<size_t>(prefix));
        std::vsnprintf(long_line.data() + prefix, static_cast<size_t>(length) + 1, format, again);
        std::fprintf(stderr, "%s\n", long_line.data());
    } else {
        std::fprintf(stderr, "%s\n", line);
    }
    va_end(again);
}

}  // namespace rendersock::log
