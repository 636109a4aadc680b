#pragma once

/// @file analyzer.hpp
/// @brief A rule-based sentiment analyser that reproduces vaderSentiment 3.3.2's
/// `polarity_scores` exactly (as the PyPI release behaves on CPython 3.11), in time linear in the
/// text's length, plus a `corrected` mode that fixes the reference's known bugs.
///
/// Reference-mode quirks kept on purpose (each pinned by a test):
///  - tokens are split on Unicode whitespace; ASCII punctuation is stripped from token ends only
///    when at least three characters remain, so "ok." and "no," stay as they are ("It was ok."
///    scores 0.0) and one- and two-letter words count as neutral tokens;
///  - ALL-CAPS emphasis (when some but not all tokens are ALL CAPS) adds 0.733 away from zero,
///    and a lexicon word of valence 0 gets -0.733;
///  - negation looks three tokens back, knows only ASCII "n't" (so the curly "don’t" does not
///    negate: "I don’t like it" scores +0.3612);
///  - "never so/this" is evaluated as `(never and so) or so`, so "so" or "this" right before a
///    word multiplies it by 1.25 when a third preceding token exists ("I think the food was so
///    good" scores 0.5777);
///  - the "but" rule rescales, for each position, the FIRST position holding an equal value
///    (`list.index`), not the position itself ("The staff was friendly but they accepted it"
///    scores 0.3919);
///  - special-case idioms are checked only for a lexicon word with at least three tokens before
///    it and a non-lexicon word three back; multi-word lexicon entries never match;
///  - rounding is Python's `round` (correctly rounded, ties to even on the binary value).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <queue>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "custinsight/sentiment/lexicon.hpp"
#include "custinsight/sentiment/rules.hpp"
#include "custinsight/sentiment/tokenize.hpp"
#include "custinsight/sentiment/unicode.hpp"
#include "custinsight/sentiment/word_table.hpp"

namespace custinsight {

/// @brief Scores of one text: proportions of negative, neutral and positive tokens and the
/// normalised compound score, rounded as vaderSentiment rounds them, plus the unrounded values.
struct SentimentScores {
  double neg = 0.0, neu = 0.0, pos = 0.0, compound = 0.0;  ///< rounded to 3, 3, 3, 4 decimals
  double raw_neg = 0.0, raw_neu = 0.0, raw_pos = 0.0, raw_compound = 0.0;
};

/// @brief One token's signed contribution to a text's valence sum (after every rule).
struct TokenContribution {
  std::string token;
  double contribution = 0.0;
};

struct SentimentOptions {
  /// Fix the reference's known bugs (see SentimentAnalyzer); off for exact VADER parity.
  bool corrected = false;
};

/// @brief VADER's rule-based sentiment analyser over a lexicon.
///
/// The reference mode (default) gives vaderSentiment 3.3.2's answers bit for bit, quirks
/// included (see the file comment). The corrected mode changes, on purpose:
///  1. typographic apostrophes and quotes are read as ASCII ones (so "don’t" negates), emoji
///     sequences with presentation selectors, joiners or skin tones are matched whole, and
///     punctuation (ASCII or Unicode) is stripped from every token that is not itself a
///     lexicon entry (so "ok." and "“great”" are found);
///  2. multi-word lexicon entries ("can't stand", "on hold"), VADER's special-case idioms and
///     its never-applied idiom list, and the dampeners "kind of" / "sort of" / "just enough"
///     are matched as phrases, longest first, anywhere in the text;
///  3. "but" halves every token before the first "but" and multiplies every token after it by
///     1.5, by position;
///  4. "never so/this" boosts only after "never";
///  5. multi-word dampeners weaken negative words instead of strengthening them.
/// Both modes run in time linear in the text's length.
class SentimentAnalyzer {
 public:
  /// @brief An analyser over `lexicon`; the lexicon is copied and never changes afterwards.
  explicit SentimentAnalyzer(SentimentLexicon lexicon, SentimentOptions options = {})
      : lexicon_(std::move(lexicon)), options_(options) {
    for (const auto& [cp, _] : lexicon_.emoji()) ascii_emoji_ |= cp < 0x80;
    if (options_.corrected) build_phrases();
    build_word_table();
  }

  [[nodiscard]] const SentimentLexicon& lexicon() const { return lexicon_; }
  [[nodiscard]] const SentimentOptions& options() const { return options_; }

  /// @brief Score one text.
  /// @param text UTF-8 text
  /// @param top_k also report this many tokens with the largest absolute contributions
  /// @param top where to write them (may be null when top_k is 0)
  /// @return the scores, or InvalidArgument naming the byte offset of invalid UTF-8
  absl::StatusOr<SentimentScores> polarity_scores(std::string_view text, std::size_t top_k = 0,
                                                  std::vector<TokenContribution>* top = nullptr)
      const {
    if (auto bad = detail::unicode::first_invalid_utf8(text)) {
      return absl::InvalidArgumentError(
          absl::StrFormat("text: invalid UTF-8 at byte offset %d", *bad));
    }
    detail::SentimentWorkspace ws;
    return score_valid(text, ws, top_k, top);
  }

  /// @brief Score text already known to be valid UTF-8, reusing `ws` between calls.
  SentimentScores score_valid(std::string_view text, detail::SentimentWorkspace& ws,
                              std::size_t top_k = 0,
                              std::vector<TokenContribution>* top = nullptr) const {
    // ASCII text without emoji to replace (the common case) takes the fast path, which gives
    // up on any other byte.
    const bool fast = !options_.corrected && !ascii_emoji_ && !ws.general_only;
    if (!(fast && tokenize_ascii(text, ws))) {
      const std::string_view working = prepare(text, ws);
      tokenize(working, ws);
      if (options_.corrected) merge_phrases(ws);
      classify(ws);
    }
    compute_sentiments(ws);
    if (top) top_contributions(ws, top_k, *top);
    return finish(ws);
  }

 private:
  // ---- text preparation and tokens ------------------------------------------------------
  std::string_view prepare(std::string_view text, detail::SentimentWorkspace& ws) const {
    if (options_.corrected) {
      detail::prepare_text_corrected(text, lexicon_, ws.text);
      return ws.text;
    }
    if (!lexicon_.has_emoji() || (!ascii_emoji_ && detail::unicode::is_ascii(text))) return text;
    detail::replace_emoji_reference(text, lexicon_, ws.text);
    return ws.text;
  }

  static void reset_tokens(detail::SentimentWorkspace& ws) {
    ws.tokens.clear();
    ws.bangs = ws.questions = ws.caps = 0;
    ws.any_but = false;
  }

  static void count_marks(std::string_view raw, detail::SentimentWorkspace& ws) {
    for (char c : raw) {
      ws.bangs += c == '!';
      ws.questions += c == '?';
    }
  }

  /// Fills in a token's classes: its word table entry, "n't" negation and caps.
  static void classify_token(detail::SentimentToken& t, const detail::WordInfo& info,
                             bool may_contain_nt, detail::SentimentWorkspace& ws) {
    std::uint32_t f = info.flags;
    t.lex = info.lex;
    if (may_contain_nt && !(f & detail::kNegation) && t.lower.size() >= 3 &&
        detail::contains_nt(t.lower))
      f |= detail::kNegation;
    f |= t.all_caps ? detail::kAllCaps : 0u;
    ws.caps += t.all_caps;
    ws.any_but |= ((f >> 8) & 0xFF) == detail::kBut;
    t.flags = f;
  }

  /// Reference-mode tokens of ASCII text, eight bytes at a time; false for text with other
  /// bytes or with control characters that are not whitespace, which the general tokenizer
  /// handles. Lower-casing ASCII keeps every byte at its offset, so the whole text is
  /// lower-cased at once and each token's lower-case form is a slice of that copy; the copy
  /// has eight spare bytes so that the word table can read keys a word at a time. Gives the
  /// tokens and classes of tokenize + classify (a test compares them on random texts).
  bool tokenize_ascii(std::string_view text, detail::SentimentWorkspace& ws) const {
    namespace swar = detail::swar;
    using detail::kByteClasses;
    const std::size_t n = text.size();
    const char* p = text.data();
    if (ws.arena.size() < n + 8) ws.arena.resize(n + 8);
    char* low = ws.arena.data();
    reset_tokens(ws);
    std::uint64_t other = 0;  // non-ASCII bytes, and control characters
    std::uint64_t marks = 0;
    for (std::size_t i = 0; i < n; i += 8) {
      const std::uint64_t w = swar::load(p + i, n - i, i);
      if (w & swar::kHigh) return false;
      other |= swar::in_range(w, 0x00, 0x08) | swar::in_range(w, 0x0E, 0x1B);
      marks |= swar::equal(w, '!') | swar::equal(w, '?');
      swar::store(low + i, swar::lower(w));
    }
    if (other) return false;
    if (marks) count_marks(text, ws);
    // Now a byte is whitespace exactly when it is at most 0x20.
    auto punct = [&](std::size_t i) {
      return kByteClasses[static_cast<unsigned char>(p[i])] & detail::kBytePunct;
    };
    std::size_t pos = 0;      // the word that may hold the next token's start
    std::uint64_t ahead = 0;  // its unvisited non-space bytes
    while (true) {
      while (!ahead) {
        if (pos >= n) return true;
        ahead = ~swar::at_most_space(swar::load(p + pos, n - pos, pos)) & swar::kHigh;
        if (!ahead) pos += 8;
      }
      const std::size_t start = pos + swar::first(ahead);
      std::size_t i = start;
      std::uint64_t upper = 0, lower = 0, apostrophe = 0;
      while (true) {
        const std::uint64_t w = swar::load(p + i, n - i, i);  // spaces past the end
        const std::uint64_t space = swar::at_most_space(w);
        const std::size_t k = space ? swar::first(space) : 8;
        const std::uint64_t in = swar::before(k);
        upper |= swar::in_range(w, 'A', 'Z') & in;
        lower |= swar::in_range(w, 'a', 'z') & in;
        apostrophe |= swar::equal(w, '\'') & in;
        if (k < 8) {
          // The next token may start in the rest of this word.
          ahead = ~space & swar::kHigh & ~swar::before(k + 1);
          pos = ahead ? i : i + 8;
          i += k;
          break;
        }
        i += 8;
      }
      std::size_t b = start, e = i;
      if (punct(b) || punct(e - 1)) {
        while (b < e && punct(b)) ++b;
        while (e > b && punct(e - 1)) --e;
        if (e - b <= 2) b = start, e = i;
      }
      detail::SentimentToken& t = ws.tokens.emplace_back();
      t.lower = std::string_view(low + b, e - b);
      // Punctuation is uncased, so the raw token's letters decide the kept token's caps.
      t.all_caps = upper != 0 && lower == 0;
      classify_token(t, words_.get_padded(low + b, e - b), apostrophe != 0, ws);
    }
  }

  /// Tokens of any text, in either mode (classified afterwards).
  void tokenize(std::string_view text, detail::SentimentWorkspace& ws) const {
    reset_tokens(ws);
    ws.arena.clear();
    // Lower-case forms are views into the arena, so it must never reallocate: lower-casing grows
    // UTF-8 by at most 3/2, and merged phrases add at most one byte per token on top.
    ws.arena.reserve(4 * text.size() + 64);
    detail::split_python_whitespace(text, [&](std::size_t b, std::size_t e, std::uint8_t cls) {
      const std::string_view raw = text.substr(b, e - b);
      if (cls & detail::kByteMark) count_marks(raw, ws);
      // Punctuation is ASCII and uncased, so these flags hold for the kept token too.
      const bool ascii = !(cls & detail::kByteHigh);
      const bool upper = cls & detail::kByteUpper;
      const bool lower = cls & detail::kByteLower;
      std::string_view kept;
      if (!options_.corrected) {
        const std::string_view stripped = detail::strip_ascii_punctuation(raw);
        kept = (stripped.size() <= 2 ||
                (!ascii && stripped.size() <= 8 && detail::unicode::code_points(stripped) <= 2))
                   ? raw
                   : stripped;
      } else {
        const std::string_view stripped = detail::strip_all_punctuation(raw);
        kept = stripped;
        if (stripped.size() != raw.size()) {
          detail::unicode::python_lower(raw, ws.scratch);
          if (stripped.empty() || lexicon_.contains(ws.scratch)) kept = raw;
        }
      }
      detail::SentimentToken t;
      if (ascii && !upper) {
        t.lower = kept;
      } else {
        const std::size_t start = ws.arena.size();
        if (ascii) {
          ws.arena.append(kept);
          for (std::size_t k = start; k < ws.arena.size(); ++k)
            if (ws.arena[k] >= 'A' && ws.arena[k] <= 'Z') ws.arena[k] += 'a' - 'A';
        } else {
          detail::unicode::python_lower_append(kept, ws.arena);
        }
        t.lower = std::string_view(ws.arena).substr(start);
      }
      t.all_caps = ascii ? upper && !lower : detail::unicode::python_isupper(kept);
      ws.tokens.push_back(t);
    });
  }

  static std::string_view lower_of(const detail::SentimentWorkspace& ws, std::size_t i) {
    return ws.tokens[i].lower;
  }

  void build_phrases() {
    auto add = [&](std::string_view phrase, bool is_idiom, double value) {
      std::size_t words = 1;
      for (char c : phrase) words += c == ' ';
      if (words < 2) return;
      const std::size_t sp = phrase.find(' ');
      auto& longest = phrase_first_[std::string(phrase.substr(0, sp))];
      longest = std::max(longest, words);
      if (is_idiom) idiom_value_.try_emplace(std::string(phrase), value);
    };
    for (const auto& [k, v] : lexicon_.entries())
      if (k.find(' ') != std::string::npos && k.find("  ") == std::string::npos) add(k, false, v);
    for (const auto& [k, v] : detail::vader::special_cases()) add(k, true, v);
    for (const auto& [k, v] : detail::vader::laden_idioms()) add(k, true, v);
    for (const auto& [k, v] : detail::vader::booster_words())
      if (k.find(' ') != std::string_view::npos) add(k, false, v);
  }

  /// Greedy longest-first phrase matching; a matched phrase becomes one token whose lower-case
  /// form is the words joined by single spaces. Linear: phrases are at most a few words long.
  void merge_phrases(detail::SentimentWorkspace& ws) const {
    if (phrase_first_.empty() || ws.tokens.size() < 2) return;
    std::vector<detail::SentimentToken> merged;
    merged.reserve(ws.tokens.size());
    const std::size_t n = ws.tokens.size();
    std::string joined;
    for (std::size_t i = 0; i < n;) {
      auto it = phrase_first_.find(lower_of(ws, i));
      std::size_t matched = 0;
      if (it != phrase_first_.end()) {
        for (std::size_t len = std::min(it->second, n - i); len >= 2 && !matched; --len) {
          joined.assign(lower_of(ws, i));
          for (std::size_t k = 1; k < len; ++k) {
            joined.push_back(' ');
            joined += lower_of(ws, i + k);
          }
          if (lexicon_.contains(joined) || idiom_value_.contains(joined) ||
              detail::vader::booster_words().contains(joined))
            matched = len;
        }
      }
      if (matched == 0) {
        merged.push_back(ws.tokens[i]);
        ++i;
        continue;
      }
      detail::SentimentToken t;
      const std::size_t start = ws.arena.size();
      ws.arena += joined;
      t.lower = std::string_view(ws.arena).substr(start);
      merged.push_back(t);
      i += matched;
    }
    ws.tokens.swap(merged);
  }

  /// One table answers every per-token question (lexicon, booster, negation, rule word,
  /// idiom word), so that classifying a token costs a single lookup.
  void build_word_table() {
    detail::StringMap<detail::WordInfo> words;
    auto entry = [&](std::string_view w) -> detail::WordInfo& { return words[std::string(w)]; };
    for (const auto& [k, v] : lexicon_.entries()) {
      detail::WordInfo& e = entry(k);
      e.flags |= detail::kInLexicon;
      e.lex = v;
    }
    for (const auto& [k, v] : idiom_value_) {
      detail::WordInfo& e = entry(k);
      if (!(e.flags & detail::kInLexicon)) {
        e.flags |= detail::kInLexicon;
        e.lex = v;
      }
    }
    for (const auto& [k, v] : detail::vader::booster_words()) {
      detail::WordInfo& e = entry(k);
      // VADER's boosters all add or take away the same amount: a sign bit says which.
      e.flags |= detail::kBooster | (v < 0 ? detail::kBoosterDown : 0u);
    }
    for (const auto& k : detail::vader::negation_words()) entry(k).flags |= detail::kNegation;
    for (const auto& [k, id] : detail::rule_words())
      entry(k).flags |= static_cast<std::uint32_t>(id) << 8;
    if (!options_.corrected)
      for (const auto& [k, id] : detail::idiom_tables().ids)
        entry(k).flags |= id << detail::kIdiomShift;
    words_ = detail::WordTable(words);
  }

  void classify(detail::SentimentWorkspace& ws) const {
    const std::size_t n = ws.tokens.size();
    ws.caps = 0;
    ws.any_but = false;
    for (std::size_t i = 0; i < n; ++i) {
      detail::SentimentToken& t = ws.tokens[i];
      const detail::WordInfo* info = words_.find(t.lower);
      classify_token(t, info ? *info : detail::WordInfo{}, true, ws);
    }
  }

  // ---- the rules ----------------------------------------------------------------------------
  static detail::SentimentWord word(const detail::SentimentWorkspace& ws, std::size_t i) {
    return static_cast<detail::SentimentWord>((ws.tokens[i].flags >> 8) & 0xFF);
  }
  static bool has(const detail::SentimentWorkspace& ws, std::size_t i, std::uint32_t flag) {
    return (ws.tokens[i].flags & flag) != 0;
  }

  void compute_sentiments(detail::SentimentWorkspace& ws) const {
    const std::size_t n = ws.tokens.size();
    ws.sentiments.resize(n);
    const bool cap_diff = ws.caps > 0 && ws.caps < n;
    for (std::size_t i = 0; i < n; ++i) {
      double v = 0.0;
      // Only lexicon words carry a valence; boosters and "kind" of "kind of" never do.
      if (has(ws, i, detail::kInLexicon) && !has(ws, i, detail::kBooster) &&
          !(i + 1 < n && word(ws, i) == detail::kKind && word(ws, i + 1) == detail::kOf))
        v = valence(ws, i, cap_diff);
      ws.sentiments[i] = v;
    }
    apply_but(ws);
  }

  double scalar_inc_dec(const detail::SentimentWorkspace& ws, std::size_t j, double valence,
                        bool cap_diff) const {
    if (!has(ws, j, detail::kBooster)) return 0.0;
    double scalar = has(ws, j, detail::kBoosterDown) ? detail::vader::kBoosterDecrement
                                                     : detail::vader::kBoosterIncrement;
    if (valence < 0) scalar *= -1;
    if (has(ws, j, detail::kAllCaps) && cap_diff) {
      if (valence > 0) scalar += detail::vader::kCapsIncrement;
      else scalar -= detail::vader::kCapsIncrement;
    }
    return scalar;
  }

  double valence(detail::SentimentWorkspace& ws, std::size_t i, bool cap_diff) const {
    using namespace detail;
    if (!has(ws, i, kInLexicon)) return 0.0;
    const std::size_t n = ws.tokens.size();
    const double base = ws.tokens[i].lex;
    double v = base;
    // "no" before another lexicon word negates it rather than counting itself.
    if (word(ws, i) == kNo && i != n - 1 && has(ws, i + 1, kInLexicon)) v = 0.0;
    if ((i > 0 && word(ws, i - 1) == kNo) || (i > 1 && word(ws, i - 2) == kNo) ||
        (i > 2 && word(ws, i - 3) == kNo &&
         (word(ws, i - 1) == kOr || word(ws, i - 1) == kNor)))
      v = base * vader::kNegationScalar;
    // VADER adds the caps emphasis away from zero even for a zero valence (which goes down).
    if (has(ws, i, kAllCaps) && cap_diff) {
      if (v > 0) v += vader::kCapsIncrement;
      else v -= vader::kCapsIncrement;
    }
    for (std::size_t start = 0; start < 3; ++start) {
      if (!(i > start) || has(ws, i - (start + 1), kInLexicon)) continue;
      double s = scalar_inc_dec(ws, i - (start + 1), v, cap_diff);
      if (start == 1 && s != 0) s = s * 0.95;
      if (start == 2 && s != 0) s = s * 0.9;
      v = v + s;
      v = negation_check(ws, v, start, i);
      if (start == 2 && !options_.corrected) v = special_idioms(ws, v, i);
    }
    return least_check(ws, v, i);
  }

  double negation_check(const detail::SentimentWorkspace& ws, double v, std::size_t start,
                        std::size_t i) const {
    using namespace detail;
    auto so_or_this = [&](std::size_t j) { return word(ws, j) == kSo || word(ws, j) == kThis; };
    if (start == 0) {
      if (has(ws, i - 1, kNegation)) v = v * vader::kNegationScalar;
    } else if (start == 1) {
      if (word(ws, i - 2) == kNever && so_or_this(i - 1)) v = v * 1.25;
      else if (word(ws, i - 2) == kWithout && word(ws, i - 1) == kDoubt) {
      } else if (has(ws, i - 2, kNegation)) v = v * vader::kNegationScalar;
    } else {
      // VADER writes `never and (so or this) or (so or this)` without brackets around the
      // first conjunction: any "so"/"this" right before the word boosts it.
      const bool boost = options_.corrected
                             ? word(ws, i - 3) == kNever && (so_or_this(i - 2) || so_or_this(i - 1))
                             : (word(ws, i - 3) == kNever && so_or_this(i - 2)) || so_or_this(i - 1);
      if (boost) v = v * 1.25;
      else if (word(ws, i - 3) == kWithout &&
               (word(ws, i - 2) == kDoubt || word(ws, i - 1) == kDoubt)) {
      } else if (has(ws, i - 3, kNegation)) v = v * vader::kNegationScalar;
    }
    return v;
  }

  double special_idioms(const detail::SentimentWorkspace& ws, double v, std::size_t i) const {
    const std::size_t n = ws.tokens.size();
    auto id = [&](std::size_t j) { return (ws.tokens[j].flags >> detail::kIdiomShift) & 0xFFu; };
    // Only sequences made of idiom words can match; most texts skip everything below.
    bool any = false;
    for (std::size_t j = i - 3; j <= std::min(n - 1, i + 2); ++j) any |= id(j) != 0;
    if (!any) return v;
    // Comparing word ids equals comparing VADER's space-joined strings: tokens never contain
    // whitespace, and a token with id 0 is in no phrase.
    using Seq = std::initializer_list<std::size_t>;
    auto key = [&](Seq idx) {
      std::uint32_t k = 0;
      int shift = 0;
      for (std::size_t j : idx) {
        if (id(j) == 0) return std::uint32_t{0};
        k |= id(j) << shift;
        shift += 8;
      }
      return k;
    };
    const detail::IdiomTables& tables = detail::idiom_tables();
    auto lookup = [&](Seq idx) -> const double* {
      const std::uint32_t k = key(idx);
      if (k != 0)
        for (const auto& p : tables.special)
          if (p.key == k) return &p.value;
      return nullptr;
    };
    for (Seq idx : {Seq{i - 1, i}, Seq{i - 2, i - 1, i}, Seq{i - 2, i - 1}, Seq{i - 3, i - 2, i - 1},
                    Seq{i - 3, i - 2}}) {
      if (const double* c = lookup(idx)) {
        v = *c;
        break;
      }
    }
    if (n - 1 > i)
      if (const double* c = lookup({i, i + 1})) v = *c;
    if (n - 1 > i + 1)
      if (const double* c = lookup({i, i + 1, i + 2})) v = *c;
    for (Seq idx : {Seq{i - 3, i - 2, i - 1}, Seq{i - 3, i - 2}, Seq{i - 2, i - 1}}) {
      const std::uint32_t k = key(idx);
      if (k == 0) continue;
      for (const auto& p : tables.boosters)
        if (p.key == k) v = v + p.value;
    }
    return v;
  }

  static double least_check(const detail::SentimentWorkspace& ws, double v, std::size_t i) {
    using namespace detail;
    if (i > 1 && !has(ws, i - 1, kInLexicon) && word(ws, i - 1) == kLeast) {
      if (word(ws, i - 2) != kAt && word(ws, i - 2) != kVery) v = v * vader::kNegationScalar;
    } else if (i > 0 && !has(ws, i - 1, kInLexicon) && word(ws, i - 1) == kLeast) {
      v = v * vader::kNegationScalar;
    }
    return v;
  }

  void apply_but(detail::SentimentWorkspace& ws) const {
    const std::size_t n = ws.tokens.size();
    if (!ws.any_but) return;
    std::size_t bi = 0;
    while (word(ws, bi) != detail::kBut) ++bi;
    auto& s = ws.sentiments;
    if (options_.corrected) {
      for (std::size_t j = 0; j < n; ++j) {
        if (j < bi) s[j] = s[j] * 0.5;
        else if (j > bi) s[j] = s[j] * 1.5;
      }
      return;
    }
    // VADER: for each position k, v = s[k]; si = s.index(v) (the first equal value); rescale s[si].
    auto rescale = [&](std::size_t si, double v) {
      if (si < bi) s[si] = v * 0.5;
      else if (si > bi) s[si] = v * 1.5;
    };
    if (n <= 64) {
      for (std::size_t k = 0; k < n; ++k) {
        const double v = s[k];
        std::size_t si = 0;
        while (!(s[si] == v)) ++si;
        rescale(si, v);
      }
      return;
    }
    // Long texts: per value, a min-heap of the positions that held it (stale ones dropped
    // lazily), so the first equal position is found in O(log n) instead of O(n).
    using Heap = std::priority_queue<std::size_t, std::vector<std::size_t>, std::greater<>>;
    absl::flat_hash_map<double, Heap> positions;
    auto key = [](double v) { return v == 0.0 ? 0.0 : v; };  // -0.0 == 0.0, as in Python
    for (std::size_t j = 0; j < n; ++j) positions[key(s[j])].push(j);
    for (std::size_t k = 0; k < n; ++k) {
      const double v = s[k];
      Heap& heap = positions[key(v)];
      while (!(s[heap.top()] == v)) heap.pop();
      const std::size_t si = heap.top();
      rescale(si, v);
      if (!(s[si] == v)) positions[key(s[si])].push(si);
    }
  }

  // ---- scores -------------------------------------------------------------------------------
  static SentimentScores finish(const detail::SentimentWorkspace& ws) {
    const std::vector<double>& sentiments = ws.sentiments;
    SentimentScores out;
    if (sentiments.empty()) return out;
    // One pass; each sum still adds in token order, as the reference does. Adding +0.0 for
    // the other tokens leaves the sums bit for bit unchanged (they are never -0.0) and spares
    // unpredictable branches.
    double sum_s = 0.0, pos_sum = 0.0, neg_sum = 0.0;
    std::size_t neu_count = 0;
    for (double s : sentiments) {
      sum_s += s;
      pos_sum += s > 0 ? s + 1 : 0.0;
      neg_sum += s < 0 ? s - 1 : 0.0;
      neu_count += s == 0;
    }
    const std::size_t ep = ws.bangs, qm = ws.questions;
    const double ep_amplifier = static_cast<double>(std::min<std::size_t>(ep, 4)) * 0.292;
    double qm_amplifier = 0.0;
    if (qm > 1) qm_amplifier = qm <= 3 ? static_cast<double>(qm) * 0.18 : 0.96;
    const double punct = ep_amplifier + qm_amplifier;
    if (sum_s > 0) sum_s += punct;
    else if (sum_s < 0) sum_s -= punct;
    double compound = sum_s / std::sqrt((sum_s * sum_s) + detail::vader::kAlpha);
    compound = std::clamp(compound, -1.0, 1.0);
    if (pos_sum > std::fabs(neg_sum)) pos_sum += punct;
    else if (pos_sum < std::fabs(neg_sum)) neg_sum -= punct;
    const double total = pos_sum + std::fabs(neg_sum) + static_cast<double>(neu_count);
    out.raw_pos = std::fabs(pos_sum / total);
    out.raw_neg = std::fabs(neg_sum / total);
    out.raw_neu = std::fabs(static_cast<double>(neu_count) / total);
    out.raw_compound = compound;
    out.neg = detail::vader::python_round(out.raw_neg, 3);
    out.neu = detail::vader::python_round(out.raw_neu, 3);
    out.pos = detail::vader::python_round(out.raw_pos, 3);
    out.compound = detail::vader::python_round(out.raw_compound, 4);
    return out;
  }

  static void top_contributions(const detail::SentimentWorkspace& ws, std::size_t k,
                                std::vector<TokenContribution>& out) {
    out.clear();
    if (k == 0) return;
    std::vector<std::size_t> idx;
    for (std::size_t i = 0; i < ws.sentiments.size(); ++i)
      if (ws.sentiments[i] != 0) idx.push_back(i);
    const std::size_t m = std::min(k, idx.size());
    std::partial_sort(idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(m), idx.end(),
                      [&](std::size_t a, std::size_t b) {
                        const double fa = std::fabs(ws.sentiments[a]);
                        const double fb = std::fabs(ws.sentiments[b]);
                        return fa != fb ? fa > fb : a < b;
                      });
    for (std::size_t r = 0; r < m; ++r)
      out.push_back({std::string(lower_of(ws, idx[r])), ws.sentiments[idx[r]]});
  }

  SentimentLexicon lexicon_;
  SentimentOptions options_;
  bool ascii_emoji_ = false;
  detail::StringMap<std::size_t> phrase_first_;  // first word -> longest phrase
  detail::StringMap<double> idiom_value_;
  detail::WordTable words_;
};

}  // namespace custinsight
