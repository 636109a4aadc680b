#pragma once

// Locating the real data sets in ../shared/data. Tests that need them skip when absent, except
// where the references are required (CI set, as CI runs the tests, or
// CUSTINSIGHT_REQUIRE_REFERENCES=1): there a missing data set fails the test, as in pytest.

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace custinsight::testing {

inline std::filesystem::path shared_data(const std::string& name) {
  return std::filesystem::path(CUSTINSIGHT_SHARED_DATA) / name;
}

/// Days since 1970-01-01 of a YYYYMMDD integer (civil-from-days inverse, proleptic Gregorian).
inline long long days_from_yyyymmdd(long long ymd) {
  long long y = ymd / 10000, m = (ymd / 100) % 100, d = ymd % 100;
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const long long yoe = y - era * 400;
  const long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/// Whether the environment asks for the independent references (the same rule as
/// tests/python/conftest.py: set and not "", "0", "false" or "no").
inline bool references_required() {
  for (const char* name : {"CI", "CUSTINSIGHT_REQUIRE_REFERENCES"}) {
    const char* raw = std::getenv(name);
    if (raw == nullptr) continue;
    std::string value(raw);
    value.erase(0, value.find_first_not_of(" \t"));
    value.erase(value.find_last_not_of(" \t") + 1);
    std::transform(value.begin(), value.end(), value.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (!value.empty() && value != "0" && value != "false" && value != "no") return true;
  }
  return false;
}

}  // namespace custinsight::testing

#define CUSTINSIGHT_REQUIRE_SHARED_DATA(name)                                               \
  do {                                                                                     \
    if (!std::filesystem::exists(::custinsight::testing::shared_data(name))) {             \
      if (::custinsight::testing::references_required())                                   \
        FAIL() << "../shared/data/" << (name)                                              \
               << " is absent and references are required here (CI or "                    \
                  "CUSTINSIGHT_REQUIRE_REFERENCES is set)";                                \
      GTEST_SKIP() << "../shared/data/" << (name) << " is absent: real-data test skipped"; \
    }                                                                                      \
  } while (false)
