#pragma once

// Phrase banks for simulated feedback. A comment is an opener set by the tone, a sentence about
// the touchpoint, and sometimes a closer; the vocabulary is the customer-service language the
// sentiment engine is meant to read ("on hold", "hung up", "went above and beyond" ...).

#include <array>
#include <string>
#include <string_view>

#include "custinsight/math/random.hpp"
#include "custinsight/touchpoint.hpp"

namespace custinsight::detail {

// Tone buckets: 0 very negative, 1 negative, 2 neutral, 3 positive, 4 very positive.
inline int tone_bucket(double tone) {
  if (tone < -1.2) return 0;
  if (tone < -0.4) return 1;
  if (tone < 0.4) return 2;
  if (tone < 1.2) return 3;
  return 4;
}

inline constexpr std::array<std::array<std::string_view, 4>, 5> kOpeners = {{
    {"Terrible experience.", "Absolutely awful.", "I am furious.", "Worst service ever."},
    {"Not great.", "Disappointing.", "Could be better.", "A bit frustrating."},
    {"It was ok.", "Nothing special.", "Average visit.", "Fine, I guess."},
    {"Good experience.", "Happy with it.", "Nice service.", "Pretty good overall."},
    {"Excellent service!", "Absolutely loved it!", "Outstanding.", "Amazing experience!"},
}};

inline constexpr std::array<std::array<std::string_view, 3>, 5> kClosers = {{
    {"I want to cancel my account.", "Never again.", "I want a refund."},
    {"I expected more.", "Please fix this.", "Not sure I will come back."},
    {"", "", ""},
    {"Thanks.", "Would use again.", "Keep it up."},
    {"Will definitely recommend!", "Thank you so much!", "Best in town."},
}};

// Per touchpoint: [negative, neutral, positive] sentences, two of each.
inline constexpr std::array<std::array<std::array<std::string_view, 2>, 3>, kTouchpointCount>
    kTouchpointPhrases = {{
        // in_person
        {{{"The staff was rude and ignored me.", "The store was a mess and nobody helped."},
          {"I picked up my order at the store.", "I visited the branch on Saturday."},
          {"The staff was friendly and helpful.", "The clerk was patient and kind."}}},
        // phone
        {{{"I was on hold for forty minutes and then they hung up.",
           "The agent was condescending and used jargon."},
          {"I called about my bill.", "I phoned to change my address."},
          {"The agent was patient and resolved it quickly.",
           "The call was quick and the agent was polite."}}},
        // web
        {{{"The website kept crashing at checkout.", "The site is confusing and slow."},
          {"I used the website to check my order.", "I updated my details online."},
          {"The website was easy to use.", "Checkout online was fast and simple."}}},
        // chat
        {{{"The chat bot was useless and no one answered.",
           "The chat agent kept repeating the same script."},
          {"I used the live chat to ask a question.", "I asked about delivery in the chat."},
          {"The chat agent solved my problem in minutes.", "Quick and helpful chat support."}}},
        // social
        {{{"No reply to my message for days.", "They deleted my complaint instead of answering."},
          {"I sent them a message on social media.", "I asked a question on their page."},
          {"They replied quickly and were friendly.", "Great response on social media."}}},
        // kiosk
        {{{"The kiosk was broken again.", "The kiosk froze and ate my card."},
          {"I used the kiosk to print a ticket.", "I checked in at the kiosk."},
          {"The kiosk was quick and easy.", "The kiosk worked perfectly."}}},
        // field_service
        {{{"The technician never showed up.", "The repair failed and the technician was late."},
          {"A technician came to repair the router.", "The repair visit was on Tuesday."},
          {"The technician went above and beyond.", "The repair was done fast and well."}}},
    }};

/// A short comment about touchpoint `t` whose tone follows `tone` (a standard-normal scale).
inline std::string feedback_text(Touchpoint t, double tone, Rng& rng) {
  const int bucket = tone_bucket(tone);
  const int polarity = bucket < 2 ? 0 : (bucket == 2 ? 1 : 2);
  std::string text(kOpeners[static_cast<std::size_t>(bucket)][rng.below(4)]);
  text += ' ';
  text += kTouchpointPhrases[static_cast<std::size_t>(t)][static_cast<std::size_t>(polarity)]
                            [rng.below(2)];
  const std::string_view closer = kClosers[static_cast<std::size_t>(bucket)][rng.below(3)];
  if (!closer.empty() && rng.bernoulli(0.6)) {
    text += ' ';
    text += closer;
  }
  return text;
}

}  // namespace custinsight::detail
