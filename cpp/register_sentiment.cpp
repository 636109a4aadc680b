// Bindings for include/custinsight/sentiment/: lexicons, the analyser and batch scoring.

#include "bindings.hpp"

#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "custinsight/sentiment.hpp"

namespace custinsight::bindings {
namespace {

/// The UTF-8 bytes of a str (CPython caches them on the object, so no copy for ASCII text) or
/// of a bytes object. A str holding a lone surrogate has no UTF-8 form: ValueError. `name`
/// gives the argument's name for the error message; it is called only on errors.
template <class Name>
std::string_view utf8_view(PyObject* obj, Name&& name) {
  if (PyUnicode_Check(obj)) {
    Py_ssize_t size = 0;
    const char* data = PyUnicode_AsUTF8AndSize(obj, &size);
    if (!data) {
      PyErr_Clear();
      throw py::value_error(std::string(name()) +
                            " contains a lone surrogate: it is not valid Unicode text");
    }
    return {data, static_cast<std::size_t>(size)};
  }
  if (PyBytes_Check(obj)) {
    return {PyBytes_AS_STRING(obj), static_cast<std::size_t>(PyBytes_GET_SIZE(obj))};
  }
  throw py::type_error(std::string(name()) + " has type " + Py_TYPE(obj)->tp_name +
                       "; expected str");
}

/// None, a float NaN, or pandas' NA / NaT scalars (recognised by type name, so that the
/// extension does not import pandas).
bool is_missing(PyObject* obj) {
  if (obj == Py_None) return true;
  if (PyFloat_Check(obj)) return std::isnan(PyFloat_AS_DOUBLE(obj));
  if (PyUnicode_Check(obj) || PyBytes_Check(obj)) return false;
  const std::string_view type = Py_TYPE(obj)->tp_name;
  return type == "NAType" || type == "NaTType";
}

py::dict scores_dict(const SentimentScores& s, bool raw) {
  py::dict d;
  d["neg"] = raw ? s.raw_neg : s.neg;
  d["neu"] = raw ? s.raw_neu : s.neu;
  d["pos"] = raw ? s.raw_pos : s.pos;
  d["compound"] = raw ? s.raw_compound : s.compound;
  return d;
}

py::dict polarity_scores_one(const SentimentAnalyzer& analyzer, const py::handle& text,
                             bool raw) {
  const std::string_view view = utf8_view(text.ptr(), [] { return "text"; });
  return scores_dict(released([&] { return analyzer.polarity_scores(view); }), raw);
}

py::list contributions_one(const SentimentAnalyzer& analyzer, const py::handle& text,
                           std::size_t top_k) {
  const std::string_view view = utf8_view(text.ptr(), [] { return "text"; });
  std::vector<TokenContribution> top;
  released([&] { return analyzer.polarity_scores(view, top_k, &top); });
  py::list out;
  for (auto& t : top) out.append(py::make_tuple(t.token, t.contribution));
  return out;
}

py::dict score_batch(const SentimentAnalyzer& analyzer, const py::sequence& texts,
                     std::size_t top_k, bool allow_missing, bool raw) {
  // A list or tuple gives its items without a call per item; any other sequence is copied
  // into a list first.
  const py::object items = py::reinterpret_steal<py::object>(
      PySequence_Fast(texts.ptr(), "texts must be a sequence"));
  if (!items) throw py::error_already_set();
  const auto n = static_cast<std::size_t>(PySequence_Fast_GET_SIZE(items.ptr()));
  PyObject** item_ptrs = PySequence_Fast_ITEMS(items.ptr());
  // Keep every item alive while the GIL is released: another thread may change the list.
  std::vector<py::object> keep;
  keep.reserve(n);
  std::vector<std::string_view> views(n);
  std::vector<std::uint8_t> missing(n, 0);
  bool any_missing = false;
  for (std::size_t i = 0; i < n; ++i) {
    py::object item = py::reinterpret_borrow<py::object>(item_ptrs[i]);
    if (is_missing(item.ptr())) {
      if (!allow_missing) {
        throw py::value_error("texts[" + std::to_string(i) + "] is missing (" +
                              std::string(py::str(py::repr(item))) +
                              "); pass missing=\"nan\" to score it as NaN");
      }
      missing[i] = 1;
      any_missing = true;
    } else {
      views[i] = utf8_view(item.ptr(), [i] { return "texts[" + std::to_string(i) + "]"; });
    }
    keep.push_back(std::move(item));
  }
  const std::span<const std::uint8_t> missing_flags =
      any_missing ? std::span<const std::uint8_t>(missing) : std::span<const std::uint8_t>{};
  SentimentBatch b = released([&] {
    return score_texts(analyzer, views, missing_flags, SentimentBatchOptions{top_k, raw});
  });
  py::dict d;
  d["neg"] = to_numpy(b.neg);
  d["neu"] = to_numpy(b.neu);
  d["pos"] = to_numpy(b.pos);
  d["compound"] = to_numpy(b.compound);
  if (raw) {
    d["raw_neg"] = to_numpy(b.raw_neg);
    d["raw_neu"] = to_numpy(b.raw_neu);
    d["raw_pos"] = to_numpy(b.raw_pos);
    d["raw_compound"] = to_numpy(b.raw_compound);
  }
  if (top_k) {
    py::list tokens(b.top_token.size());
    for (std::size_t k = 0; k < b.top_token.size(); ++k) {
      if (b.top_token[k].empty()) tokens[k] = py::none();
      else tokens[k] = py::str(b.top_token[k]);
    }
    d["top_token"] = tokens;
    d["top_contribution"] = to_numpy(b.top_contribution);
  }
  return d;
}

py::list lexicon_items(const SentimentLexicon& lex) {
  py::list out;
  for (const auto& [k, v] : lex.entries()) out.append(py::make_tuple(k, v));
  return out;
}

py::list emoji_items(const SentimentLexicon& lex) {
  py::list out;
  for (const auto& [cp, desc] : lex.emoji()) {
    std::string key;
    detail::unicode::append_utf8(key, cp);
    out.append(py::make_tuple(key, desc));
  }
  for (const auto& [k, desc] : lex.emoji_sequences()) out.append(py::make_tuple(k, desc));
  return out;
}

constexpr const char* kBatchDoc = R"doc(
Score a sequence of texts (low level; see custinsight.SentimentAnalyzer.polarity_scores).

Parameters
----------
texts : sequence of str (or UTF-8 bytes); None and NaN are missing
top_tokens : how many top contributing tokens to report per text
allow_missing : score missing items as NaN instead of raising ValueError
raw : also return the unrounded scores (raw_neg, raw_neu, raw_pos, raw_compound)

Returns
-------
dict of float64 arrays neg, neu, pos, compound[, raw_*][, top_token (list, row-major),
top_contribution (array, row-major)]
)doc";

}  // namespace

void register_sentiment(py::module_& m) {
  py::class_<SentimentLexicon>(m, "SentimentLexicon",
                               R"doc(Token valences and an emoji table (see custinsight.Lexicon).)doc")
      .def(py::init<>())
      .def_static(
          "from_vader_text",
          [](const std::string& content, const std::string& source) {
            return value_or_throw(SentimentLexicon::from_vader_text(content, source));
          },
          "content"_a, "source"_a = "lexicon",
          R"doc(Parse VADER's `token<TAB>mean<TAB>sd<TAB>ratings` format; last line wins.)doc")
      .def_static(
          "from_afinn_text",
          [](const std::string& content, const std::string& source, double scale) {
            return value_or_throw(SentimentLexicon::from_afinn_text(content, source, scale));
          },
          "content"_a, "source"_a = "lexicon", "scale"_a = 1.0,
          R"doc(Parse AFINN's `token<TAB>integer` format; scores are multiplied by `scale`.)doc")
      .def_static(
          "from_file",
          [](const std::string& path, const std::string& format, double scale) {
            return released([&] { return SentimentLexicon::from_file(path, format, scale); });
          },
          "path"_a, "format"_a = "vader", "scale"_a = 1.0,
          R"doc(Read a lexicon file in "vader" or "afinn" format.)doc")
      .def_static(
          "embedded", []() { return default_sentiment_lexicon(); },
          R"doc(A copy of the library's embedded default lexicon.)doc")
      .def(
          "add_emoji_text",
          [](SentimentLexicon& lex, const std::string& content, const std::string& source) {
            throw_if_error(lex.add_emoji_text(content, source));
          },
          "content"_a, "source"_a = "emoji",
          R"doc(Add emoji descriptions in VADER's `emoji<TAB>description` format.)doc")
      .def(
          "add_emoji_file",
          [](SentimentLexicon& lex, const std::string& path) {
            throw_if_error(lex.add_emoji_file(path));
          },
          "path"_a, R"doc(Add emoji descriptions from a file.)doc")
      .def(
          "set",
          [](SentimentLexicon& lex, std::string_view token, double valence) {
            throw_if_error(lex.set(token, valence));
          },
          "token"_a, "valence"_a,
          R"doc(Set one token's valence (finite, within +/-1e6; ValueError otherwise).)doc")
      .def("set_emoji", &SentimentLexicon::set_emoji, "emoji"_a, "description"_a,
           R"doc(Map an emoji to its description.)doc")
      .def("merged", &SentimentLexicon::merged, "other"_a,
           R"doc(A new lexicon: this one with `other`'s entries added (other wins).)doc")
      .def(
          "get",
          [](const SentimentLexicon& lex, const std::string& token) -> py::object {
            if (const double* v = lex.find(token)) return py::float_(*v);
            return py::none();
          },
          "token"_a, R"doc(The valence of `token`, or None.)doc")
      .def("__len__", &SentimentLexicon::size)
      .def("__contains__",
           [](const SentimentLexicon& lex, const std::string& token) { return lex.contains(token); })
      .def_property_readonly("emoji_count", &SentimentLexicon::emoji_count)
      .def("items", &lexicon_items, R"doc(All (token, valence) pairs, unordered.)doc")
      .def("emoji_items", &emoji_items, R"doc(All (emoji, description) pairs, unordered.)doc");

  py::class_<SentimentAnalyzer>(m, "SentimentAnalyzer",
                                R"doc(VADER's rules over a lexicon (see custinsight.SentimentAnalyzer).)doc")
      .def(py::init([](const SentimentLexicon& lexicon, bool corrected) {
             return SentimentAnalyzer(lexicon, SentimentOptions{corrected});
           }),
           "lexicon"_a, "corrected"_a = false)
      .def_property_readonly("corrected",
                             [](const SentimentAnalyzer& a) { return a.options().corrected; })
      .def_property_readonly("lexicon", &SentimentAnalyzer::lexicon)
      .def(
          "polarity_scores",
          [](const SentimentAnalyzer& a, const py::handle& text) {
            return polarity_scores_one(a, text, false);
          },
          "text"_a, R"doc(Scores of one text: dict with neg, neu, pos, compound (rounded).)doc")
      .def(
          "raw_scores",
          [](const SentimentAnalyzer& a, const py::handle& text) {
            return polarity_scores_one(a, text, true);
          },
          "text"_a, R"doc(Unrounded scores of one text.)doc")
      .def("contributions", &contributions_one, "text"_a, "top_tokens"_a = 5,
           R"doc(The tokens with the largest absolute contributions: list of (token, value).)doc")
      .def("score_batch", &score_batch, "texts"_a, "top_tokens"_a = 0, "allow_missing"_a = false,
           "raw"_a = false, kBatchDoc);
}

}  // namespace custinsight::bindings
