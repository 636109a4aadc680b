#pragma once

/// @file word_table.hpp
/// @brief The classes of words the rules ask about (lexicon word, booster, negation, a word some
/// rule compares against, idiom word) and the analyser's per-word table, whose one lookup
/// answers all of them for a lower-cased token.
///
/// Keys are compared eight bytes at a time and hashed with one multiplication per eight bytes,
/// so that the common short token costs a few instructions instead of a general string hash
/// and a memcmp call.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "custinsight/sentiment/lexicon.hpp"
#include "custinsight/sentiment/rules.hpp"

namespace custinsight::detail {

/// Bits 0..7 of a token's flags.
enum SentimentFlag : std::uint32_t {
  kInLexicon = 1u << 0,
  kBooster = 1u << 1,
  kNegation = 1u << 2,
  kAllCaps = 1u << 4,
  kBoosterDown = 1u << 5,  ///< a booster that dampens (kBoosterDecrement)
};

/// Bits 16..23 of a token's flags hold its idiom word id (reference mode), 0 for other words.
inline constexpr int kIdiomShift = 16;

/// Words the rules compare against, stored in bits 8..15 of a token's flags.
enum SentimentWord : std::uint32_t {
  kOther = 0, kNo, kLeast, kAt, kVery, kBut, kKind, kOf, kSo, kThis, kNever, kWithout, kDoubt,
  kOr, kNor
};

inline const absl::flat_hash_map<std::string_view, SentimentWord>& rule_words() {
  static const absl::flat_hash_map<std::string_view, SentimentWord> words{
      {"no", kNo},       {"least", kLeast},     {"at", kAt},       {"very", kVery},
      {"but", kBut},     {"kind", kKind},       {"of", kOf},       {"so", kSo},
      {"this", kThis},   {"never", kNever},     {"without", kWithout},
      {"doubt", kDoubt}, {"or", kOr},           {"nor", kNor}};
  return words;
}

/// A multi-word special case or booster phrase as the idiom ids of its words (eight bits
/// each, first word lowest), so that matching it against tokens compares integers.
struct IdiomPhrase {
  std::uint32_t key;
  double value;
};

/// Every word of VADER's special cases and multi-word boosters, numbered from 1; only tokens
/// among these can be part of an idiom.
struct IdiomTables {
  StringMap<std::uint32_t> ids;
  std::vector<IdiomPhrase> special;   ///< SPECIAL_CASES
  std::vector<IdiomPhrase> boosters;  ///< multi-word BOOSTER_DICT entries
};

inline const IdiomTables& idiom_tables() {
  static const IdiomTables tables = [] {
    IdiomTables t;
    auto phrase_key = [&](std::string_view phrase) {
      std::uint32_t key = 0;
      int shift = 0;
      std::size_t start = 0;
      while (true) {
        const std::size_t sp = phrase.find(' ', start);
        const std::string_view word =
            phrase.substr(start, sp == std::string_view::npos ? sp : sp - start);
        const auto next = static_cast<std::uint32_t>(t.ids.size() + 1);
        const std::uint32_t id = t.ids.try_emplace(std::string(word), next).first->second;
        key |= id << shift;
        shift += 8;
        if (sp == std::string_view::npos) break;
        start = sp + 1;
      }
      return key;
    };
    for (const auto& [k, v] : vader::special_cases()) t.special.push_back({phrase_key(k), v});
    for (const auto& [k, v] : vader::booster_words())
      if (k.find(' ') != std::string_view::npos) t.boosters.push_back({phrase_key(k), v});
    return t;
  }();
  return tables;
}

inline bool contains_nt(std::string_view s) { return s.find("n't") != std::string_view::npos; }

/// What the rules need to know about one word.
struct WordInfo {
  std::uint32_t flags = 0;  ///< SentimentFlag bits, rule word id, idiom word id
  double lex = 0.0;         ///< lexicon valence (when kInLexicon)
};

/// Open-addressing hash table from words to WordInfo, built once and then only read.
///
/// Most tokens are not in the table, so a miss must be cheap and free of hard-to-predict
/// branches. Slots come in buckets of eight; each slot has a tag byte (0 for empty, else seven
/// bits of the key's hash), and a bucket's eight tags form one 64-bit word in a small array of
/// their own, compared with the key's tag all at once. Only a matching tag leads to the
/// slot's entry; a bucket with an empty slot ends the search. Load factor at most 1/2, so that
/// buckets rarely overflow into the next.
class WordTable {
 public:
  WordTable() = default;

  /// @brief A table of every (key, info) pair of `words` (keys unique).
  template <class Map>
  explicit WordTable(const Map& words) {
    std::size_t buckets = 2;
    while (buckets * kBucket < 2 * words.size()) buckets *= 2;
    bits_ = std::countr_zero(buckets);
    tags_.assign(buckets, 0);
    entries_.assign(buckets * kBucket, Entry{});
    for (const auto& [key, info] : words) {
      const std::string_view k(key);
      Entry e;
      e.len = static_cast<std::uint32_t>(k.size());
      e.rest = static_cast<std::uint32_t>(rest_.size());
      e.first = load_safe(k.data(), k.size());
      for (std::size_t at = 8; at < k.size(); at += 8)
        rest_.push_back(load_safe(k.data() + at, k.size() - at));
      e.info = info;
      const std::uint64_t h = hash<false>(k.data(), k.size(), e.first);
      std::size_t b = bucket(h);
      while (free_slots(tags_[b]) == 0) b = (b + 1) & (buckets - 1);
      const std::size_t slot = first_byte(free_slots(tags_[b]));
      tags_[b] |= std::uint64_t{tag(h)} << (8 * slot);
      entries_[b * kBucket + slot] = e;
    }
  }

  /// @brief The entry of `key`, or nullptr.
  [[nodiscard]] const WordInfo* find(std::string_view key) const {
    return find_impl<false>(key.data(), key.size());
  }

  /// @brief The entry of `key`, or an entry with no flags. The key's storage may be read up
  /// to the next multiple of eight bytes past its start (the bytes beyond it are ignored).
  [[nodiscard]] const WordInfo& get_padded(const char* data, std::size_t size) const {
    const WordInfo* info = find_impl<true>(data, size);
    return info ? *info : none_;
  }

 private:
  static constexpr std::size_t kBucket = 8;
  static constexpr std::uint64_t kOnes = 0x0101010101010101ull;
  static constexpr std::uint64_t kHigh = 0x8080808080808080ull;

  struct Entry {
    std::uint64_t first = 0;  ///< the key's first eight bytes, zero padded
    WordInfo info;
    std::uint32_t len = 0;
    std::uint32_t rest = 0;   ///< index in rest_ of the key's later eight-byte words
  };

  /// Keeps the first min(n, 8) bytes (in memory order) of w and zeroes the others.
  static std::uint64_t mask(std::uint64_t w, std::size_t n) {
    if (n >= 8) return w;
    if constexpr (std::endian::native == std::endian::little) {
      return w & ((std::uint64_t{1} << (8 * n)) - 1);
    } else {
      return n == 0 ? 0 : w & ~((std::uint64_t{1} << (8 * (8 - n))) - 1);
    }
  }
  static std::uint64_t load_padded(const char* p, std::size_t n) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    return mask(w, n);
  }
  static std::uint64_t load_safe(const char* p, std::size_t n) {
    std::uint64_t w = 0;
    std::memcpy(&w, p, n < 8 ? n : 8);
    return w;
  }
  template <bool Padded>
  static std::uint64_t load(const char* p, std::size_t n) {
    if constexpr (Padded) return load_padded(p, n);
    else return load_safe(p, n);
  }

  /// Multiplicative hashing, one multiplication per eight bytes: the high bits choose the
  /// bucket; the low bits, folded with the high ones, give the tag.
  template <bool Padded>
  static std::uint64_t hash(const char* p, std::size_t n, std::uint64_t first) {
    constexpr std::uint64_t kMul = 0x9E3779B97F4A7C15ull;
    std::uint64_t h = (first ^ n) * kMul;
    for (std::size_t at = 8; at < n; at += 8) h = (h ^ load<Padded>(p + at, n - at)) * kMul;
    return h ^ (h >> 32);
  }
  [[nodiscard]] std::size_t bucket(std::uint64_t h) const {
    return static_cast<std::size_t>(h >> (64 - bits_));
  }
  /// 1..127: seven bits that fit the byte-wise comparisons below.
  static std::uint8_t tag(std::uint64_t h) {
    const auto t = static_cast<std::uint8_t>(h & 0x7F);
    return t == 0 ? 1 : t;
  }
  /// High bit of every byte of `tags` equal to `t` (all bytes below 0x80).
  static std::uint64_t matching(std::uint64_t tags, std::uint8_t t) {
    return ~((tags ^ (t * kOnes)) + 0x7F * kOnes) & kHigh;
  }
  static std::uint64_t free_slots(std::uint64_t tags) { return matching(tags, 0); }
  /// Slot of the lowest marked byte (tag words are built by shifts, so this is the same on
  /// every machine).
  static std::size_t first_byte(std::uint64_t marks) {
    return static_cast<std::size_t>(std::countr_zero(marks)) / 8;
  }

  template <bool Padded>
  const WordInfo* find_impl(const char* p, std::size_t n) const {
    if (tags_.empty()) return nullptr;
    const std::uint64_t first = n == 0 ? 0 : load<Padded>(p, n);
    const std::uint64_t h = hash<Padded>(p, n, first);
    const std::uint8_t t = tag(h);
    const std::size_t wrap = tags_.size() - 1;
    for (std::size_t b = bucket(h);; b = (b + 1) & wrap) {
      const std::uint64_t tags = tags_[b];
      for (std::uint64_t m = matching(tags, t); m; m &= m - 1) {
        const Entry& e = entries_[b * kBucket + first_byte(m)];
        if (e.len != n || e.first != first) continue;
        bool same = true;
        for (std::size_t k = 8, r = e.rest; k < n && same; k += 8, ++r)
          same = rest_[r] == load<Padded>(p + k, n - k);
        if (same) return &e.info;
      }
      if (free_slots(tags)) return nullptr;
    }
  }

  static constexpr WordInfo none_{};
  int bits_ = 0;
  std::vector<std::uint64_t> tags_;  ///< per bucket, slot k in bits 8k..8k+7
  std::vector<Entry> entries_;       ///< by slot
  std::vector<std::uint64_t> rest_;
};

}  // namespace custinsight::detail
