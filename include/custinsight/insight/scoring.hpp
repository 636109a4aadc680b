#pragma once

/// @file insight/scoring.hpp
/// @brief The per-customer scores of the insight table once the loyalty and satisfaction
/// models have spoken: drop-out survival over the horizon, percentiles, loyalty and insight
/// scores, segment and action rules, and the top three drivers in plain words.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "custinsight/insight/config.hpp"
#include "custinsight/parallel.hpp"
#include "custinsight/status.hpp"

namespace custinsight::insight {

/// The loyalty models the table can use.
enum class ModelKind { kBetaGeo, kModifiedBetaGeo, kParetoNbd };

/// Segments in the order their rules are tried (first match wins).
inline constexpr std::array<const char*, 9> kSegments = {
    "new", "champions", "loyal", "promising", "needs attention", "can't lose", "at risk",
    "hibernating", "lost"};
/// Actions in the order their rules are tried.
inline constexpr std::array<const char*, 5> kActions = {
    "close the loop on a complaint", "do not over-contact", "reward loyalty", "win back",
    "nurture"};
/// Driver kinds: risks first, then strengths (ties go to the earlier kind).
inline constexpr std::array<const char*, 12> kDrivers = {
    "purchase gap", "single purchase", "negative feedback", "NPS detractor",
    "falling satisfaction", "complaint logged", "poor support", "over-contacted",
    "top value", "frequent buyer", "NPS promoter", "positive feedback"};

/// @brief "segment: rule" texts in kSegments order, with the configured thresholds (p =
/// P(alive), V / F = value / frequency percentiles); the Python `segment_rules` gives the same.
inline std::array<std::string, 9> segment_rule_texts(const InsightConfig& cfg) {
  const auto& s = cfg.segments;
  std::array<std::string, 9> rules = {
      absl::StrFormat("no repeat purchase and age <= %g days", s.new_days),
      absl::StrFormat("p >= %g, V >= %g, F >= %g and a repeat purchase", s.alive_high,
                      s.top_percentile, s.top_percentile),
      absl::StrFormat("p >= %g, F >= %g and a repeat purchase", s.alive_high, s.mid_percentile),
      absl::StrFormat("p >= %g and a repeat purchase", s.alive_high),
      absl::StrFormat("p >= %g and a repeat purchase", s.alive_mid),
      absl::StrFormat("V >= %g and F >= %g", s.top_percentile, s.mid_percentile),
      absl::StrFormat("p >= %g and a repeat purchase", s.alive_low),
      absl::StrFormat("no repeat purchase, or p >= %g", s.alive_lost),
      absl::StrFormat("p < %g", s.alive_lost)};
  for (std::size_t k = 0; k < rules.size(); ++k) rules[k] = std::string(kSegments[k]) + ": " + rules[k];
  return rules;
}

/// @brief "action: rule" texts in kActions order.
inline std::array<std::string, 5> action_rule_texts(const InsightConfig& cfg) {
  std::array<std::string, 5> rules = {
      absl::StrFormat("latest feedback negative (score < %g), an NPS detractor, a complaint in "
                      "the contact log or a support conversation that ended negative, within "
                      "%g days, and not lost", cfg.negative_threshold, cfg.complaint_days),
      absl::StrFormat("%g or more outbound contacts in 30 days, or segment hibernating or lost",
                      cfg.max_outbound_30d),
      "segment champions or loyal", "segment can't lose or at risk",
      "segment new, promising or needs attention"};
  for (std::size_t k = 0; k < rules.size(); ++k) rules[k] = std::string(kActions[k]) + ": " + rules[k];
  return rules;
}

namespace detail {

/// 2F1(a, b; c; -z) for z >= 0 through Pfaff's transformation
/// (1 + z)^-b 2F1(b, c - a; c; z / (1 + z)), whose series converges for every z >= 0.
inline double hyp2f1_negative(double a, double b, double c, double z) {
  const double w = z / (1.0 + z);
  const double d = c - a;
  double term = 1.0, total = 1.0;
  for (int k = 0; k < 20000; ++k) {
    const double kk = static_cast<double>(k);
    term = term * (b + kk) * (d + kk) / ((c + kk) * (kk + 1.0)) * w;
    total += term;
    if (!(std::abs(term) > 1e-15 * std::abs(total))) break;
  }
  return total * std::pow(1.0 + z, -b);
}

}  // namespace detail

/// @brief P(alive at T + h | alive at T, history), averaged over the posterior of the rates.
///
/// BG/NBD drops out at purchases with probability p, so while alive drop-outs arrive at rate
/// lambda p; with lambda ~ Gamma(r + x, alpha + T) and p ~ Beta(a, b + x) given alive,
/// E[exp(-lambda p h)] = 2F1(r + x, a; a + b + x; -h / (alpha + T)) (Euler's integral).
/// MBG/NBD adds a drop-out chance at the first purchase: p ~ Beta(a, b + x + 1). Pareto/NBD:
/// mu ~ Gamma(s, beta + T), so E[exp(-mu h)] = ((beta + T) / (beta + T + h))^s.
/// @param kind the model; @param params (r, alpha, a, b) or (r, alpha, s, beta)
/// @param frequency repeat purchases x; @param T age; @param horizon h, in the same unit
/// @return one probability per customer
inline absl::StatusOr<std::vector<double>> survival_probability(
    ModelKind kind, std::span<const double> params, std::span<const double> frequency,
    std::span<const double> T, double horizon) {
  if (params.size() != 4) return absl::InvalidArgumentError("params: expected 4 values");
  CUSTINSIGHT_RETURN_IF_ERROR(
      custinsight::detail::check_same_length("T", T.size(), "frequency", frequency.size()));
  CUSTINSIGHT_RETURN_IF_ERROR(custinsight::detail::check_finite("frequency", frequency));
  CUSTINSIGHT_RETURN_IF_ERROR(custinsight::detail::check_non_negative("frequency", frequency));
  CUSTINSIGHT_RETURN_IF_ERROR(custinsight::detail::check_finite("T", T));
  CUSTINSIGHT_RETURN_IF_ERROR(custinsight::detail::check_non_negative("T", T));
  CUSTINSIGHT_RETURN_IF_ERROR(custinsight::detail::check_positive_scalar("horizon", horizon));
  std::vector<double> out(frequency.size());
  const auto n = static_cast<std::ptrdiff_t>(out.size());
  if (kind == ModelKind::kParetoNbd) {
    const double s = params[2], beta = params[3];
    custinsight::detail::parallel_for(n, [&](std::ptrdiff_t i) {
      const auto k = static_cast<std::size_t>(i);
      out[k] = std::pow((beta + T[k]) / (beta + T[k] + horizon), s);
    });
    return out;
  }
  const double r = params[0], alpha = params[1], a = params[2], b = params[3];
  const double extra = kind == ModelKind::kModifiedBetaGeo ? 1.0 : 0.0;
  custinsight::detail::parallel_for(n, [&](std::ptrdiff_t i) {
    const auto k = static_cast<std::size_t>(i);
    const double x = frequency[k];
    out[k] = detail::hyp2f1_negative(r + x, a, a + b + x + extra, horizon / (alpha + T[k]));
  });
  return out;
}

/// @brief Mid-rank percentiles in (0, 1]: the average 1-based rank of ties divided by n (as
/// pandas' rank(method="average", pct=True)).
inline std::vector<double> percentile_ranks(std::span<const double> x) {
  const std::size_t n = x.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t i, std::size_t j) { return x[i] < x[j]; });
  std::vector<double> out(n);
  std::size_t i = 0;
  while (i < n) {
    std::size_t j = i + 1;
    while (j < n && x[order[j]] == x[order[i]]) ++j;
    // ranks i+1 .. j share their mean
    const double rank = 0.5 * static_cast<double>(i + 1 + j);
    for (std::size_t k = i; k < j; ++k) out[order[k]] = rank / static_cast<double>(n);
    i = j;
  }
  return out;
}

/// Per-customer inputs of the scores: model outputs and feedback roll-ups (NaN: none).
struct ScoringInput {
  /// churn_risk: drop-out by the horizon's end; no_purchase_risk: no purchase within the horizon.
  /// The insight score rewards buying again (1 - no_purchase_risk): a one-time buyer whom BG/NBD
  /// keeps "alive" forever but who has not bought for a year is no asset.
  std::span<const double> frequency, recency, T, p_alive, churn_risk, no_purchase_risk, clv;
  std::span<const double> satisfaction, satisfaction_trend, nps_latest;
  /// Open complaints from feedback, the contact log and support conversations.
  std::span<const std::uint8_t> complaint;
  /// From the contact log and the support transcripts (NaN: unknown; empty: no such input).
  std::span<const double> outbound_30d, days_since_complaint, support_quality;
};

/// The scores, one entry per customer (driver kinds -1 where fewer than three apply).
struct ScoringOutput {
  std::vector<double> value_percentile, frequency_percentile, loyalty, insight;
  std::vector<std::int8_t> segment, action, main_driver;
  std::vector<std::array<std::int8_t, 3>> driver_kinds;  ///< indices into kDrivers
  std::vector<std::string> drivers;
};

namespace detail {

/// A number as a driver text shows it: first rounded to nine decimals, so that two computations
/// of the same value that differ in their last bits (summation order, say 0.7050000000000001
/// and 0.7049999999999998) never print different digits.
inline double shown(double x) { return std::isfinite(x) ? std::round(x * 1e9) / 1e9 : x; }

inline std::string units(double x, const std::string& unit) {
  const std::string k = absl::StrFormat("%.0f", shown(x));
  return k == "1" ? k + " " + unit : k + " " + unit + "s";
}

/// Entry i of an optional input (empty: unknown, NaN).
inline double optional_at(std::span<const double> v, std::size_t i) {
  return v.empty() ? std::numeric_limits<double>::quiet_NaN() : v[i];
}

inline std::string unit_name(double period_days) {
  if (period_days == 1.0) return "day";
  if (period_days == 7.0) return "week";
  return absl::StrFormat("%g-day period", period_days);
}

}  // namespace detail

/// @brief Loyalty and insight scores, segment, action and drivers given the customers' value and
/// frequency percentiles among the whole base. A base split across machines ranks its customers
/// globally first and scores each part with this overload.
/// @param value_percentile mid-rank percentile of each customer's CLV (NaN counted as 0)
/// @param frequency_percentile mid-rank percentile of each customer's frequency
/// @return the scores, or an error naming the first input of the wrong length or a percentile
/// outside (0, 1]
inline absl::StatusOr<ScoringOutput> score_customers(const ScoringInput& in,
                                                     const InsightConfig& cfg,
                                                     std::vector<double> value_percentile,
                                                     std::vector<double> frequency_percentile) {
  CUSTINSIGHT_RETURN_IF_ERROR(validate(cfg));
  const std::size_t n = in.frequency.size();
  for (auto [name, size] : {std::pair{"recency", in.recency.size()}, {"T", in.T.size()},
                            {"p_alive", in.p_alive.size()}, {"churn_risk", in.churn_risk.size()},
                            {"no_purchase_risk", in.no_purchase_risk.size()},
                            {"clv", in.clv.size()}, {"satisfaction", in.satisfaction.size()},
                            {"satisfaction_trend", in.satisfaction_trend.size()},
                            {"nps_latest", in.nps_latest.size()},
                            {"complaint", in.complaint.size()}})
    CUSTINSIGHT_RETURN_IF_ERROR(
        custinsight::detail::check_same_length(name, size, "frequency", n));
  for (auto [name, v] : {std::pair{"outbound_30d", in.outbound_30d},
                         {"days_since_complaint", in.days_since_complaint},
                         {"support_quality", in.support_quality}})
    if (!v.empty())
      CUSTINSIGHT_RETURN_IF_ERROR(
          custinsight::detail::check_same_length(name, v.size(), "frequency", n));
  CUSTINSIGHT_RETURN_IF_ERROR(custinsight::detail::check_finite("p_alive", in.p_alive));
  CUSTINSIGHT_RETURN_IF_ERROR(custinsight::detail::check_finite("churn_risk", in.churn_risk));
  CUSTINSIGHT_RETURN_IF_ERROR(
      custinsight::detail::check_finite("no_purchase_risk", in.no_purchase_risk));
  CUSTINSIGHT_RETURN_IF_ERROR(custinsight::detail::check_same_length(
      "value_percentile", value_percentile.size(), "frequency", n));
  CUSTINSIGHT_RETURN_IF_ERROR(custinsight::detail::check_same_length(
      "frequency_percentile", frequency_percentile.size(), "frequency", n));
  for (auto [name, values] : {std::pair{"value_percentile", &value_percentile},
                              {"frequency_percentile", &frequency_percentile}}) {
    for (std::size_t i = 0; i < n; ++i) {
      const double v = (*values)[i];
      // Written so that NaN fails too.
      if (!(v > 0.0 && v <= 1.0))
        return custinsight::detail::invalid_element(name, i, v, "must lie in (0, 1]");
    }
  }
  ScoringOutput out;
  out.value_percentile = std::move(value_percentile);
  out.frequency_percentile = std::move(frequency_percentile);
  out.loyalty.resize(n);
  out.insight.resize(n);
  out.segment.resize(n);
  out.action.resize(n);
  out.main_driver.resize(n);
  out.driver_kinds.resize(n);
  out.drivers.resize(n);
  const auto& lw = cfg.loyalty_weights;
  const auto& iw = cfg.insight_weights;
  const auto& s = cfg.segments;
  const std::string unit = detail::unit_name(cfg.period_days);
  constexpr double kNone = -std::numeric_limits<double>::infinity();
  custinsight::detail::parallel_for(static_cast<std::ptrdiff_t>(n), [&](std::ptrdiff_t ii) {
    const auto i = static_cast<std::size_t>(ii);
    const double f = in.frequency[i], r = in.recency[i], t = in.T[i], p = in.p_alive[i];
    const double v = out.value_percentile[i], fp = out.frequency_percentile[i];
    const double sat = in.satisfaction[i], trend = in.satisfaction_trend[i];
    const double nps = in.nps_latest[i];
    const double outbound = detail::optional_at(in.outbound_30d, i);
    const double complained = detail::optional_at(in.days_since_complaint, i);
    const double support = detail::optional_at(in.support_quality, i);
    const bool over_contacted = outbound >= cfg.max_outbound_30d;
    const double loyalty = 100.0 * (lw.alive * p + lw.value * v + lw.frequency * fp) /
                           (lw.alive + lw.value + lw.frequency);
    const double w_sat = std::isnan(sat) ? 0.0 : iw.satisfaction;
    out.loyalty[i] = loyalty;
    out.insight[i] = (iw.loyalty * loyalty + iw.retention * 100.0 * (1.0 - in.no_purchase_risk[i]) +
                      w_sat * 50.0 * ((std::isnan(sat) ? 0.0 : sat) + 1.0)) /
                     (iw.loyalty + iw.retention + w_sat);

    const bool repeat = f > 0;
    int seg = 8;
    if (!repeat && t * cfg.period_days <= s.new_days) seg = 0;
    else if (p >= s.alive_high && v >= s.top_percentile && fp >= s.top_percentile && repeat)
      seg = 1;
    else if (p >= s.alive_high && fp >= s.mid_percentile && repeat) seg = 2;
    else if (p >= s.alive_high && repeat) seg = 3;
    else if (p >= s.alive_mid && repeat) seg = 4;
    else if (v >= s.top_percentile && fp >= s.mid_percentile) seg = 5;
    else if (p >= s.alive_low && repeat) seg = 6;
    else if (!repeat || p >= s.alive_lost) seg = 7;
    out.segment[i] = static_cast<std::int8_t>(seg);
    // Every segment reaches one rule: hibernating and lost end at "do not over-contact".
    int act = 4;
    if (in.complaint[i] && seg != 8) act = 0;
    else if (over_contacted || seg == 7 || seg == 8) act = 1;
    else if (seg == 1 || seg == 2) act = 2;
    else if (seg == 5 || seg == 6) act = 3;
    out.action[i] = static_cast<std::int8_t>(act);

    const double gap = t - r;
    const double usual = repeat ? r / std::max(f, 1.0) : std::nan("");
    const double ratio = repeat ? gap / std::max(usual, 1e-9) : std::nan("");
    std::array<double, 12> strength = {
        repeat && ratio >= 2.0 ? ratio - 1.0 : kNone,
        !repeat ? t * cfg.period_days / s.new_days - 1.0 : kNone,
        sat < 0 ? -3.0 * sat : kNone,
        nps <= 6 ? 1.5 : kNone,
        trend < -0.05 ? -3.0 * trend : kNone,
        complained <= cfg.complaint_days ? 2.0 : kNone,
        support < cfg.support_quality_low && cfg.support_quality_low > 0
            ? 3.0 * (1.0 - support / cfg.support_quality_low)
            : kNone,
        over_contacted ? outbound / cfg.max_outbound_30d : kNone,
        v >= s.top_percentile ? v : kNone,
        fp >= s.top_percentile && repeat ? fp : kNone,
        nps >= 9 ? 0.8 : kNone,
        sat > 0.3 ? sat : kNone};
    for (double& x : strength)
      if (std::isnan(x)) x = kNone;
    std::array<int, 12> order;
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return strength[a] > strength[b]; });
    std::string text;
    out.main_driver[i] = static_cast<std::int8_t>(
        strength[static_cast<std::size_t>(order[0])] > 0 ? order[0] : static_cast<int>(kDrivers.size()));
    for (int j = 0; j < 3; ++j) {
      const int k = order[static_cast<std::size_t>(j)];
      const bool ok = strength[static_cast<std::size_t>(k)] > 0;
      out.driver_kinds[i][static_cast<std::size_t>(j)] = static_cast<std::int8_t>(ok ? k : -1);
      if (!ok) continue;
      std::string part;
      switch (k) {
        case 0:
          part = absl::StrFormat("no purchase for %s, usually every %.0f", detail::units(gap, unit),
                                 detail::shown(usual));
          break;
        case 1: part = absl::StrFormat("one purchase only, %s ago", detail::units(t, unit)); break;
        case 2: part = absl::StrFormat("negative feedback (satisfaction %+.2f)", detail::shown(sat)); break;
        case 3: part = absl::StrFormat("NPS detractor (last answer %d)", static_cast<int>(nps)); break;
        case 4: part = absl::StrFormat("satisfaction falling (%+.2f per 30 days)", detail::shown(trend)); break;
        case 5: part = "complaint logged " + detail::units(complained, "day") + " ago"; break;
        case 6: part = absl::StrFormat("poor support conversation (quality %.0f/100)",
                                                 detail::shown(support)); break;
        case 7:
          part = detail::units(outbound, "outbound contact") + " in 30 days";
          break;
        case 8:
          part = absl::StrFormat("top %.0f%% by %d-month value",
                                 detail::shown(std::max(1.0, 100.0 * (1.0 - v))),
                                 cfg.clv_months);
          break;
        case 9:
          part = "buys about every " +
                 (absl::StrFormat("%.0f", detail::shown(usual)) == "1" ? unit : detail::units(usual, unit));
          break;
        case 10: part = absl::StrFormat("NPS promoter (last answer %d)", static_cast<int>(nps)); break;
        default: part = absl::StrFormat("positive feedback (satisfaction %+.2f)", detail::shown(sat)); break;
      }
      if (!text.empty()) text += "; ";
      text += part;
    }
    out.drivers[i] = std::move(text);
  });
  return out;
}

/// @brief Loyalty and insight scores, segment, action and drivers (rules documented in the
/// Python module custinsight.insight: segment_rules, action_rules, _drivers), with the value and
/// frequency percentiles taken among the customers given.
/// @return the scores, or an error naming the first input of the wrong length
inline absl::StatusOr<ScoringOutput> score_customers(const ScoringInput& in,
                                                     const InsightConfig& cfg) {
  std::vector<double> clv0(in.clv.begin(), in.clv.end());
  for (double& v : clv0)
    if (std::isnan(v)) v = 0.0;
  return score_customers(in, cfg, percentile_ranks(clv0), percentile_ranks(in.frequency));
}

}  // namespace custinsight::insight
