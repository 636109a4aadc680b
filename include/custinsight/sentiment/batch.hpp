#pragma once

/// @file batch.hpp
/// @brief Score many texts at once on every core, with results independent of the thread count
/// (each text is scored on its own; chunks only decide which thread does the work).

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "custinsight/parallel.hpp"
#include "custinsight/sentiment/analyzer.hpp"

namespace custinsight {

/// @brief Scores of a batch, one entry per text; missing texts have NaN scores.
struct SentimentBatch {
  std::vector<double> neg, neu, pos, compound;
  /// Unrounded scores; filled only when requested.
  std::vector<double> raw_neg, raw_neu, raw_pos, raw_compound;
  /// Top contributing tokens, row-major (text i, rank r at i * top_k + r); an empty token and a
  /// NaN contribution where a text has fewer contributing tokens.
  std::size_t top_k = 0;
  std::vector<std::string> top_token;
  std::vector<double> top_contribution;
  [[nodiscard]] std::size_t size() const { return compound.size(); }
};

struct SentimentBatchOptions {
  std::size_t top_k = 0;  ///< how many contributing tokens to report per text
  bool raw = false;       ///< also fill the unrounded scores
};

/// @brief Score every text of `texts`.
/// @param analyzer the analyser (shared read-only by the threads)
/// @param texts UTF-8 texts
/// @param missing optional flags (same length as texts): non-zero marks a missing text, whose
///        scores are NaN
/// @param options top tokens and raw scores
/// @return the scores, or InvalidArgument naming the first text with invalid UTF-8
inline absl::StatusOr<SentimentBatch> score_texts(const SentimentAnalyzer& analyzer,
                                                  std::span<const std::string_view> texts,
                                                  std::span<const std::uint8_t> missing = {},
                                                  const SentimentBatchOptions& options = {}) {
  const std::size_t n = texts.size();
  if (!missing.empty()) {
    CUSTINSIGHT_RETURN_IF_ERROR(detail::check_same_length("missing", missing.size(), "texts", n));
  }
  const auto sn = static_cast<std::ptrdiff_t>(n);
  SentimentBatch out;
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  out.neg.assign(n, nan);
  out.neu.assign(n, nan);
  out.pos.assign(n, nan);
  out.compound.assign(n, nan);
  if (options.raw) {
    out.raw_neg.assign(n, nan);
    out.raw_neu.assign(n, nan);
    out.raw_pos.assign(n, nan);
    out.raw_compound.assign(n, nan);
  }
  out.top_k = options.top_k;
  out.top_token.assign(n * options.top_k, std::string());
  out.top_contribution.assign(n * options.top_k, nan);
  // Texts are validated where they are scored (one pass over the batch); an invalid one is
  // reported once every thread is done.
  std::vector<std::int64_t> bad(n, -1);
  detail::parallel_chunks(sn, 256, [&](std::ptrdiff_t begin, std::ptrdiff_t end) {
    detail::SentimentWorkspace ws;
    std::vector<TokenContribution> top;
    for (auto i = static_cast<std::size_t>(begin); i < static_cast<std::size_t>(end); ++i) {
      if (!missing.empty() && missing[i]) continue;
      if (auto off = detail::unicode::first_invalid_utf8(texts[i])) {
        bad[i] = static_cast<std::int64_t>(*off);
        continue;
      }
      const SentimentScores s = analyzer.score_valid(texts[i], ws, options.top_k,
                                                     options.top_k ? &top : nullptr);
      out.neg[i] = s.neg;
      out.neu[i] = s.neu;
      out.pos[i] = s.pos;
      out.compound[i] = s.compound;
      if (options.raw) {
        out.raw_neg[i] = s.raw_neg;
        out.raw_neu[i] = s.raw_neu;
        out.raw_pos[i] = s.raw_pos;
        out.raw_compound[i] = s.raw_compound;
      }
      for (std::size_t r = 0; r < top.size() && options.top_k; ++r) {
        out.top_token[i * options.top_k + r] = std::move(top[r].token);
        out.top_contribution[i * options.top_k + r] = top[r].contribution;
      }
    }
  });
  for (std::size_t i = 0; i < n; ++i) {
    if (bad[i] >= 0) {
      return absl::InvalidArgumentError(
          absl::StrFormat("texts[%d]: invalid UTF-8 at byte offset %d", i, bad[i]));
    }
  }
  return out;
}

}  // namespace custinsight
