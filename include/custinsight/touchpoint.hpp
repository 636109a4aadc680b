#pragma once

/// @file touchpoint.hpp
/// @brief The channels where a company meets its customers. Data may carry other names too;
/// these are the ones the simulator and the embedded vocabularies know.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace custinsight {

enum class Touchpoint : std::int8_t {
  in_person = 0,
  phone,
  web,
  chat,
  social,
  kiosk,
  field_service,
};

inline constexpr int kTouchpointCount = 7;

inline constexpr std::array<std::string_view, kTouchpointCount> kTouchpointNames = {
    "in_person", "phone", "web", "chat", "social", "kiosk", "field_service"};

inline constexpr std::string_view touchpoint_name(Touchpoint t) {
  return kTouchpointNames[static_cast<std::size_t>(t)];
}

inline std::optional<Touchpoint> touchpoint_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kTouchpointNames.size(); ++i)
    if (kTouchpointNames[i] == name) return static_cast<Touchpoint>(i);
  return std::nullopt;
}

}  // namespace custinsight
