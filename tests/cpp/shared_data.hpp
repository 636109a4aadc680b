#pragma once

// Locating the real data sets in ../shared/data; tests that need them skip when absent.

#include <gtest/gtest.h>

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

}  // namespace custinsight::testing

#define CUSTINSIGHT_REQUIRE_SHARED_DATA(name)                                              \
  do {                                                                                    \
    if (!std::filesystem::exists(::custinsight::testing::shared_data(name)))              \
      GTEST_SKIP() << "../shared/data/" << (name) << " is absent: real-data test skipped"; \
  } while (false)
