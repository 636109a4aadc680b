#pragma once

/// @file version.hpp
/// @brief The library version: the single source of truth, read by CMake and by the
/// Python build (scikit-build-core's regex provider) alike.

#define CUSTINSIGHT_VERSION_MAJOR 0
#define CUSTINSIGHT_VERSION_MINOR 1
#define CUSTINSIGHT_VERSION_PATCH 0
#define CUSTINSIGHT_VERSION "0.1.0"

namespace custinsight {
inline constexpr const char* version = CUSTINSIGHT_VERSION;
}  // namespace custinsight
