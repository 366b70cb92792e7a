#include "common/policy/filter.h"

#include <algorithm>
#include <ctime>

#include "common/purl.h"
#include "common/text_lines.h"

namespace strata {

Result<std::vector<IgnoreRule>> parse_ignore_file(std::string_view text, std::string_view name) {
  std::vector<IgnoreRule> rules;
  std::optional<Error> error;
  for_each_line(text, [&](std::string_view line, std::size_t line_no) {
    if (const auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty()) return true;
    IgnoreRule rule;
    const auto space = line.find_first_of(" \t");
    rule.id = std::string(line.substr(0, space));
    if (space != std::string_view::npos) {
      std::string_view rest = line.substr(space);
      while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
      if (!rest.starts_with("exp:") || rest.size() != 14 || rest[8] != '-' || rest[11] != '-') {
        error = Error(ErrorCode::kInvalidInput, std::string(name) + ":" + std::to_string(line_no) +
                                                    ": expected 'ID' or 'ID exp:YYYY-MM-DD'");
        return false;
      }
      rule.expires = std::string(rest.substr(4));
    }
    rules.push_back(std::move(rule));
    return true;
  });
  if (error) return std::unexpected(*error);
  return rules;
}

Result<std::set<SeverityLevel>> parse_severity_list(std::string_view text) {
  std::set<SeverityLevel> out;
  for (std::size_t pos = 0; pos <= text.size();) {
    const auto comma = text.find(',', pos);
    const std::string_view item = text.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    if (!item.empty()) {
      const auto level = parse_severity_level(item);
      if (!level) {
        return fail(ErrorCode::kInvalidInput, "unknown severity '" + std::string(item) +
                                                  "'; use UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL");
      }
      out.insert(*level);
    }
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return out;
}

namespace {

bool ignored_by(const Policy& policy, std::initializer_list<std::string_view> ids) {
  for (const auto& rule : policy.ignores) {
    if (!rule.expires.empty() && !policy.today.empty() && rule.expires < policy.today) continue;
    for (const auto id : ids) {
      if (!id.empty() && rule.id == id) return true;
    }
  }
  return false;
}

}  // namespace

void apply_policy_to_image(const ImageInventory& inv, const Policy& policy, FilterResult& result) {
  auto severity_kept = [&](const std::string& severity) {
    if (policy.severities.empty()) return true;
    const auto level = parse_severity_level(severity);
    return level && policy.severities.contains(*level);
  };
  for (const auto& s : inv.view.secrets) {
    if (ignored_by(policy, {s.secret.rule_id, s.secret.fingerprint})) {
      ++result.ignored_by_rule;
    } else if (!severity_kept(s.secret.severity)) {
      ++result.filtered_by_severity;
    } else {
      result.secrets.push_back(s);
    }
  }
  for (const auto& m : inv.misconfigurations) {
    if (ignored_by(policy, {m.id})) {
      ++result.ignored_by_rule;
    } else if (!severity_kept(m.severity)) {
      ++result.filtered_by_severity;
    } else {
      result.misconfigurations.push_back(m);
    }
  }
}

std::size_t remaining_findings(const FilterResult& result) {
  return result.kept.size() + result.secrets.size() + result.misconfigurations.size();
}

FilterResult apply_policy(std::vector<Finding> findings, const Policy& policy) {
  FilterResult result;
  for (auto& f : findings) {
    bool ignored = false;
    for (const auto& rule : policy.ignores) {
      if (!rule.expires.empty() && !policy.today.empty() && rule.expires < policy.today) continue;
      if (rule.id == f.id || std::find(f.aliases.begin(), f.aliases.end(), rule.id) != f.aliases.end()) {
        ignored = true;
        break;
      }
    }
    const VexStatement* vex = nullptr;
    if (!ignored && !policy.vex.empty()) {
      const std::string purl = package_url(f.package.package, policy.distro);
      for (const auto& st : policy.vex) {
        if (st.status != "not_affected" && st.status != "fixed") continue;
        const bool names = std::any_of(st.vulnerabilities.begin(), st.vulnerabilities.end(), [&](const std::string& v) {
          return v == f.id || std::find(f.aliases.begin(), f.aliases.end(), v) != f.aliases.end();
        });
        const bool product = st.products.empty() ||
                             std::any_of(st.products.begin(), st.products.end(), [&](const std::string& p) {
                               return vex_product_matches(p, purl, policy.image_ref, policy.image_digest);
                             });
        if (names && product) {
          vex = &st;
          break;
        }
      }
    }
    if (ignored) {
      ++result.ignored_by_rule;
    } else if (vex != nullptr) {
      ++result.suppressed_by_vex;
      ++result.vex_justifications[vex->justification.empty() ? vex->status : vex->justification];
    } else if (!policy.severities.empty() && !policy.severities.contains(f.severity)) {
      ++result.filtered_by_severity;
    } else if (policy.ignore_unfixed && !f.fixed_version) {
      ++result.filtered_unfixed;
    } else {
      result.kept.push_back(std::move(f));
    }
  }
  return result;
}

std::string utc_today() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char day[16];
  std::strftime(day, sizeof day, "%Y-%m-%d", &utc);
  return day;
}

}  // namespace strata
