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
class WordTable {
 public:
  WordTable() = default;

  /// @brief A table of every (key, info) pair of `words` (keys unique).
  template <class Map>
  explicit WordTable(const Map& words) {
    std::size_t capacity = 16;
    while (capacity < 2 * words.size()) capacity *= 2;  // load factor at most 1/2
    bits_ = std::countr_zero(capacity);
    slots_.assign(capacity, Slot{});
    entries_.reserve(words.size());
    for (const auto& [key, info] : words) {
      const std::string_view k(key);
      Entry e;
      e.len = static_cast<std::uint32_t>(k.size());
      e.rest = static_cast<std::uint32_t>(rest_.size());
      e.first = k.empty() ? 0 : load_safe(k.data(), k.size());
      for (std::size_t at = 8; at < k.size(); at += 8)
        rest_.push_back(load_safe(k.data() + at, k.size() - at));
      e.info = info;
      const std::uint64_t h = hash<false>(k.data(), k.size());
      std::size_t idx = static_cast<std::size_t>(h >> (64 - bits_));
      while (slots_[idx].entry != 0) idx = (idx + 1) & (capacity - 1);
      slots_[idx] = Slot{static_cast<std::uint32_t>(entries_.size() + 1),
                         static_cast<std::uint32_t>(h)};
      entries_.push_back(e);
    }
  }

  /// @brief The entry of `key`, or nullptr.
  [[nodiscard]] const WordInfo* find(std::string_view key) const {
    return find_impl<false>(key.data(), key.size());
  }

  /// @brief As find, for a key whose storage may be read up to the next multiple of eight
  /// bytes past its start (the bytes beyond the key are ignored).
  [[nodiscard]] const WordInfo* find_padded(const char* data, std::size_t size) const {
    return find_impl<true>(data, size);
  }

  [[nodiscard]] std::size_t size() const { return entries_.size(); }

 private:
  struct Slot {
    std::uint32_t entry = 0;  ///< index into entries_ plus one; 0 is empty
    std::uint32_t tag = 0;    ///< low half of the key's hash
  };
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

  template <bool Padded>
  static std::uint64_t hash(const char* p, std::size_t n) {
    constexpr std::uint64_t kMul = 0x9E3779B97F4A7C15ull;
    std::uint64_t h = (static_cast<std::uint64_t>(n) + 1) * 0xC2B2AE3D27D4EB4Full;
    if (n != 0) h = (h ^ load<Padded>(p, n)) * kMul;
    for (std::size_t at = 8; at < n; at += 8) h = (h ^ load<Padded>(p + at, n - at)) * kMul;
    h ^= h >> 32;
    h *= kMul;
    return h ^ (h >> 29);
  }

  template <bool Padded>
  const WordInfo* find_impl(const char* p, std::size_t n) const {
    if (slots_.empty()) return nullptr;
    const std::uint64_t h = hash<Padded>(p, n);
    const auto tag = static_cast<std::uint32_t>(h);
    const std::size_t wrap = slots_.size() - 1;
    for (auto idx = static_cast<std::size_t>(h >> (64 - bits_));; idx = (idx + 1) & wrap) {
      const Slot s = slots_[idx];
      if (s.entry == 0) return nullptr;
      if (s.tag != tag) continue;
      const Entry& e = entries_[s.entry - 1];
      if (e.len != n || e.first != (n == 0 ? 0 : load<Padded>(p, n))) continue;
      bool same = true;
      for (std::size_t at = 8, k = e.rest; at < n && same; at += 8, ++k)
        same = rest_[k] == load<Padded>(p + at, n - at);
      if (same) return &e.info;
    }
  }

  int bits_ = 0;
  std::vector<Slot> slots_;
  std::vector<Entry> entries_;
  std::vector<std::uint64_t> rest_;
};

}  // namespace custinsight::detail
