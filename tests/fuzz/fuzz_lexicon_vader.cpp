// VADER's lexicon format (token<TAB>mean<TAB>...) and its emoji table (emoji<TAB>description)
// from arbitrary bytes; an accepted lexicon then scores a text built from the rest of the input.

#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <string>

#include "fuzz_lexicon_common.hpp"

namespace ci = custinsight;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const bool emoji_table = in.ConsumeBool();
  const std::string content = in.ConsumeRandomLengthString(1 << 16);
  const std::string text = in.ConsumeRemainingBytesAsString();
  const bool valid_utf8 = !ci::detail::unicode::first_invalid_utf8(content).has_value();
  if (emoji_table) {
    ci::SentimentLexicon lexicon = ci::default_sentiment_lexicon();
    const absl::Status status = lexicon.add_emoji_text(content, "emoji");
    if (!valid_utf8) CUSTINSIGHT_FUZZ_CHECK(!status.ok());
    if (status.ok()) ci::fuzz::score_with(lexicon, text);
  } else {
    auto lexicon = ci::SentimentLexicon::from_vader_text(content, "lexicon");
    if (!valid_utf8) CUSTINSIGHT_FUZZ_CHECK(!lexicon.ok());
    if (!lexicon.ok()) return 0;
    for (const auto& [token, valence] : lexicon->entries())
      CUSTINSIGHT_FUZZ_CHECK(std::isfinite(valence));
    ci::fuzz::score_with(*lexicon, text);
  }
  return 0;
}
