#include "common/purl.h"

#include <vector>

namespace strata {
namespace {

// Percent-encodes everything but the purl spec's unreserved characters. ':' is left as it is:
// the spec forbids encoding it, and deb versions carry epochs with it.
std::string encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || c == '.' ||
        c == '-' || c == '_' || c == '~' || c == ':') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    }
  }
  return out;
}

std::string purl_namespace(const Package& package, const std::optional<Distro>& distro) {
  if (distro && !distro->id.empty()) return distro->id;
  switch (package.ecosystem) {
    case Ecosystem::kDeb: return "debian";
    case Ecosystem::kRpm: return "redhat";
    case Ecosystem::kApk: return "alpine";
  }
  return "";
}

}  // namespace

std::string package_url(const Package& package, const std::optional<Distro>& distro) {
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
  std::string out = "pkg:" + std::string(to_string(package.ecosystem)) + "/" +
                    encode(purl_namespace(package, distro)) + "/" + encode(package.name);
  if (!version.empty()) out += "@" + encode(version);
  char separator = '?';
  for (const auto& [key, value] : qualifiers) {
    out += separator + key + "=" + encode(value);
    separator = '&';
  }
  return out;
}

}  // namespace strata
