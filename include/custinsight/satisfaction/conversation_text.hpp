#pragma once

/// @file conversation_text.hpp
/// @brief The text side of conversation quality: a small tokeniser, phrase matching on token
/// sequences, and the embedded default vocabularies (technical jargon of IT and telecom
/// support, condescension, impatience and confusion cues).

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"

namespace custinsight {

/// @brief Default technical terms of IT and telecom support. Everyday words a customer would
/// use themselves ("router", "internet", "password") are deliberately left out: jargon density
/// should measure what the customer may not know.
inline std::vector<std::string> default_jargon() {
  return {"dns", "dhcp", "ip address", "ipv4", "ipv6", "mac address", "subnet", "subnet mask",
          "gateway", "default gateway", "latency", "packet loss", "bandwidth", "throughput",
          "ping", "traceroute", "vlan", "nat", "port forwarding", "ssid", "wpa2", "wpa3", "mtu",
          "isp", "ont", "olt", "fttp", "fttc", "dsl", "adsl", "vdsl", "docsis", "apn", "imei",
          "puk", "lte", "volte", "provisioning", "backhaul", "sla", "firmware", "power cycle",
          "factory reset", "ethernet", "wan", "lan", "ssl", "vpn", "proxy", "tcp", "udp", "dns cache",
          "ipconfig", "bios", "kernel", "registry", "cache", "cookies", "2fa", "otp",
          "oauth", "backend", "api", "qos", "jitter", "sip", "voip", "pbx", "cpe", "splitter",
          "attenuation", "snr", "sync rate", "line profile", "dlm", "dhcp lease", "interface",
          "configuration", "config", "protocol", "node", "ticket escalation", "tier 2",
          "2.4ghz", "5ghz", "channel interference", "bridge mode", "static ip",
          "dynamic ip", "nameserver", "handshake", "ssl certificate", "modem firmware"};
}

/// @brief Default condescension cues in agent turns.
inline std::vector<std::string> default_condescension() {
  return {"obviously", "it's simple", "it is simple", "it's very simple", "it's really simple",
          "it's easy", "you should know", "you should have known", "as you should know",
          "everyone knows", "clearly you", "it's not rocket science", "it's not that hard",
          "it's not hard", "read the manual", "pay attention", "calm down", "even a child",
          "any child", "surely you know", "as anyone knows"};
}

/// @brief Default impatience cues in agent turns.
inline std::vector<std::string> default_impatience() {
  return {"as i already said", "as i said", "like i said", "as i already explained",
          "as i explained", "i already told you", "i already said", "how many times",
          "for the last time", "as i keep saying", "hurry up", "i don't have all day",
          "i haven't got all day", "let's move on", "can we move on", "just do what i said",
          "just do it", "i have other customers", "are you done", "once again"};
}

/// @brief Default signs of confusion in customer turns.
inline std::vector<std::string> default_confusion() {
  return {"what do you mean", "i don't understand", "i do not understand", "i dont understand",
          "i'm confused", "i am confused", "im confused", "not sure what you mean",
          "what does that mean", "what does this mean", "can you explain", "could you explain",
          "i don't get it", "i dont get it", "i'm lost", "i am lost", "i don't follow",
          "what is that", "what's that", "what is a", "what's a", "say that again",
          "in plain english", "sorry what", "huh", "no idea what"};
}

namespace detail {

/// Lower-cased tokens of a text. A token is a run of ASCII letters and digits, joined by an
/// apostrophe, hyphen or dot between two such characters ("it's", "wi-fi", "2.4ghz"); bytes of
/// multi-byte UTF-8 characters count as letters, and the typographic apostrophe is read as
/// "'", so "it’s" and "it's" match the same cue.
class Tokens {
 public:
  explicit Tokens(std::string_view text) {
    lower_.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
      const auto b = static_cast<unsigned char>(text[i]);
      if (b == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
          static_cast<unsigned char>(text[i + 2]) == 0x99) {
        lower_.push_back('\'');
        i += 2;
      } else if (b >= 'A' && b <= 'Z') {
        lower_.push_back(static_cast<char>(b - 'A' + 'a'));
      } else {
        lower_.push_back(static_cast<char>(b));
      }
    }
    auto word = [](unsigned char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
    };
    auto joiner = [](char c) { return c == '\'' || c == '-' || c == '.'; };
    const std::size_t n = lower_.size();
    std::size_t i = 0;
    while (i < n) {
      if (!word(static_cast<unsigned char>(lower_[i]))) {
        ++i;
        continue;
      }
      const std::size_t start = i;
      while (i < n) {
        if (word(static_cast<unsigned char>(lower_[i]))) {
          ++i;
        } else if (joiner(lower_[i]) && i + 1 < n && word(static_cast<unsigned char>(lower_[i + 1]))) {
          i += 2;
        } else {
          break;
        }
      }
      views_.emplace_back(lower_.data() + start, i - start);
    }
  }
  Tokens(const Tokens&) = delete;
  Tokens& operator=(const Tokens&) = delete;

  [[nodiscard]] const std::vector<std::string_view>& views() const { return views_; }
  [[nodiscard]] std::size_t size() const { return views_.size(); }

 private:
  std::string lower_;
  std::vector<std::string_view> views_;
};

/// A set of phrases matched on whole tokens, longest first and without overlaps.
class PhraseSet {
 public:
  PhraseSet() = default;
  explicit PhraseSet(const std::vector<std::string>& phrases) {
    for (const auto& p : phrases) {
      Tokens t(p);
      if (t.size() == 0) continue;
      std::vector<std::string> words(t.views().begin(), t.views().end());
      by_first_[words.front()].push_back(std::move(words));
    }
    for (auto& [first, list] : by_first_) {
      std::sort(list.begin(), list.end(),
                [](const auto& a, const auto& b) { return a.size() > b.size(); });
    }
  }

  struct Matches {
    std::int64_t phrases = 0;  ///< phrase occurrences
    std::int64_t tokens = 0;   ///< tokens covered by them
  };

  [[nodiscard]] Matches match(const std::vector<std::string_view>& tokens) const {
    Matches m;
    if (by_first_.empty()) return m;
    std::size_t i = 0;
    while (i < tokens.size()) {
      std::size_t len = match_at(tokens, i);
      if (len > 0) {
        ++m.phrases;
        m.tokens += static_cast<std::int64_t>(len);
        i += len;
      } else {
        ++i;
      }
    }
    return m;
  }

 private:
  [[nodiscard]] std::size_t match_at(const std::vector<std::string_view>& tokens,
                                     std::size_t i) const {
    // absl may have its own string_view: look up through it so that no string is built.
    auto it = by_first_.find(absl::string_view(tokens[i].data(), tokens[i].size()));
    if (it == by_first_.end()) return 0;
    for (const auto& phrase : it->second) {
      if (i + phrase.size() > tokens.size()) continue;
      bool ok = true;
      for (std::size_t j = 1; j < phrase.size() && ok; ++j) ok = tokens[i + j] == phrase[j];
      if (ok) return phrase.size();
    }
    return 0;
  }

  absl::flat_hash_map<std::string, std::vector<std::vector<std::string>>> by_first_;
};

/// Jaccard similarity of two sorted, de-duplicated token lists.
inline double jaccard(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b) {
  if (a.empty() && b.empty()) return 0.0;
  std::size_t common = 0, i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] == b[j]) {
      ++common, ++i, ++j;
    } else if (a[i] < b[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return static_cast<double>(common) / static_cast<double>(a.size() + b.size() - common);
}

}  // namespace detail
}  // namespace custinsight
