// Every package ecosystem strata knows, one row each in ecosystems.cc: its name (the package-url
// type), what people call it, whether it is an OS package manager, its OSV ecosystem, the feeds
// `strata db update` fetches for it, the names `vercmp --ecosystem` accepts, how package names
// compare, and its version comparator. Packages, the vulnerability database's ecosystems,
// matching, analyzer registration, `db update` and `vercmp` all read this table, so a new
// ecosystem is its own files (comparator, parser, analyzer) plus one row and one enumerator.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace strata {

class VersionComparator;

// In the table's order; the first three are OS package managers.
enum class Ecosystem { kDeb, kRpm, kApk, kPypi, kNpm, kGolang, kMaven, kGem, kCargo, kComposer, kNuget };
inline constexpr std::size_t kEcosystemCount = 11;

enum class NameRule {
  kExact,
  kLowerCase,  // the registry treats names case-insensitively
  kPep503,     // lower case, runs of "-", "_", "." as one "-"
};

struct EcosystemInfo {
  Ecosystem id;
  std::string_view name;          // ours, and the package-url type
  std::string_view display_name;  // for people
  bool os = false;                // matched through the distro's advisories, not its own
  std::string_view osv_name;      // a language's OSV ecosystem; empty for an OS package manager
  // OSV ecosystems (the part before any ':') whose records this ecosystem's comparator orders.
  std::vector<std::string_view> osv_families;
  std::vector<std::string_view> default_feeds;  // the OSV archives `strata db update` fetches
  std::vector<std::string_view> aliases;        // other names `vercmp --ecosystem` accepts
  NameRule names = NameRule::kExact;
  const VersionComparator& (*comparator)() = nullptr;
};

std::span<const EcosystemInfo> ecosystems();
const EcosystemInfo& ecosystem_info(Ecosystem ecosystem);
// By name, alias or OSV name, in any case; null when none matches.
const EcosystemInfo* find_ecosystem(std::string_view name);
// The row whose comparator orders records of `osv_ecosystem` ("Debian:12", "PyPI"); null for an
// ecosystem strata cannot order.
const EcosystemInfo* ecosystem_of_osv(std::string_view osv_ecosystem);
// "deb, rpm, …": every ecosystem's name, for help and error messages.
std::string ecosystem_names();

bool is_os_ecosystem(Ecosystem ecosystem);
std::string_view to_string(Ecosystem ecosystem);
std::optional<Ecosystem> parse_ecosystem(std::string_view name);  // exactly a row's name

}  // namespace strata
