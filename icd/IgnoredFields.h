#pragma once

namespace rendersock::icd {

// Registers the encoder filters for members the spec lets applications
// leave undefined (IgnoredFields.cpp). Idempotent.
void install_ignored_field_filters();

}  // namespace rendersock::icd
