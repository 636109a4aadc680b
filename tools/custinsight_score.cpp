// custinsight-score: the insight table from CSV files, without Python.
//
//   custinsight-score --transactions tx.csv [--feedback fb.csv] [--contacts contacts.csv]
//                     [--transcripts turns.jsonl] [--as-of YYYY-MM-DD]
//                     [--config settings.json] --out scores.csv
//
// The numbers are those of `custinsight score` (same core, same steps; see
// include/custinsight/insight/pipeline.hpp). Exit code 2 with a one-line message on bad input;
// the output is written to a temporary file and renamed, so a failure leaves nothing behind.

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "custinsight/insight/config.hpp"
#include "custinsight/insight/csv.hpp"
#include "custinsight/insight/ids.hpp"
#include "custinsight/insight/pipeline.hpp"

#include <signal.h>
#include <unistd.h>

namespace ins = custinsight::insight;

namespace {

// The temporary output file while it exists, for the signal handler: a handler may only call
// async-signal-safe functions, so the path sits in a fixed buffer and unlink(2) removes it.
char g_tmp_path[4096] = {};

extern "C" void remove_tmp_and_reraise(int sig) {
  if (g_tmp_path[0] != '\0') ::unlink(g_tmp_path);
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

/// ".<name>.<pid>.tmp" beside the output, the name the Python writer uses too.
std::filesystem::path temp_path(const std::filesystem::path& out, long pid) {
  return out.parent_path() / ("." + out.filename().string() + "." + std::to_string(pid) + ".tmp");
}

/// Remove the temporary files of earlier runs for the same output whose process is gone (a
/// run killed by SIGKILL cannot clean up after itself).
void sweep_stale_temp_files(const std::filesystem::path& out) {
  const std::string prefix = "." + out.filename().string() + ".";
  std::error_code ec;
  const auto dir = out.parent_path().empty() ? std::filesystem::path(".") : out.parent_path();
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() <= prefix.size() + 4 || name.rfind(prefix, 0) != 0 ||
        name.substr(name.size() - 4) != ".tmp")
      continue;
    const std::string pid = name.substr(prefix.size(), name.size() - prefix.size() - 4);
    long value = 0;
    if (pid.empty() || pid.size() > 9 || !absl::SimpleAtoi(pid, &value) || value <= 0) continue;
    if (::kill(static_cast<pid_t>(value), 0) != 0 && errno == ESRCH)
      std::filesystem::remove(entry.path(), ec);
  }
}

struct Args {
  std::string transactions, feedback, as_of, config, out;
  std::string customer_id_col = "customer_id", datetime_col = "datetime", amount_col = "amount";
  std::string fb_customer_id_col = "customer_id", fb_datetime_col = "datetime";
  std::string touchpoint_col, rating_col, nps_col, text_col;
  std::string contacts, contact_customer_id_col = "customer_id", contact_datetime_col = "datetime";
  std::string direction_col, complaint_col;
  std::string transcripts, transcript_customer_id_col = "customer_id";
  std::string conversation_id_col = "conversation_id", role_col = "role", turn_time_col = "time";
  std::string turn_text_col = "text";
};

absl::StatusOr<Args> parse_args(int argc, char** argv) {
  Args a;
  std::map<std::string, std::string*> options{
      {"--transactions", &a.transactions}, {"--feedback", &a.feedback}, {"--as-of", &a.as_of},
      {"--config", &a.config}, {"--out", &a.out}, {"--customer-id-col", &a.customer_id_col},
      {"--datetime-col", &a.datetime_col}, {"--amount-col", &a.amount_col},
      {"--feedback-customer-id-col", &a.fb_customer_id_col},
      {"--feedback-datetime-col", &a.fb_datetime_col}, {"--touchpoint-col", &a.touchpoint_col},
      {"--rating-col", &a.rating_col}, {"--nps-col", &a.nps_col}, {"--text-col", &a.text_col},
      {"--contacts", &a.contacts}, {"--contact-customer-id-col", &a.contact_customer_id_col},
      {"--contact-datetime-col", &a.contact_datetime_col}, {"--direction-col", &a.direction_col},
      {"--complaint-col", &a.complaint_col}, {"--transcripts", &a.transcripts},
      {"--transcript-customer-id-col", &a.transcript_customer_id_col},
      {"--conversation-id-col", &a.conversation_id_col}, {"--role-col", &a.role_col},
      {"--turn-time-col", &a.turn_time_col}, {"--turn-text-col", &a.turn_text_col}};
  for (int i = 1; i < argc; ++i) {
    const std::string key = argv[i];
    auto it = options.find(key);
    if (it == options.end()) return absl::InvalidArgumentError("unknown argument " + key);
    if (i + 1 >= argc) return absl::InvalidArgumentError(key + " needs a value");
    *it->second = argv[++i];
  }
  if (a.transactions.empty()) return absl::InvalidArgumentError("give --transactions FILE");
  if (a.out.empty()) return absl::InvalidArgumentError("give --out FILE.csv");
  return a;
}

/// The id cells of one input, trimmed; an empty id is an error naming the line.
absl::StatusOr<std::vector<std::string>> id_cells(const ins::CsvColumns& csv, std::size_t col) {
  std::vector<std::string> out(csv.cells[col].size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = std::string(absl::StripAsciiWhitespace(csv.cells[col][i]));
    if (out[i].empty())
      return absl::InvalidArgumentError(absl::StrFormat("%s: line %d: column '%s' is empty",
                                                        csv.file, csv.line[i], csv.names[col]));
  }
  return out;
}

absl::Status check_range(const ins::CsvColumns& csv, std::size_t col, const std::vector<double>& v,
                         double lo, double hi) {
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (std::isnan(v[i])) continue;
    if (v[i] < lo || v[i] > hi || v[i] != std::round(v[i]))
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: line %d: column '%s': '%s' is not a whole number in %g..%g", csv.file, csv.line[i],
          csv.names[col], csv.cells[col][i], lo, hi));
  }
  return absl::OkStatus();
}

std::string num(double x) {
  if (std::isnan(x)) return "";
  return absl::StrFormat("%.17g", x);
}

std::string quote(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

absl::StatusOr<ins::Contacts> read_contacts(const Args& a, std::vector<std::string>& id_text) {
  std::vector<std::string> required{a.contact_customer_id_col, a.contact_datetime_col};
  std::vector<std::string> optional;
  // Named columns must exist; the standard names are used when present.
  for (auto [given, standard] : {std::pair{&a.direction_col, "direction"},
                                 {&a.complaint_col, "complaint"}})
    (given->empty() ? optional : required).push_back(given->empty() ? standard : *given);
  CUSTINSIGHT_ASSIGN_OR_RETURN(auto csv, ins::read_csv(a.contacts, required, optional));
  ins::Contacts c;
  CUSTINSIGHT_ASSIGN_OR_RETURN(id_text, id_cells(csv, 0));
  CUSTINSIGHT_ASSIGN_OR_RETURN(c.time_ns, ins::parse_dates(csv, 1));
  const std::string direction = a.direction_col.empty() ? "direction" : a.direction_col;
  const std::string complaint = a.complaint_col.empty() ? "complaint" : a.complaint_col;
  if (auto k = csv.find(direction); k >= 0) {
    CUSTINSIGHT_ASSIGN_OR_RETURN(
        c.outbound, ins::parse_labels(csv, static_cast<std::size_t>(k), {"inbound", "outbound"}));
  }
  if (auto k = csv.find(complaint); k >= 0) {
    CUSTINSIGHT_ASSIGN_OR_RETURN(c.complaint, ins::parse_flags(csv, static_cast<std::size_t>(k)));
  }
  return c;
}

absl::StatusOr<ins::SupportTurns> read_transcripts(const Args& a,
                                                   std::vector<std::string>& id_text) {
  CUSTINSIGHT_ASSIGN_OR_RETURN(
      auto js, ins::read_jsonl(a.transcripts, {a.transcript_customer_id_col, a.conversation_id_col,
                                               a.role_col, a.turn_time_col},
                               {a.turn_text_col}));
  ins::SupportTurns t;
  CUSTINSIGHT_ASSIGN_OR_RETURN(id_text, id_cells(js, 0));
  // Conversation codes in order of first appearance.
  absl::flat_hash_map<std::string, std::int32_t> code;
  for (std::size_t i = 0; i < js.rows(); ++i) {
    // Trimmed as the Python reader trims it, so both number the conversations alike.
    const std::string id(absl::StripAsciiWhitespace(js.cells[1][i]));
    if (id.empty())
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: line %d: field '%s' is empty", js.file, js.line[i], js.names[1]));
    auto [it, fresh] = code.emplace(id, static_cast<std::int32_t>(code.size()));
    t.conversation.push_back(it->second);
  }
  t.n_conversations = static_cast<std::int32_t>(code.size());
  CUSTINSIGHT_ASSIGN_OR_RETURN(t.role, ins::parse_labels(js, 2, {"agent", "customer"}));
  CUSTINSIGHT_ASSIGN_OR_RETURN(t.time_ns, ins::parse_dates(js, 3));
  t.text = js.cells[4];
  return t;
}

absl::Status run(const Args& a) {
  ins::InsightConfig cfg;
  if (!a.config.empty()) {
    std::ifstream in(a.config);
    if (!in) return absl::InvalidArgumentError(a.config + ": no such file");
    std::stringstream text;
    text << in.rdbuf();
    auto c = ins::config_from_json(text.str());
    if (!c.ok()) return absl::InvalidArgumentError(a.config + ": " + std::string(c.status().message()));
    cfg = *c;
  }
  CUSTINSIGHT_ASSIGN_OR_RETURN(
      auto txc, ins::read_csv(a.transactions, {a.customer_id_col, a.datetime_col, a.amount_col}));
  ins::Transactions tx;
  // Ids are typed once, from the ids of every input together (insight/ids.hpp).
  std::vector<std::vector<std::string>> id_text(1);
  CUSTINSIGHT_ASSIGN_OR_RETURN(id_text[0], id_cells(txc, 0));
  CUSTINSIGHT_ASSIGN_OR_RETURN(tx.time_ns, ins::parse_dates(txc, 1));
  CUSTINSIGHT_ASSIGN_OR_RETURN(tx.amount, ins::parse_numbers(txc, 2, false));
  for (std::size_t i = 0; i < tx.amount.size(); ++i)
    if (tx.amount[i] < 0)
      return absl::InvalidArgumentError(absl::StrFormat("%s: line %d: column '%s': %s is negative",
                                                        txc.file, txc.line[i], txc.names[2],
                                                        ins::quote_value(txc.cells[2][i])));
  std::optional<ins::Feedback> fb;
  std::vector<std::string> fb_ids, contact_ids, turn_ids;
  if (!a.feedback.empty()) {
    auto pick = [](const std::string& given, const char* standard) {
      return given.empty() ? std::string(standard) : given;
    };
    std::vector<std::string> required{a.fb_customer_id_col, a.fb_datetime_col};
    std::vector<std::string> optional;
    // Named columns must exist; the standard names are used when present.
    for (auto [given, standard] : {std::pair{&a.touchpoint_col, "touchpoint"},
                                   {&a.rating_col, "csat"}, {&a.nps_col, "nps"},
                                   {&a.text_col, "text"}})
      (given->empty() ? optional : required).push_back(pick(*given, standard));
    CUSTINSIGHT_ASSIGN_OR_RETURN(auto fbc, ins::read_csv(a.feedback, required, optional));
    fb.emplace();
    CUSTINSIGHT_ASSIGN_OR_RETURN(fb_ids, id_cells(fbc, 0));
    CUSTINSIGHT_ASSIGN_OR_RETURN(fb->time_ns, ins::parse_dates(fbc, 1));
    if (auto k = fbc.find(pick(a.rating_col, "csat")); k >= 0) {
      CUSTINSIGHT_ASSIGN_OR_RETURN(fb->rating, ins::parse_numbers(fbc, static_cast<std::size_t>(k), true));
      CUSTINSIGHT_RETURN_IF_ERROR(check_range(fbc, static_cast<std::size_t>(k), fb->rating,
                                                  cfg.rating_scale.min, cfg.rating_scale.max));
    }
    if (auto k = fbc.find(pick(a.nps_col, "nps")); k >= 0) {
      CUSTINSIGHT_ASSIGN_OR_RETURN(fb->nps, ins::parse_numbers(fbc, static_cast<std::size_t>(k), true));
      CUSTINSIGHT_RETURN_IF_ERROR(check_range(fbc, static_cast<std::size_t>(k), fb->nps, 0, 10));
    }
    if (auto k = fbc.find(pick(a.text_col, "text")); k >= 0) {
      fb->text = fbc.cells[static_cast<std::size_t>(k)];
      fb->text_missing.resize(fb->text.size());
      for (std::size_t i = 0; i < fb->text.size(); ++i) fb->text_missing[i] = fb->text[i].empty();
    }
  }
  std::optional<std::int64_t> as_of;
  if (!a.as_of.empty()) {
    std::int64_t ns = 0;
    const auto e = ins::parse_datetime_ns(a.as_of, ns);
    if (e == ins::DateError::kOutOfRange)
      return absl::InvalidArgumentError("--as-of " + ins::quote_value(a.as_of) +
                                        " is out of range (" + ins::kDateRange + ")");
    if (e != ins::DateError::kNone)
      return absl::InvalidArgumentError("--as-of " + ins::quote_value(a.as_of) + " is not a date");
    as_of = ns;
  }
  std::optional<ins::Contacts> contacts;
  if (!a.contacts.empty()) {
    CUSTINSIGHT_ASSIGN_OR_RETURN(contacts, read_contacts(a, contact_ids));
  }
  std::optional<ins::SupportTurns> support;
  if (!a.transcripts.empty()) {
    CUSTINSIGHT_ASSIGN_OR_RETURN(support, read_transcripts(a, turn_ids));
  }
  const std::span<const std::string> inputs[] = {id_text[0], fb_ids, contact_ids, turn_ids};
  const ins::CustomerIds ids = ins::code_customer_ids(inputs);
  tx.customer = ids.codes[0];
  if (fb) fb->customer = ids.codes[1];
  if (contacts) contacts->customer = ids.codes[2];
  if (support) support->customer = ids.codes[3];
  CUSTINSIGHT_ASSIGN_OR_RETURN(
      auto table, ins::score_table(tx, fb ? &*fb : nullptr, as_of, cfg,
                                   contacts ? &*contacts : nullptr, support ? &*support : nullptr,
                                   [&](std::int64_t id) { return ids.label(id); }));

  const auto seg_rules = ins::segment_rule_texts(cfg);
  const auto act_rules = ins::action_rule_texts(cfg);
  const std::filesystem::path out(a.out), tmp = temp_path(out, static_cast<long>(::getpid()));
  sweep_stale_temp_files(out);
  if (tmp.string().size() >= sizeof g_tmp_path)
    return absl::InvalidArgumentError(a.out + ": the path is too long");
  std::strncpy(g_tmp_path, tmp.c_str(), sizeof g_tmp_path - 1);
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) std::signal(sig, remove_tmp_and_reraise);
  {
    std::ofstream f(tmp, std::ios::binary);
    if (!f) return absl::InvalidArgumentError(a.out + ": cannot write");
    f << "customer_id,frequency,recency,T,monetary_value,p_alive,expected_purchases,clv,"
         "churn_risk,no_purchase_risk,satisfaction,satisfaction_trend,n_responses,nps_latest,"
         "nps_class,loyalty_score,insight_score,segment,segment_rule,action,action_rule,drivers,"
         "main_driver";
    if (table.contacts) f << ",outbound_30d,days_since_complaint";
    if (table.support) f << ",n_conversations,support_quality,support_ending";
    f << '\n';
    const auto& s = table.scores;
    for (std::size_t i = 0; i < table.customer.size(); ++i) {
      const double nps = table.nps_latest[i];
      const char* nps_class = std::isnan(nps) ? "" : nps >= 9 ? "promoter" : nps >= 7 ? "passive" : "detractor";
      const auto seg = static_cast<std::size_t>(s.segment[i]);
      const auto act = static_cast<std::size_t>(s.action[i]);
      const auto drv = static_cast<std::size_t>(s.main_driver[i]);
      f << quote(ids.label(table.customer[i]))
        << ',' << num(table.frequency[i]) << ',' << num(table.recency[i]) << ','
        << num(table.T[i]) << ',' << num(table.monetary_value[i]) << ',' << num(table.p_alive[i])
        << ',' << num(table.expected_purchases[i]) << ',' << num(table.clv[i]) << ','
        << num(table.churn_risk[i]) << ',' << num(table.no_purchase_risk[i]) << ','
        << num(table.satisfaction[i]) << ',' << num(table.satisfaction_trend[i]) << ','
        << table.n_responses[i] << ',' << (std::isnan(nps) ? "" : std::to_string(static_cast<int>(nps)))
        << ',' << nps_class << ',' << num(s.loyalty[i]) << ',' << num(s.insight[i]) << ','
        << quote(ins::kSegments[seg]) << ',' << quote(seg_rules[seg]) << ','
        << quote(ins::kActions[act]) << ',' << quote(act_rules[act]) << ','
        << quote(s.drivers[i]) << ',' << (drv < ins::kDrivers.size() ? ins::kDrivers[drv] : "");
      if (table.contacts)
        f << ',' << num(table.contacts->outbound_30d[i]) << ','
          << num(table.contacts->days_since_complaint[i]);
      if (table.support)
        f << ',' << table.support->n_conversations[i] << ','
          << num(table.support->support_quality[i]) << ',' << num(table.support->support_ending[i]);
      f << '\n';
    }
    if (!f) return absl::InvalidArgumentError(a.out + ": write failed");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, out, ec);
  if (ec) return absl::InvalidArgumentError(a.out + ": cannot rename the temporary file");
  g_tmp_path[0] = '\0';
  std::cout << absl::StrFormat("Scored %d customers with the %s model; wrote %s\n",
                               table.customer.size(), table.model, a.out);
  if (!table.model_note.empty()) std::cout << "Note: " << table.model_note << "\n";
  if (!table.spend_note.empty()) std::cout << "Note: " << table.spend_note << "\n";
  for (const auto& j : table.joins)
    if (const std::string note = ins::join_note(j); !note.empty()) std::cout << "Note: " << note << "\n";
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  auto args = parse_args(argc, argv);
  absl::Status status = args.ok() ? run(*args) : args.status();
  if (!status.ok()) {
    if (g_tmp_path[0] != '\0') ::unlink(g_tmp_path);
    std::cerr << "custinsight-score: error: " << status.message() << "\n";
    return 2;
  }
  return 0;
}
