#pragma once

/// @file insight/steps.hpp
/// @brief The per-customer steps of the insight table, each written once: choosing the loyalty
/// model, fitting the spend model, the model columns (P(alive), expected purchases, risks,
/// CLV) and the feedback columns (satisfaction, trend, latest NPS answer, open complaints).
///
/// The C++ pipeline (insight/pipeline.hpp, behind custinsight-score), the Python
/// `CustomerInsight` and the Dask one all call these; the callers only turn their inputs into
/// arrays (ids into table rows, times into nanoseconds) and their outputs into tables.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "custinsight/loyalty/beta_geo.hpp"
#include "custinsight/loyalty/clv.hpp"
#include "custinsight/loyalty/gamma_gamma.hpp"
#include "custinsight/insight/config.hpp"
#include "custinsight/insight/scoring.hpp"
#include "custinsight/loyalty/model_io.hpp"
#include "custinsight/loyalty/modified_beta_geo.hpp"
#include "custinsight/loyalty/pareto_nbd.hpp"
#include "custinsight/satisfaction/rollup.hpp"

namespace custinsight::insight {

inline constexpr std::int64_t kNsPerDay = 86'400'000'000'000;

/// Days in a month for the CLV's monthly steps: 365.25 / 12.
inline constexpr double kDaysPerMonth = 30.4375;

/// The candidate loyalty models, in the order they are tried (ties in BIC: the earlier).
inline constexpr std::array<const char*, 3> kLoyaltyModels = {"beta_geo", "modified_beta_geo",
                                                              "pareto_nbd"};

/// The penalties tried, in order, when no candidate can be identified without one (the main
/// job must answer on any plausible data; a small L2 penalty keeps the parameters finite).
inline constexpr std::array<double, 4> kFallbackPenalizers = {0.001, 0.01, 0.1, 1.0};

/// The loyalty model chosen for a table.
struct LoyaltyChoice {
  std::string model;  ///< one of kLoyaltyModels
  ModelKind kind = ModelKind::kBetaGeo;
  std::vector<double> params;  ///< the chosen model's, in its order (r, alpha, a, b / s, beta)
  std::string model_json;      ///< the chosen model as written by model_to_json
  std::vector<std::pair<std::string, double>> bics;  ///< per candidate fitted
  double penalizer = 0.0;  ///< the penalty of the chosen fit (a fallback may raise it)
  std::string note;        ///< why the penalty was raised ("" when it was not)
};

/// The spend per customer for the CLV: Gamma-Gamma on repeat buyers with spend, or the
/// population mean when fewer than 3 of them exist.
struct SpendChoice {
  bool fitted = false;
  std::vector<double> params;  ///< p, q, v when fitted
  std::string model_json;      ///< the Gamma-Gamma model when fitted
  double population_mean = 0.0;
  std::string note;  ///< why the population mean is used ("" when fitted)
};

/// The model columns of a table.
struct ModelColumns {
  std::vector<double> p_alive, expected_purchases, no_purchase_risk, churn_risk, clv;
};

/// One entry per response of a table customer (in input order), already scored by
/// weighted_satisfaction; `nps` and `compound` may be empty (no such column).
struct Responses {
  std::span<const std::int64_t> row;  ///< table row of the customer
  std::span<const std::int64_t> time_ns;
  std::span<const double> score, weight, rating_norm, compound, nps;
  std::span<const std::uint8_t> negative, mismatch;
  bool scored = true;  ///< false: the feedback has neither ratings nor texts (NPS only)
};

/// The feedback columns of a table (NaN / 0 for customers without feedback).
struct FeedbackColumns {
  std::vector<double> satisfaction, satisfaction_trend, nps_latest;
  std::vector<std::int64_t> n_responses;
  std::vector<std::uint8_t> complaint;  ///< an open complaint (see the action rules)
};

namespace detail {

template <class Model>
std::string model_json(const Model& m) {
  auto result = m.result();
  return result.ok() ? model_to_json(Model::kModelName, Model::kNames, *result)
                     : std::string();
}

inline ModelKind model_kind(std::string_view name) {
  return name == "beta_geo"            ? ModelKind::kBetaGeo
         : name == "modified_beta_geo" ? ModelKind::kModifiedBetaGeo
                                       : ModelKind::kParetoNbd;
}

/// Call f with a default-constructed model of the named kind.
template <class F>
auto with_model(std::string_view name, F&& f) {
  if (name == "beta_geo") {
    BetaGeoModel m;
    return f(m);
  }
  if (name == "modified_beta_geo") {
    ModifiedBetaGeoModel m;
    return f(m);
  }
  ParetoNBDModel m;
  return f(m);
}

/// One pass over the candidates at one penalty: the fitted ones with their BICs, and the
/// errors of the others.
inline absl::StatusOr<LoyaltyChoice> fit_candidates(
    std::span<const double> f, std::span<const double> r, std::span<const double> t,
    std::span<const double> w, const InsightConfig& cfg, double penalizer,
    std::string& errors, bool& all_unidentified) {
  LoyaltyChoice best;
  double best_bic = std::numeric_limits<double>::infinity();
  all_unidentified = true;
  for (const char* name : kLoyaltyModels) {
    if (cfg.model != "auto" && cfg.model != name) continue;
    absl::Status status = with_model(name, [&](auto& m) -> absl::Status {
      FitOptions o;
      o.penalizer_coef = penalizer;
      if (name == std::string_view("pareto_nbd") && !w.empty()) {
        // Pareto/NBD divides its penalty by the rows it is given (as lifetimes does): rows of
        // pattern counts are fewer than the customers, so scale it to what one row per
        // customer would give.
        double customers = 0.0;
        for (double x : w) customers += x;
        if (customers > 0) o.penalizer_coef *= static_cast<double>(w.size()) / customers;
      }
      CUSTINSIGHT_RETURN_IF_ERROR(m.fit(f, r, t, w, o));
      CUSTINSIGHT_ASSIGN_OR_RETURN(auto result, m.result());
      best.bics.emplace_back(name, result.bic);
      if (result.bic < best_bic) {
        best_bic = result.bic;
        best.model = name;
        best.params.assign(result.params.data(), result.params.data() + result.params.size());
        best.model_json = model_json(m);
      }
      return absl::OkStatus();
    });
    if (status.ok()) continue;
    if (status.code() != absl::StatusCode::kFailedPrecondition) all_unidentified = false;
    if (cfg.model != "auto") {
      if (status.code() != absl::StatusCode::kFailedPrecondition) return status;
    }
    absl::StrAppend(&errors, errors.empty() ? "" : "; ", name, ": ", status.message());
  }
  best.penalizer = penalizer;
  best.kind = model_kind(best.model);
  return best;
}

}  // namespace detail

/// @brief Fit the candidate loyalty models (all three for model "auto", else the configured
/// one) and keep the lowest BIC.
///
/// When no candidate can be identified at the configured penalty (the fits fail with
/// FailedPrecondition: too few customers, a likelihood flat towards a boundary, ...), the
/// penalties of kFallbackPenalizers above it are tried in order and the choice says so in
/// `note`; errors of other kinds (bad input) are returned as they are.
/// @param weights customers per row (empty: one each), so that pattern counts fit alike
inline absl::StatusOr<LoyaltyChoice> choose_loyalty_model(std::span<const double> frequency,
                                                          std::span<const double> recency,
                                                          std::span<const double> T,
                                                          std::span<const double> weights,
                                                          const InsightConfig& cfg) {
  std::string errors;
  bool unidentified = false;
  CUSTINSIGHT_ASSIGN_OR_RETURN(LoyaltyChoice choice,
                               detail::fit_candidates(frequency, recency, T, weights, cfg,
                                                      cfg.penalizer, errors, unidentified));
  if (!choice.model.empty()) return choice;
  const std::string first_errors = errors;
  if (unidentified) {
    for (double penalizer : kFallbackPenalizers) {
      if (penalizer <= cfg.penalizer) continue;
      std::string later;
      bool again = false;
      CUSTINSIGHT_ASSIGN_OR_RETURN(choice, detail::fit_candidates(frequency, recency, T, weights,
                                                                  cfg, penalizer, later, again));
      if (choice.model.empty()) continue;
      choice.note = absl::StrFormat(
          "no loyalty model could be identified with penalizer %g (%s); fitted with penalizer "
          "%g instead",
          cfg.penalizer, first_errors, penalizer);
      return choice;
    }
  }
  return absl::InvalidArgumentError("no loyalty model could be fitted: " + first_errors);
}

/// @brief The spend model of the CLV: Gamma-Gamma on the rows with a repeat purchase and a
/// positive spend, when they hold at least 3 customers; otherwise the population mean spend.
/// @param weights customers per row (empty: one each)
/// @param population_mean the mean transaction amount (see population_mean_spend)
inline absl::StatusOr<SpendChoice> choose_spend_model(std::span<const double> frequency,
                                                      std::span<const double> monetary_value,
                                                      std::span<const double> weights,
                                                      double population_mean,
                                                      const InsightConfig& cfg) {
  CUSTINSIGHT_RETURN_IF_ERROR(custinsight::detail::check_same_length(
      "monetary_value", monetary_value.size(), "frequency", frequency.size()));
  SpendChoice out;
  out.population_mean = population_mean;
  std::vector<double> fr, mr, wr;
  double customers = 0.0;
  for (std::size_t i = 0; i < frequency.size(); ++i) {
    if (!(frequency[i] > 0 && monetary_value[i] > 0)) continue;
    fr.push_back(frequency[i]);
    mr.push_back(monetary_value[i]);
    const double w = weights.empty() ? 1.0 : weights[i];
    wr.push_back(w);
    customers += w;
  }
  if (customers < 3) {
    out.note = "fewer than 3 repeat buyers with spend: clv uses the population mean spend";
    return out;
  }
  GammaGammaModel gg;
  FitOptions o;
  o.penalizer_coef = cfg.penalizer;
  const absl::Status fit = gg.fit(fr, mr, weights.empty() ? std::span<const double>() : wr, o);
  if (fit.code() == absl::StatusCode::kFailedPrecondition) {
    // Spend that cannot identify the model (e.g. a few buyers with near-equal averages) still
    // has a mean: the table answers with it and says so.
    out.note = absl::StrCat("the spend model cannot be identified (", fit.message(),
                            "): clv uses the population mean spend");
    return out;
  }
  CUSTINSIGHT_RETURN_IF_ERROR(fit);
  CUSTINSIGHT_ASSIGN_OR_RETURN(auto result, gg.result());
  out.fitted = true;
  out.params.assign(result.params.data(), result.params.data() + result.params.size());
  out.model_json = model_to_json(GammaGammaModel::kModelName, GammaGammaModel::kNames, result);
  return out;
}

/// @brief The spend given to every customer when no Gamma-Gamma model can be fitted: the
/// mean transaction amount.
inline double population_mean_spend(std::span<const double> amount) {
  if (amount.empty()) return 0.0;
  double sum = 0.0;
  for (double a : amount) sum += a;
  return sum / static_cast<double>(amount.size());
}

/// @brief P(alive), expected purchases and no-purchase risk in the horizon, churn risk
/// (1 - P(alive) P(survive the horizon)) and CLV over cfg.clv_months of every customer.
/// @param model one of kLoyaltyModels; @param params its parameters
/// @param spend the spend choice (Gamma-Gamma posterior mean spend for repeat buyers with
///        spend, the population mean for the others)
inline absl::StatusOr<ModelColumns> model_columns(std::string_view model,
                                                  std::span<const double> params,
                                                  const SpendChoice& spend,
                                                  std::span<const double> f,
                                                  std::span<const double> r,
                                                  std::span<const double> t,
                                                  std::span<const double> monetary_value,
                                                  const InsightConfig& cfg) {
  const std::size_t n = f.size();
  CUSTINSIGHT_RETURN_IF_ERROR(custinsight::detail::check_same_length(
      "monetary_value", monetary_value.size(), "frequency", n));
  const double horizon = cfg.horizon_days / cfg.period_days;
  auto vec = [](const Eigen::ArrayXd& a) { return std::vector<double>(a.data(), a.data() + a.size()); };
  return detail::with_model(model, [&](auto& m) -> absl::StatusOr<ModelColumns> {
    CUSTINSIGHT_RETURN_IF_ERROR(
        m.set_params(Eigen::Map<const Eigen::VectorXd>(params.data(), params.size())));
    ModelColumns out;
    CUSTINSIGHT_ASSIGN_OR_RETURN(auto alive, m.conditional_probability_alive(f, r, t));
    out.p_alive = vec(alive);
    const double h[] = {horizon};
    CUSTINSIGHT_ASSIGN_OR_RETURN(
        auto expected, m.conditional_expected_number_of_purchases_up_to_time(h, f, r, t));
    out.expected_purchases = vec(expected);
    const std::vector<double> horizons(n, horizon);
    CUSTINSIGHT_ASSIGN_OR_RETURN(auto silent, m.churn_risk(f, r, t, horizons));
    out.no_purchase_risk = vec(silent);
    CUSTINSIGHT_ASSIGN_OR_RETURN(
        auto survive, survival_probability(detail::model_kind(model), params, f, t, horizon));
    out.churn_risk.resize(n);
    for (std::size_t i = 0; i < n; ++i) out.churn_risk[i] = 1.0 - out.p_alive[i] * survive[i];

    std::vector<double> per_customer(n, spend.population_mean);
    if (spend.fitted) {
      // Customers without a repeat purchase with spend get the Gamma-Gamma population mean
      // (x = 0 in its posterior mean).
      std::vector<double> f0(n), m0(n);
      for (std::size_t i = 0; i < n; ++i) {
        const bool repeat = f[i] > 0 && monetary_value[i] > 0;
        f0[i] = repeat ? f[i] : 0.0;
        m0[i] = repeat ? monetary_value[i] : 0.0;
      }
      GammaGammaModel gg;
      CUSTINSIGHT_RETURN_IF_ERROR(gg.set_params(
          Eigen::Map<const Eigen::VectorXd>(spend.params.data(), spend.params.size())));
      CUSTINSIGHT_ASSIGN_OR_RETURN(auto profit, gg.conditional_expected_average_profit(f0, m0));
      per_customer = vec(profit);
    }
    CUSTINSIGHT_ASSIGN_OR_RETURN(
        auto clv, customer_lifetime_value(m, f, r, t, per_customer, cfg.clv_months,
                                          cfg.discount_rate, kDaysPerMonth / cfg.period_days));
    out.clv = vec(clv);
    return out;
  });
}

/// @brief Satisfaction, its trend, the response count, the latest NPS answer and the open
/// complaint flag of each of `n` table customers from their scored responses.
///
/// Per response, with r~ the rating and n~ = (nps - 5) / 5 the NPS answer both mapped to
/// [-1, 1] and c the text's compound sentiment:
///     score  = (rating_weight r~ + text_weight c + nps_weight n~) / (sum of present weights)
///     weight = (sum of present weights) / (sum of all three) * 0.5 ** (age / half_life)
/// (age counted from the customer's latest response, which leaves the mean unchanged)
/// and per customer the weighted mean of the scores. The NPS answer is part of it because it
/// is a second, independent reading of the same satisfaction: one noisy answer per response
/// is all most customers give. A complaint is open when the latest scored response (later
/// rows win ties) is negative, or the latest NPS answer is 0-6, within cfg.complaint_days.
inline absl::StatusOr<FeedbackColumns> feedback_columns(const Responses& in, std::size_t n,
                                                        std::int64_t as_of_ns,
                                                        const InsightConfig& cfg) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  const std::size_t m = in.row.size();
  FeedbackColumns out;
  out.satisfaction.assign(n, nan);
  out.satisfaction_trend.assign(n, nan);
  out.nps_latest.assign(n, nan);
  out.n_responses.assign(n, 0);
  out.complaint.assign(n, 0);
  CUSTINSIGHT_RETURN_IF_ERROR(
      custinsight::detail::check_same_length("time_ns", in.time_ns.size(), "row", m));
  const bool has_nps = !in.nps.empty();
  const bool has_text = !in.compound.empty();
  if (has_nps)
    CUSTINSIGHT_RETURN_IF_ERROR(custinsight::detail::check_same_length("nps", in.nps.size(), "row", m));
  for (std::size_t k = 0; k < m; ++k) {
    if (in.row[k] < 0 || static_cast<std::size_t>(in.row[k]) >= n)
      return custinsight::detail::invalid_element("row", k, in.row[k], "is not a table row");
    if (has_nps && !std::isnan(in.nps[k]) && !(in.nps[k] >= 0 && in.nps[k] <= 10))
      return custinsight::detail::invalid_element("nps", k, in.nps[k],
                                                  "NPS answers must lie in 0..10");
  }
  if (m == 0) return out;
  const std::int64_t complaint_ns =
      std::llround(cfg.complaint_days * static_cast<double>(kNsPerDay));
  auto later = [&](std::int64_t a, std::int64_t b) { return in.time_ns[a] >= in.time_ns[b]; };
  if (in.scored) {
    for (auto* s : {&in.score, &in.weight, &in.rating_norm})
      CUSTINSIGHT_RETURN_IF_ERROR(
          custinsight::detail::check_same_length("score", s->size(), "row", m));
    std::vector<std::int32_t> codes(m), touch(m, 0);
    std::vector<double> days(m);
    for (std::size_t k = 0; k < m; ++k) {
      codes[k] = static_cast<std::int32_t>(in.row[k]);
      days[k] = static_cast<double>(in.time_ns[k]) / static_cast<double>(kNsPerDay);
    }
    CUSTINSIGHT_ASSIGN_OR_RETURN(
        auto roll, rollup_customers(codes, static_cast<std::int32_t>(n), in.score, in.weight,
                                    days, touch, in.negative, in.mismatch));
    const double total = cfg.rating_weight + cfg.text_weight + (has_nps ? cfg.nps_weight : 0.0);
    std::vector<double> sw(n, 0.0), sws(n, 0.0);
    std::vector<std::int64_t> latest(n, -1);
    // Ages are counted from each customer's latest response: a weighted mean does not change
    // when all its weights are scaled alike, and so old feedback never underflows to a zero
    // total weight (a NaN satisfaction) however many half-lives back it lies.
    auto age_days = [&](std::size_t k) {
      return std::max(static_cast<double>(as_of_ns - in.time_ns[k]) / 1e9 / 86400.0, 0.0);
    };
    std::vector<double> youngest(n, std::numeric_limits<double>::infinity());
    for (std::size_t k = 0; k < m; ++k) {
      auto& y = youngest[static_cast<std::size_t>(in.row[k])];
      y = std::min(y, age_days(k));
    }
    for (std::size_t k = 0; k < m; ++k) {
      double num = 0.0, den = 0.0;
      const double parts[3][2] = {{cfg.rating_weight, in.rating_norm[k]},
                                  {cfg.text_weight, has_text ? in.compound[k] : nan},
                                  {cfg.nps_weight, has_nps ? (in.nps[k] - 5.0) / 5.0 : nan}};
      for (const auto& [w, v] : parts) {
        if (std::isnan(v)) continue;
        num += w * v;
        den += w;
      }
      const auto c = static_cast<std::size_t>(in.row[k]);
      const double decay = std::pow(0.5, (age_days(k) - youngest[c]) / cfg.half_life_days);
      if (den > 0) {
        sw[c] += den / total * decay;
        sws[c] += den / total * decay * (num / den);
      }
      if (std::isnan(in.score[k])) continue;
      auto& l = latest[c];
      if (l < 0 || later(static_cast<std::int64_t>(k), l)) l = static_cast<std::int64_t>(k);
    }
    for (std::size_t c = 0; c < n; ++c) {
      out.n_responses[c] = roll.n_responses[c];
      if (roll.n_responses[c] == 0) continue;
      out.satisfaction[c] = sw[c] > 0 ? sws[c] / sw[c] : nan;
      out.satisfaction_trend[c] = roll.trend[static_cast<Eigen::Index>(c)] * 30.0;
      const auto l = latest[c];
      if (l >= 0 && in.negative[l] && as_of_ns - in.time_ns[l] <= complaint_ns)
        out.complaint[c] = 1;
    }
  }
  if (has_nps) {
    std::vector<std::int64_t> latest(n, -1);
    for (std::size_t k = 0; k < m; ++k) {
      if (std::isnan(in.nps[k])) continue;
      auto& l = latest[static_cast<std::size_t>(in.row[k])];
      if (l < 0 || later(static_cast<std::int64_t>(k), l)) l = static_cast<std::int64_t>(k);
    }
    for (std::size_t c = 0; c < n; ++c) {
      const auto l = latest[c];
      if (l < 0) continue;
      out.nps_latest[c] = in.nps[l];
      if (in.nps[l] <= 6 && as_of_ns - in.time_ns[l] <= complaint_ns) out.complaint[c] = 1;
      if (!in.scored) out.n_responses[c] = 1;
    }
  }
  return out;
}

}  // namespace custinsight::insight
