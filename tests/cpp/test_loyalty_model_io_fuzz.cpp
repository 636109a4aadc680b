// Saved-model inputs found by tests/fuzz/fuzz_model_json.cpp (and their neighbours).

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "custinsight/loyalty/beta_geo.hpp"
#include "custinsight/loyalty/model_io.hpp"

namespace ci = custinsight;

namespace {

bool mentions(const absl::Status& status, std::string_view what) {
  return std::string(status.message()).find(what) != std::string::npos;
}

absl::StatusOr<ci::FitResult> load_bg(std::string_view text) {
  return ci::model_from_json(text, ci::detail::BetaGeoFamilyLikelihood<0>::kModelName,
                             ci::detail::BetaGeoFamilyLikelihood<0>::kNames);
}

constexpr std::string_view kHeader =
    R"({"format": "custinsight.loyalty_model", "format_version": 1, "model": "BetaGeoModel",
        "params": {"r": 0.24, "alpha": 4.4, "a": 0.79, "b": 2.4})";

}  // namespace

// convert out-of-range numbers with undefined behaviour.
TEST(LoyaltyModelIoFuzz, ModelJsonWrongTypesAreErrorsNotExceptions) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"format": 1, "format_version": 1})", "format"},
      {R"({"format": "custinsight.loyalty_model", "format_version": 1, "model": ["BetaGeoModel"]})",
       "model"},
      {R"({"format": "custinsight.loyalty_model", "format_version": 1e300})", "format_version"},
      {R"({"format": "custinsight.loyalty_model", "format_version": 18446744073709551615})",
       "format_version"},
      {std::string(kHeader) + R"(, "fit": {"iterations": 1e300}})", "fit.iterations"},
      {std::string(kHeader) + R"(, "fit": {"iterations": 4294967296}})", "fit.iterations"},
      {std::string(kHeader) + R"(, "fit": {"converged": "yes"}})", "fit.converged"},
      {std::string(kHeader) + R"(, "fit": [1, 2]})", "fit"},
      {std::string(kHeader) + R"(, "data": {"n_rows": -1.5e300}})", "data.n_rows"},
      {std::string(kHeader) + R"(, "standard_errors": {"r": "0.1"}})", "standard_errors.r"},
      {std::string(kHeader) + R"(, "standard_errors": 3})", "standard_errors"},
  };
  for (const auto& [text, field] : cases) {
    absl::StatusOr<ci::FitResult> r;
    ASSERT_NO_THROW(r = load_bg(text)) << text;
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_TRUE(mentions(r.status(), field)) << text << " -> " << r.status();
  }
  // Absent or null optional fields still load, with their defaults.
  auto ok = load_bg(std::string(kHeader) + R"(, "fit": {"aic": null}, "data": {}})");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->params[1], 4.4);
  EXPECT_TRUE(std::isnan(ok->aic));
  EXPECT_TRUE(ok->converged);
}
