// AFINN's lexicon format (token<TAB>integer) from arbitrary bytes, with a decoded scale; an
// accepted lexicon then scores a text built from the rest of the input.

#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <string>

#include "fuzz_lexicon_common.hpp"

namespace ci = custinsight;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const double scale = in.ConsumeBool() ? 0.8 : in.ConsumeFloatingPoint<double>();
  const std::string content = in.ConsumeRandomLengthString(1 << 16);
  const std::string text = in.ConsumeRemainingBytesAsString();
  auto lexicon = ci::SentimentLexicon::from_afinn_text(content, "lexicon", scale);
  if (ci::detail::unicode::first_invalid_utf8(content)) CUSTINSIGHT_FUZZ_CHECK(!lexicon.ok());
  if (!lexicon.ok()) return 0;
  for (const auto& [token, valence] : lexicon->entries())
    CUSTINSIGHT_FUZZ_CHECK(std::isfinite(valence));
  ci::fuzz::score_with(*lexicon, text);
  return 0;
}
