#pragma once

/// @file word_table.hpp
/// @brief The analyser's per-word table: one lookup answers whether a lower-cased token is a
/// lexicon word, a booster, a negation or a word some rule compares against.
///
/// Keys are compared eight bytes at a time and hashed with one multiplication per eight bytes,
/// so that the common short token costs a few instructions instead of a general string hash
/// and a memcmp call.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace custinsight::detail {

/// What the rules need to know about one word.
struct WordInfo {
  std::uint32_t flags = 0;  ///< SentimentFlag bits, rule word id, idiom word id
  double lex = 0.0;         ///< lexicon valence (when kInLexicon)
  double booster = 0.0;     ///< booster increment (when kBooster)
};

/// Open-addressing hash table from words to WordInfo, built once and then only read.
///
/// Most tokens are not in the table, so a miss must be cheap: one byte per slot (0 for empty,
/// else seven bits of the key's hash) lives in its own small array, and only a matching byte
/// leads to the slot's entry. Linear probing, load factor at most 1/2.
class WordTable {
 public:
  WordTable() = default;

  /// @brief A table of every (key, info) pair of `words` (keys unique).
  template <class Map>
  explicit WordTable(const Map& words) {
    std::size_t capacity = 16;
    while (capacity < 2 * words.size()) capacity *= 2;
    bits_ = std::countr_zero(capacity);
    tags_.assign(capacity, 0);
    entries_.assign(capacity, Entry{});
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
      std::size_t idx = slot(h);
      while (tags_[idx] != 0) idx = (idx + 1) & (capacity - 1);
      tags_[idx] = tag(h);
      entries_[idx] = e;
    }
  }

  /// @brief The entry of `key`, or nullptr.
  [[nodiscard]] const WordInfo* find(std::string_view key) const {
    return find_impl<false>(key.data(), key.size());
  }

  /// @brief The entry of `key`, or an entry with no flags. The key's storage may be read up
  /// to the next multiple of eight bytes past its start (the bytes beyond it are ignored).
  /// Returning an entry either way spares the caller a hard-to-predict branch.
  [[nodiscard]] const WordInfo& get_padded(const char* data, std::size_t size) const {
    const WordInfo* info = find_impl<true>(data, size);
    return info ? *info : none_;
  }

 private:
  struct Entry {
    std::uint64_t first = 0;  ///< the key's first eight bytes, zero padded
    std::uint32_t len = 0;
    std::uint32_t rest = 0;   ///< index in rest_ of the key's later eight-byte words
    WordInfo info;
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
  /// slot; the low bits, folded with the high ones, give the tag.
  template <bool Padded>
  static std::uint64_t hash(const char* p, std::size_t n, std::uint64_t first) {
    constexpr std::uint64_t kMul = 0x9E3779B97F4A7C15ull;
    std::uint64_t h = (first ^ n) * kMul;
    for (std::size_t at = 8; at < n; at += 8) h = (h ^ load<Padded>(p + at, n - at)) * kMul;
    return h ^ (h >> 32);
  }
  [[nodiscard]] std::size_t slot(std::uint64_t h) const {
    return static_cast<std::size_t>(h >> (64 - bits_));
  }
  static std::uint8_t tag(std::uint64_t h) { return static_cast<std::uint8_t>(h | 1u); }

  template <bool Padded>
  const WordInfo* find_impl(const char* p, std::size_t n) const {
    if (tags_.empty()) return nullptr;
    const std::uint64_t first = n == 0 ? 0 : load<Padded>(p, n);
    const std::uint64_t h = hash<Padded>(p, n, first);
    const std::uint8_t t = tag(h);
    const std::size_t wrap = tags_.size() - 1;
    for (std::size_t idx = slot(h);; idx = (idx + 1) & wrap) {
      const std::uint8_t at = tags_[idx];
      if (at == 0) return nullptr;
      if (at != t) continue;
      const Entry& e = entries_[idx];
      if (e.len != n || e.first != first) continue;
      bool same = true;
      for (std::size_t k = 8, r = e.rest; k < n && same; k += 8, ++r)
        same = rest_[r] == load<Padded>(p + k, n - k);
      if (same) return &e.info;
    }
  }

  static constexpr WordInfo none_{};
  int bits_ = 0;
  std::vector<std::uint8_t> tags_;
  std::vector<Entry> entries_;  ///< by slot
  std::vector<std::uint64_t> rest_;
};

}  // namespace custinsight::detail
