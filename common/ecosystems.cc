#include "common/ecosystems.h"

#include <cctype>

#include "common/version/comparator.h"

namespace strata {

// Each defined in its comparator's file under common/version/.
const VersionComparator& dpkg_version_order();
const VersionComparator& rpm_version_order();
const VersionComparator& apk_version_order();
const VersionComparator& pep440_version_order();
const VersionComparator& go_version_order();
const VersionComparator& maven_version_order();
const VersionComparator& gem_version_order();
const VersionComparator& nuget_version_order();
const VersionComparator& composer_version_order();

namespace {

using enum Ecosystem;

const std::vector<EcosystemInfo>& table() {
  // clang-format off
  static const std::vector<EcosystemInfo> rows = {
    {kDeb, "deb", "Debian packages (dpkg)", true, "", {"Debian", "Ubuntu"}, {"Debian", "Ubuntu"},
     {"debian", "ubuntu"}, NameRule::kExact, dpkg_version_order},
    {kRpm, "rpm", "RPM packages", true, "",
     {"Red Hat", "Rocky Linux", "AlmaLinux", "SUSE", "openSUSE", "Mageia", "Photon OS", "Azure Linux",
      "Amazon Linux", "Oracle Linux", "CentOS", "Mariner"},
     {"Red Hat", "Rocky Linux", "AlmaLinux"}, {"redhat"}, NameRule::kExact, rpm_version_order},
    {kApk, "apk", "Alpine packages (apk)", true, "", {"Alpine", "Wolfi", "Chainguard", "MinimOS"}, {"Alpine"},
     {"alpine"}, NameRule::kExact, apk_version_order},
    {kPypi, "pypi", "Python (PyPI)", false, "PyPI", {"PyPI"}, {"PyPI"}, {"pep440"}, NameRule::kPep503,
     pep440_version_order},
    {kNpm, "npm", "JavaScript (npm)", false, "npm", {"npm"}, {"npm"}, {"semver"}, NameRule::kExact,
     semver_version_order},
    {kGolang, "golang", "Go modules", false, "Go", {"Go"}, {"Go"}, {"go"}, NameRule::kExact, go_version_order},
    {kMaven, "maven", "Java (Maven)", false, "Maven", {"Maven"}, {"Maven"}, {}, NameRule::kExact,
     maven_version_order},
    {kGem, "gem", "Ruby (RubyGems)", false, "RubyGems", {"RubyGems"}, {"RubyGems"}, {"rubygems"}, NameRule::kExact,
     gem_version_order},
    {kCargo, "cargo", "Rust (crates.io)", false, "crates.io", {"crates.io"}, {"crates.io"}, {"crates.io"},
     NameRule::kExact, semver_version_order},
    {kComposer, "composer", "PHP (Packagist)", false, "Packagist", {"Packagist"}, {"Packagist"}, {"packagist"},
     NameRule::kLowerCase, composer_version_order},
    {kNuget, "nuget", ".NET (NuGet)", false, "NuGet", {"NuGet"}, {"NuGet"}, {}, NameRule::kLowerCase,
     nuget_version_order},
  };
  // clang-format on
  return rows;
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

}  // namespace

std::span<const EcosystemInfo> ecosystems() { return table(); }

const EcosystemInfo& ecosystem_info(Ecosystem ecosystem) {
  // Rows are in the enumeration's order (a unit test checks it).
  return table()[static_cast<std::size_t>(ecosystem)];
}

const EcosystemInfo* find_ecosystem(std::string_view name) {
  for (const auto& row : table()) {
    if (equal_ignoring_case(row.name, name) || (!row.osv_name.empty() && equal_ignoring_case(row.osv_name, name))) {
      return &row;
    }
    for (const auto alias : row.aliases) {
      if (equal_ignoring_case(alias, name)) return &row;
    }
  }
  return nullptr;
}

const EcosystemInfo* ecosystem_of_osv(std::string_view osv_ecosystem) {
  const std::string_view family = osv_ecosystem.substr(0, osv_ecosystem.find(':'));
  for (const auto& row : table()) {
    for (const auto f : row.osv_families) {
      if (f == family) return &row;
    }
  }
  return nullptr;
}

std::string ecosystem_names() {
  std::string out;
  for (const auto& row : table()) out += (out.empty() ? "" : ", ") + std::string(row.name);
  return out;
}

bool is_os_ecosystem(Ecosystem ecosystem) { return ecosystem_info(ecosystem).os; }

std::string_view to_string(Ecosystem ecosystem) {
  const auto i = static_cast<std::size_t>(ecosystem);
  return i < table().size() ? table()[i].name : "unknown";
}

std::optional<Ecosystem> parse_ecosystem(std::string_view name) {
  for (const auto& row : table()) {
    if (row.name == name) return row.id;
  }
  return std::nullopt;
}

}  // namespace strata
