#include "common/vulndb/cvss.h"

#include <cmath>
#include <map>
#include <string>

namespace strata {
namespace {

// CVSS v3.1 Roundup: the smallest number with one decimal that is >= the input, computed on
// integers to avoid floating-point surprises (specification Appendix A).
double roundup(double value) {
  const long long scaled = std::llround(value * 100000);
  if (scaled % 10000 == 0) return static_cast<double>(scaled) / 100000.0;
  return (std::floor(static_cast<double>(scaled) / 10000.0) + 1) / 10.0;
}

}  // namespace

Result<double> cvss3_base_score(std::string_view vector) {
  const std::string input(vector);
  auto bad = [&](const std::string& why) {
    return fail(ErrorCode::kInvalidInput, "CVSS vector '" + input + "' " + why);
  };
  if (!vector.starts_with("CVSS:3.0/") && !vector.starts_with("CVSS:3.1/")) return bad("is not CVSS 3.x");
  std::map<std::string, std::string, std::less<>> metrics;
  std::string_view rest = vector.substr(9);
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    const std::string_view part = rest.substr(0, slash);
    const auto colon = part.find(':');
    if (colon == std::string_view::npos) return bad("has a metric without a value");
    if (!metrics.emplace(std::string(part.substr(0, colon)), std::string(part.substr(colon + 1))).second) {
      return bad("repeats a metric");
    }
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
  }
  auto weight = [&](const char* metric, std::initializer_list<std::pair<const char*, double>> values)
      -> std::optional<double> {
    const auto it = metrics.find(metric);
    if (it == metrics.end()) return std::nullopt;
    for (const auto& [k, w] : values) {
      if (it->second == k) return w;
    }
    return std::nullopt;
  };
  const auto scope = metrics.find("S");
  if (scope == metrics.end() || (scope->second != "U" && scope->second != "C")) return bad("lacks a valid S");
  const bool changed = scope->second == "C";
  const auto av = weight("AV", {{"N", 0.85}, {"A", 0.62}, {"L", 0.55}, {"P", 0.2}});
  const auto ac = weight("AC", {{"L", 0.77}, {"H", 0.44}});
  const auto pr = weight("PR", {{"N", 0.85}, {"L", changed ? 0.68 : 0.62}, {"H", changed ? 0.5 : 0.27}});
  const auto ui = weight("UI", {{"N", 0.85}, {"R", 0.62}});
  const auto c = weight("C", {{"H", 0.56}, {"L", 0.22}, {"N", 0}});
  const auto i = weight("I", {{"H", 0.56}, {"L", 0.22}, {"N", 0}});
  const auto a = weight("A", {{"H", 0.56}, {"L", 0.22}, {"N", 0}});
  if (!av || !ac || !pr || !ui || !c || !i || !a) return bad("lacks a base metric or has an unknown value");
  const double iss = 1 - (1 - *c) * (1 - *i) * (1 - *a);
  const double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * std::pow(iss - 0.02, 15) : 6.42 * iss;
  const double exploitability = 8.22 * *av * *ac * *pr * *ui;
  if (impact <= 0) return 0.0;
  return changed ? roundup(std::min(1.08 * (impact + exploitability), 10.0))
                 : roundup(std::min(impact + exploitability, 10.0));
}

SeverityLevel cvss_rating(double score) {
  if (score >= 9.0) return SeverityLevel::kCritical;
  if (score >= 7.0) return SeverityLevel::kHigh;
  if (score >= 4.0) return SeverityLevel::kMedium;
  if (score > 0.0) return SeverityLevel::kLow;
  return SeverityLevel::kUnknown;
}

}  // namespace strata
