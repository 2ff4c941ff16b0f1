#pragma once
#include <cstddef>

namespace rendersock::gl_client {

struct GlEntry {
    const char* name;
    void* function;
};
// Sorted by name (generated: GlEntries.cpp).
extern const GlEntry kGlEntries[];
extern const size_t kGlEntryCount;
// Extensions whose commands all cross (the host's list is filtered by it).
extern const char* const kForwardedExtensions[];
extern const size_t kForwardedExtensionCount;

// The client's implementation of a GL function, or null.
void* gl_function(const char* name);
bool extension_forwarded(const char* name);

}  // namespace rendersock::gl_client
