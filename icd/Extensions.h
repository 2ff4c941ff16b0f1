#pragma once
// Extensions the ICD can forward (generated: every command and structure
// they add is in the codec tables). A host extension is exposed only when it
// is in this list.

#include <cstddef>
#include <cstdint>

namespace rendersock::icd {

struct ForwardedExtension {
    const char* name;
    uint32_t spec_version;
    bool instance;
};

extern const ForwardedExtension kForwardedExtensions[];
extern const size_t kForwardedExtensionCount;

const ForwardedExtension* find_forwarded_extension(const char* name);

}  // namespace rendersock::icd
