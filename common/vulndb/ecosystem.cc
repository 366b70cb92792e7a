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

std::optional<VersionScheme> scheme_for_ecosystem(std::string_view e) {
  const std::string_view base = e.substr(0, e.find(':'));
  if (base == "Debian" || base == "Ubuntu") return VersionScheme::kDeb;
  if (base == "Alpine" || base == "Wolfi" || base == "Chainguard" || base == "MinimOS") return VersionScheme::kApk;
  if (base == "Red Hat" || base == "Rocky Linux" || base == "AlmaLinux" || base == "SUSE" ||
      base == "openSUSE" || base == "Mageia" || base == "Photon OS" || base == "Azure Linux" ||
      base == "Amazon Linux" || base == "Oracle Linux" || base == "CentOS" || base == "Mariner") {
    return VersionScheme::kRpm;
  }
  if (base == "PyPI") return VersionScheme::kPep440;
  if (base == "npm" || base == "crates.io") return VersionScheme::kSemver;
  if (base == "Go") return VersionScheme::kGo;
  if (base == "Maven") return VersionScheme::kMaven;
  if (base == "RubyGems") return VersionScheme::kGem;
  if (base == "NuGet") return VersionScheme::kNuget;
  if (base == "Packagist") return VersionScheme::kComposer;
  return std::nullopt;
}

std::string_view osv_ecosystem(Ecosystem ecosystem) {
  switch (ecosystem) {
    case Ecosystem::kPypi: return "PyPI";
    case Ecosystem::kNpm: return "npm";
    case Ecosystem::kGolang: return "Go";
    case Ecosystem::kMaven: return "Maven";
    case Ecosystem::kGem: return "RubyGems";
    case Ecosystem::kCargo: return "crates.io";
    case Ecosystem::kComposer: return "Packagist";
    case Ecosystem::kNuget: return "NuGet";
    case Ecosystem::kDeb:
    case Ecosystem::kRpm:
    case Ecosystem::kApk: break;
  }
  return "";
}

std::string normalize_package_name(std::string_view ecosystem_key, std::string_view name) {
  std::string out;
  out.reserve(name.size());
  if (ecosystem_key == "PyPI") {
    for (const char c : name) {
      if (c == '-' || c == '_' || c == '.') {
        if (!out.ends_with('-')) out += '-';
      } else {
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
    }
    return out;
  }
  if (ecosystem_key == "NuGet" || ecosystem_key == "Packagist") {
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
