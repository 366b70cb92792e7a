#include "common/vulndb/cvss4.h"

#include <cmath>
#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/vulndb/cvss4_tables.h"

namespace strata {
namespace {

using Metrics = std::map<std::string, std::string, std::less<>>;

struct MetricSpec {
  const char* name;
  const char* values;  // allowed single-letter values
  bool required;
};

constexpr MetricSpec kMetrics[] = {
    {"AV", "NALP", true}, {"AC", "LH", true},    {"AT", "NP", true},     {"PR", "NLH", true},
    {"UI", "NPA", true},  {"VC", "HLN", true},   {"VI", "HLN", true},    {"VA", "HLN", true},
    {"SC", "HLN", true},  {"SI", "HLN", true},   {"SA", "HLN", true},    {"E", "XAPU", false},
    {"CR", "XHML", false}, {"IR", "XHML", false}, {"AR", "XHML", false}, {"MAV", "XNALP", false},
    {"MAC", "XLH", false}, {"MAT", "XNP", false}, {"MPR", "XNLH", false}, {"MUI", "XNPA", false},
    {"MVC", "XHLN", false}, {"MVI", "XHLN", false}, {"MVA", "XHLN", false}, {"MSC", "XHLN", false},
    {"MSI", "XHLNS", false}, {"MSA", "XHLNS", false}, {"S", "XNP", false}, {"AU", "XNY", false},
    {"R", "XAUI", false},   {"V", "XDC", false},    {"RE", "XLMH", false},
};

// The value scoring uses: a modified metric overrides its base one; absent threat and
// requirement metrics take their worst case (E:A, CR/IR/AR:H).
char effective(const Metrics& m, const std::string& name) {
  if (const auto it = m.find("M" + name); it != m.end() && it->second != "X") return it->second[0];
  const auto it = m.find(name);
  if (it == m.end() || it->second == "X") {
    if (name == "E") return 'A';
    if (name == "CR" || name == "IR" || name == "AR") return 'H';
    return 'X';
  }
  return it->second[0];
}

// Severity level of a metric value, in tenths, as the distance computation uses them.
double level(const std::string& metric, char v) {
  if (metric == "AV") return v == 'N' ? 0.0 : v == 'A' ? 0.1 : v == 'L' ? 0.2 : 0.3;
  if (metric == "PR") return v == 'N' ? 0.0 : v == 'L' ? 0.1 : 0.2;
  if (metric == "UI") return v == 'N' ? 0.0 : v == 'P' ? 0.1 : 0.2;
  if (metric == "AC") return v == 'L' ? 0.0 : 0.1;
  if (metric == "AT") return v == 'N' ? 0.0 : 0.1;
  if (metric == "VC" || metric == "VI" || metric == "VA") return v == 'H' ? 0.0 : v == 'L' ? 0.1 : 0.2;
  if (metric == "SC" || metric == "SI" || metric == "SA") {
    return v == 'S' ? 0.0 : v == 'H' ? 0.1 : v == 'L' ? 0.2 : 0.3;
  }
  // CR, IR, AR
  return v == 'H' ? 0.0 : v == 'M' ? 0.1 : 0.2;
}

std::optional<double> lookup(const std::string& macro) {
  for (const auto& [key, score] : cvss4::kMacroVectorScores) {
    if (key == macro) return score;
  }
  return std::nullopt;
}

// The highest-severity vectors of each EQ level (published with the specification).
const std::vector<std::string>& max_vectors(int eq, int level, int eq6 = 0) {
  static const std::vector<std::string> kEq1[] = {
      {"AV:N/PR:N/UI:N"}, {"AV:A/PR:N/UI:N", "AV:N/PR:L/UI:N", "AV:N/PR:N/UI:P"}, {"AV:P/PR:N/UI:N", "AV:A/PR:L/UI:P"}};
  static const std::vector<std::string> kEq2[] = {{"AC:L/AT:N"}, {"AC:H/AT:N", "AC:L/AT:P"}};
  static const std::vector<std::string> kEq3Eq6[3][2] = {
      {{"VC:H/VI:H/VA:H/CR:H/IR:H/AR:H"}, {"VC:H/VI:H/VA:L/CR:M/IR:M/AR:H", "VC:H/VI:H/VA:H/CR:M/IR:M/AR:M"}},
      {{"VC:L/VI:H/VA:H/CR:H/IR:H/AR:H", "VC:H/VI:L/VA:H/CR:H/IR:H/AR:H"},
       {"VC:L/VI:H/VA:L/CR:H/IR:M/AR:H", "VC:L/VI:H/VA:H/CR:H/IR:M/AR:M", "VC:H/VI:L/VA:H/CR:M/IR:H/AR:M",
        "VC:H/VI:L/VA:L/CR:M/IR:H/AR:H", "VC:L/VI:L/VA:H/CR:H/IR:H/AR:M"}},
      {{}, {"VC:L/VI:L/VA:L/CR:H/IR:H/AR:H"}}};
  static const std::vector<std::string> kEq4[] = {{"SC:H/SI:S/SA:S"}, {"SC:H/SI:H/SA:H"}, {"SC:L/SI:L/SA:L"}};
  static const std::vector<std::string> kEq5[] = {{"E:A"}, {"E:P"}, {"E:U"}};
  switch (eq) {
    case 1: return kEq1[level];
    case 2: return kEq2[level];
    case 3: return kEq3Eq6[level][eq6];
    case 4: return kEq4[level];
    default: return kEq5[level];
  }
}

// How many severity steps each EQ level spans (its "depth").
double max_severity(int eq, int level, int eq6 = 0) {
  static constexpr int kEq1[] = {1, 4, 5};
  static constexpr int kEq2[] = {1, 2};
  static constexpr int kEq3Eq6[3][2] = {{7, 6}, {8, 8}, {0, 10}};
  static constexpr int kEq4[] = {6, 5, 4};
  switch (eq) {
    case 1: return kEq1[level];
    case 2: return kEq2[level];
    case 3: return kEq3Eq6[level][eq6];
    case 4: return kEq4[level];
    default: return 1;
  }
}

Metrics parse_max(const std::string& a, const std::string& b, const std::string& c, const std::string& d) {
  Metrics m;
  for (const std::string* part : {&a, &b, &c, &d}) {
    std::string_view s = *part;
    while (!s.empty()) {
      const auto slash = s.find('/');
      const std::string_view kv = s.substr(0, slash);
      const auto colon = kv.find(':');
      m[std::string(kv.substr(0, colon))] = std::string(kv.substr(colon + 1));
      s = slash == std::string_view::npos ? std::string_view{} : s.substr(slash + 1);
    }
  }
  return m;
}

}  // namespace

Result<double> cvss4_score(std::string_view vector) {
  const std::string input(vector);
  auto bad = [&](const std::string& why) {
    return fail(ErrorCode::kInvalidInput, "CVSS vector '" + input + "' " + why);
  };
  if (!vector.starts_with("CVSS:4.0/")) return bad("is not CVSS 4.0");
  Metrics m;
  std::string_view rest = vector.substr(9);
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    const std::string_view part = rest.substr(0, slash);
    const auto colon = part.find(':');
    if (colon == std::string_view::npos) return bad("has a metric without a value");
    const std::string name(part.substr(0, colon));
    const std::string value(part.substr(colon + 1));
    const MetricSpec* spec = nullptr;
    for (const auto& s : kMetrics) {
      if (name == s.name) spec = &s;
    }
    if (spec == nullptr) {
      if (name != "U") return bad("has unknown metric '" + name + "'");  // U (urgency) has word values
    } else if (value.size() != 1 || std::string_view(spec->values).find(value[0]) == std::string_view::npos) {
      return bad("has value '" + value + "' for " + name);
    }
    if (!m.emplace(name, value).second) return bad("repeats " + name);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
  }
  for (const auto& s : kMetrics) {
    if (s.required && !m.contains(s.name)) return bad(std::string("lacks ") + s.name);
  }
  const auto e = [&](const char* name) { return effective(m, name); };

  // No impact on either system: the score is 0 whatever else the vector says.
  if (e("VC") == 'N' && e("VI") == 'N' && e("VA") == 'N' && e("SC") == 'N' && e("SI") == 'N' && e("SA") == 'N') {
    return 0.0;
  }
  const char av = e("AV"), pr = e("PR"), ui = e("UI");
  const int eq1 = (av == 'N' && pr == 'N' && ui == 'N')                        ? 0
                  : ((av == 'N' || pr == 'N' || ui == 'N') && av != 'P')      ? 1
                                                                                : 2;
  const int eq2 = (e("AC") == 'L' && e("AT") == 'N') ? 0 : 1;
  const char vc = e("VC"), vi = e("VI"), va = e("VA");
  const int eq3 = (vc == 'H' && vi == 'H') ? 0 : (vc == 'H' || vi == 'H' || va == 'H') ? 1 : 2;
  const char msi = e("SI"), msa = e("SA");
  const int eq4 = (msi == 'S' || msa == 'S') ? 0 : (e("SC") == 'H' || msi == 'H' || msa == 'H') ? 1 : 2;
  const char ex = e("E");
  const int eq5 = ex == 'A' ? 0 : ex == 'P' ? 1 : 2;
  const int eq6 = ((e("CR") == 'H' && vc == 'H') || (e("IR") == 'H' && vi == 'H') || (e("AR") == 'H' && va == 'H')) ? 0 : 1;

  auto macro = [](int a, int b, int c, int d, int f, int g) {
    return std::to_string(a) + std::to_string(b) + std::to_string(c) + std::to_string(d) + std::to_string(f) +
           std::to_string(g);
  };
  const auto value = lookup(macro(eq1, eq2, eq3, eq4, eq5, eq6));
  if (!value) return bad("falls in no MacroVector");

  // The score of the next lower MacroVector along each EQ (absent at the lowest level).
  const auto next_eq1 = lookup(macro(eq1 + 1, eq2, eq3, eq4, eq5, eq6));
  const auto next_eq2 = lookup(macro(eq1, eq2 + 1, eq3, eq4, eq5, eq6));
  std::optional<double> next_eq3eq6;
  if (eq3 == 0 && eq6 == 0) {
    // Two ways down; the higher of the two is the next lower, and when either does not exist
    // the reference calculator treats the step as absent.
    const auto left = lookup(macro(eq1, eq2, eq3, eq4, eq5, eq6 + 1));
    const auto right = lookup(macro(eq1, eq2, eq3 + 1, eq4, eq5, eq6));
    if (left && right) next_eq3eq6 = std::max(*left, *right);
  } else if (eq3 == 1 && eq6 == 0) {
    next_eq3eq6 = lookup(macro(eq1, eq2, eq3, eq4, eq5, eq6 + 1));
  } else {
    next_eq3eq6 = lookup(macro(eq1, eq2, eq3 + 1, eq4, eq5, eq6));
  }
  const auto next_eq4 = lookup(macro(eq1, eq2, eq3, eq4 + 1, eq5, eq6));
  const auto next_eq5 = lookup(macro(eq1, eq2, eq3, eq4, eq5 + 1, eq6));

  // The first highest-severity vector of this MacroVector that the vector does not exceed.
  static const char* const kDistanceMetrics[] = {"AV", "PR", "UI", "AC", "AT", "VC", "VI", "VA",
                                                 "SC", "SI", "SA", "CR", "IR", "AR"};
  std::map<std::string, double> distance;
  bool found = false;
  for (const auto& m1 : max_vectors(1, eq1)) {
    for (const auto& m2 : max_vectors(2, eq2)) {
      for (const auto& m36 : max_vectors(3, eq3, eq6)) {
        for (const auto& m4 : max_vectors(4, eq4)) {
          if (found) break;
          const Metrics top = parse_max(m1, m2, m36, m4);
          std::map<std::string, double> d;
          bool below = true;
          for (const char* metric : kDistanceMetrics) {
            d[metric] = level(metric, e(metric)) - level(metric, top.at(metric)[0]);
            if (d[metric] < 0) below = false;
          }
          if (below) {
            distance = std::move(d);
            found = true;
          }
        }
      }
    }
  }
  if (!found) return bad("exceeds every highest-severity vector of its MacroVector");

  const double step = 0.1;
  struct Part {
    std::optional<double> next;
    double current;
    double depth;
  };
  const Part parts[] = {
      {next_eq1, distance["AV"] + distance["PR"] + distance["UI"], max_severity(1, eq1) * step},
      {next_eq2, distance["AC"] + distance["AT"], max_severity(2, eq2) * step},
      {next_eq3eq6,
       distance["VC"] + distance["VI"] + distance["VA"] + distance["CR"] + distance["IR"] + distance["AR"],
       max_severity(3, eq3, eq6) * step},
      {next_eq4, distance["SC"] + distance["SI"] + distance["SA"], max_severity(4, eq4) * step},
      {next_eq5, 0.0, max_severity(5, eq5) * step},
  };
  double total = 0;
  int lower = 0;
  for (const Part& p : parts) {
    if (!p.next) continue;
    ++lower;
    const double available = *value - *p.next;
    total += available * (p.current / p.depth);
  }
  double score = *value - (lower > 0 ? total / lower : 0.0);
  score = std::clamp(score, 0.0, 10.0);
  return std::round(score * 10.0) / 10.0;
}

}  // namespace strata
