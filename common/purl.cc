#include "common/purl.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "common/percent_encode.h"

namespace strata {
namespace {

// Percent-encodes everything but the purl spec's unreserved characters. ':' is left as it is:
// the spec forbids encoding it, and deb versions carry epochs with it.
std::string encode(std::string_view text) { return percent_encode(text, ":"); }

std::string purl_namespace(const Package& package, const std::optional<Distro>& distro) {
  if (distro && !distro->id.empty()) return distro->id;
  switch (package.ecosystem) {
    case Ecosystem::kDeb: return "debian";
    case Ecosystem::kRpm: return "redhat";
    case Ecosystem::kApk: return "alpine";
    default: return "";
  }
}

// Language packages: the namespace is the part of the name before its last separator (npm
// scopes, Go module paths, Composer vendors, Maven group ids), each segment encoded on its own;
// PyPI names are lower case with "-" for "_", as the purl spec asks. No distro qualifier: the
// package is the same whichever distro it sits on.
std::string language_package_url(const Package& package) {
  std::string ns;
  std::string name = package.name;
  const char separator = package.ecosystem == Ecosystem::kMaven ? ':' : '/';
  if (package.ecosystem == Ecosystem::kNpm || package.ecosystem == Ecosystem::kGolang ||
      package.ecosystem == Ecosystem::kComposer || package.ecosystem == Ecosystem::kMaven) {
    if (const auto cut = name.rfind(separator); cut != std::string::npos) {
      ns = name.substr(0, cut);
      name = name.substr(cut + 1);
    }
  }
  if (package.ecosystem == Ecosystem::kPypi) {
    for (auto& c : name) c = c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  // Appended piece by piece: GCC 12's -Wrestrict misfires on `"pkg:" + std::string(...) + "/"` at -O3.
  std::string out = "pkg:";
  out += to_string(package.ecosystem);
  out += '/';
  for (std::size_t p = 0; !ns.empty() && p <= ns.size();) {
    const auto slash = std::min(ns.find('/', p), ns.size());
    out += encode(ns.substr(p, slash - p));
    out += '/';
    p = slash + 1;
  }
  out += encode(name);
  if (!package.version.empty()) {
    out += '@';
    out += encode(package.version);
  }
  return out;
}

}  // namespace

std::string package_url(const Package& package, const std::optional<Distro>& distro) {
  if (!is_os_ecosystem(package.ecosystem)) return language_package_url(package);
  std::string version = package.version;
  std::vector<std::pair<std::string, std::string>> qualifiers;  // kept sorted by key
  if (!package.arch.empty()) qualifiers.emplace_back("arch", package.arch);
  if (distro && !distro->id.empty()) {
    qualifiers.emplace_back("distro",
                            distro->version.empty() ? distro->id : distro->id + "-" + distro->version);
  }
  if (package.ecosystem == Ecosystem::kRpm) {
    if (const auto colon = version.find(':'); colon != std::string::npos) {
      qualifiers.emplace_back("epoch", version.substr(0, colon));
      version = version.substr(colon + 1);
    }
  }
  // Appended piece by piece, as above.
  std::string out = "pkg:";
  out += to_string(package.ecosystem);
  out += '/';
  out += encode(purl_namespace(package, distro));
  out += '/';
  out += encode(package.name);
  if (!version.empty()) {
    out += '@';
    out += encode(version);
  }
  char separator = '?';
  for (const auto& [key, value] : qualifiers) {
    out += separator;
    out += key;
    out += '=';
    out += encode(value);
    separator = '&';
  }
  return out;
}

}  // namespace strata
