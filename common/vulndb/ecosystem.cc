#include "common/vulndb/ecosystem.h"

#include <cctype>
#include <vector>

namespace strata {
namespace {

std::vector<std::string_view> split(std::string_view s) {
  std::vector<std::string_view> out;
  for (std::size_t p = 0;;) {
    const auto colon = s.find(':', p);
    out.push_back(s.substr(p, colon == std::string_view::npos ? std::string_view::npos : colon - p));
    if (colon == std::string_view::npos) return out;
    p = colon + 1;
  }
}

}  // namespace

std::string ecosystem_key(std::string_view e) {
  const auto parts = split(e);
  if (parts[0] == "Ubuntu" && parts.size() >= 2) {
    if (parts[1] == "Pro" && parts.size() >= 3) return "Ubuntu:Pro:" + std::string(parts[2]);
    return "Ubuntu:" + std::string(parts[1]);
  }
  if (parts[0] == "Red Hat" && parts.size() >= 3) {
    if (parts[1] == "enterprise_linux") {
      return "Red Hat:" + std::string(parts[2].substr(0, parts[2].find('.')));
    }
    return "Red Hat:" + std::string(parts[1]) + ":" + std::string(parts[2]);
  }
  if ((parts[0] == "Rocky Linux" || parts[0] == "AlmaLinux") && parts.size() >= 2) {
    return std::string(parts[0]) + ":" + std::string(parts[1].substr(0, parts[1].find('.')));
  }
  return std::string(e);
}

std::string_view osv_ecosystem(Ecosystem ecosystem) { return ecosystem_info(ecosystem).osv_name; }

std::string normalize_package_name(std::string_view ecosystem_key, std::string_view name) {
  std::string out;
  out.reserve(name.size());
  NameRule rule = NameRule::kExact;
  for (const auto& row : ecosystems()) {
    if (!row.osv_name.empty() && row.osv_name == ecosystem_key) rule = row.names;
  }
  if (rule == NameRule::kPep503) {
    for (const char c : name) {
      if (c == '-' || c == '_' || c == '.') {
        if (!out.ends_with('-')) out += '-';
      } else {
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
    }
    return out;
  }
  if (rule == NameRule::kLowerCase) {
    for (const char c : name) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  }
  return std::string(name);
}

std::optional<MatchQuery> match_query(const Package& p, const std::optional<Distro>& distro) {
  if (!is_os_ecosystem(p.ecosystem)) {
    if (!p.os_owner.empty()) return std::nullopt;
    const std::string_view ecosystem = osv_ecosystem(p.ecosystem);
    return MatchQuery{std::string(ecosystem), normalize_package_name(ecosystem, p.name), p.version};
  }
  if (!distro || distro->namespace_.empty()) return std::nullopt;
  MatchQuery q;
  q.ecosystem_key = ecosystem_key(distro->namespace_);
  switch (p.ecosystem) {
    case Ecosystem::kDeb:
      q.package = p.source_name.empty() ? p.name : p.source_name;
      q.version = p.source_version.empty() ? p.version : p.source_version;
      break;
    case Ecosystem::kApk:
      q.package = p.source_name.empty() ? p.name : p.source_name;
      q.version = p.version;
      break;
    case Ecosystem::kRpm:
      q.package = p.name;
      q.version = p.version;
      break;
    default:
      break;
  }
  return q;
}

}  // namespace strata
