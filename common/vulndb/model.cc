#include "common/vulndb/model.h"

#include <cctype>

namespace strata {

std::string_view to_string(SeverityLevel level) {
  switch (level) {
    case SeverityLevel::kUnknown: return "UNKNOWN";
    case SeverityLevel::kLow: return "LOW";
    case SeverityLevel::kMedium: return "MEDIUM";
    case SeverityLevel::kHigh: return "HIGH";
    case SeverityLevel::kCritical: return "CRITICAL";
  }
  return "UNKNOWN";
}

std::optional<SeverityLevel> parse_severity_level(std::string_view text) {
  std::string lower;
  for (const char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // Distro ratings carry marks ("high**", "low*") and synonyms ("moderate", "important").
  while (!lower.empty() && (lower.back() == '*' || lower.back() == ' ')) lower.pop_back();
  if (lower == "critical") return SeverityLevel::kCritical;
  if (lower == "high" || lower == "important") return SeverityLevel::kHigh;
  if (lower == "medium" || lower == "moderate") return SeverityLevel::kMedium;
  if (lower == "low" || lower == "negligible" || lower == "unimportant") return SeverityLevel::kLow;
  if (lower == "unknown" || lower == "not yet assigned" || lower.empty()) return SeverityLevel::kUnknown;
  return std::nullopt;
}

}  // namespace strata
