#pragma once
// Levelled logging to stderr shared by the server and the client drivers.
// The level comes from RENDERSOCK_LOG (error|warn|info|debug) unless a
// program sets it (the server's --log-level).

#include <cstdarg>
#include <string_view>

namespace rendersock::log {

enum class Level { Error = 0, Warn = 1, Info = 2, Debug = 3 };

void set_level(Level level);
Level level();
bool parse_level(std::string_view text, Level& out);
// A short tag printed before every line ("server", "icd", ...).
void set_tag(const char* tag);

[[gnu::format(printf, 2, 3)]] void write(Level level, const char* format, ...);

}  // namespace rendersock::log

#define RS_LOG(lvl, ...)                                                         \
    do {                                                                          \
        if (static_cast<int>(::rendersock::log::Level::lvl) <=                    \
            static_cast<int>(::rendersock::log::level()))                         \
            ::rendersock::log::write(::rendersock::log::Level::lvl, __VA_ARGS__); \
    } while (0)
#define RS_ERROR(...) RS_LOG(Error, __VA_ARGS__)
#define RS_WARN(...) RS_LOG(Warn, __VA_ARGS__)
#define RS_INFO(...) RS_LOG(Info, __VA_ARGS__)
#define RS_DEBUG(...) RS_LOG(Debug, __VA_ARGS__)
