// Library version.
#pragma once

// Keep in sync with project(mailwire VERSION ...) in the top CMakeLists.txt;
// configuring fails (and the version.in_sync test fails) when they differ.

#include <string_view>

#define MAILWIRE_VERSION_MAJOR 0
#define MAILWIRE_VERSION_MINOR 1
#define MAILWIRE_VERSION_PATCH 0

// Single integer for #if comparisons: MAJOR * 10000 + MINOR * 100 + PATCH.
#define MAILWIRE_VERSION                                                       \
    (MAILWIRE_VERSION_MAJOR * 10000 + MAILWIRE_VERSION_MINOR * 100 +          \
     MAILWIRE_VERSION_PATCH)

namespace mailwire {

inline constexpr std::string_view version = "0.1.0";

inline constexpr int version_major = MAILWIRE_VERSION_MAJOR;
inline constexpr int version_minor = MAILWIRE_VERSION_MINOR;
inline constexpr int version_patch = MAILWIRE_VERSION_PATCH;

} // namespace mailwire
