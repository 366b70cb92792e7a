// Release files and their meaning: os-release(5); the distro-specific files are what each
// distribution's own tools read (/etc/alpine-release, /etc/debian_version, /etc/redhat-release).
#include "common/distro.h"

#include <array>
#include <cctype>
#include <string_view>

namespace strata {
namespace {

constexpr std::array<std::string_view, 9> kDistroFiles = {
    "etc/os-release",     "usr/lib/os-release",   "etc/alpine-release",
    "etc/debian_version", "etc/redhat-release",   "etc/centos-release",
    "etc/rocky-release",  "etc/system-release",   "etc/lsb-release",
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// KEY=value lines; values may be quoted with " or '. Backslash escapes inside double quotes are
// rare in practice and kept as written.
std::map<std::string, std::string, std::less<>> parse_key_values(std::string_view text) {
  std::map<std::string, std::string, std::less<>> out;
  while (!text.empty()) {
    const auto eol = text.find('\n');
    std::string_view line = trim(text.substr(0, eol));
    text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
    if (line.empty() || line.front() == '#') continue;
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view value = trim(line.substr(eq + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    out.emplace(std::string(trim(line.substr(0, eq))), std::string(value));
  }
  return out;
}

std::string major(std::string_view version) {
  return std::string(version.substr(0, version.find('.')));
}

std::string major_minor(std::string_view version) {
  const auto first = version.find('.');
  if (first == std::string_view::npos) return std::string(version);
  const auto second = version.find_first_not_of("0123456789", first + 1);
  return std::string(version.substr(0, second));
}

// "Red Hat Enterprise Linux release 8.4 (Ootpa)" → "8.4".
std::string version_after_release(std::string_view line) {
  const auto at = line.find("release ");
  if (at == std::string_view::npos) return "";
  std::string_view rest = line.substr(at + 8);
  return std::string(rest.substr(0, rest.find_first_not_of("0123456789.")));
}

std::string osv_namespace(const std::string& id, const std::string& version,
                          const std::string& pretty_name) {
  if (id == "debian") return version.empty() ? "Debian" : "Debian:" + major(version);
  if (id == "ubuntu") return "Ubuntu:" + version;
  if (id == "alpine") return "Alpine:v" + major_minor(version);
  if (id == "rhel") return "Red Hat:" + major(version);
  if (id == "rocky") return "Rocky Linux:" + major(version);
  if (id == "almalinux") return "AlmaLinux:" + major(version);
  if (id == "amzn") return "Amazon Linux:" + version;
  if (id == "centos") return "CentOS:" + major(version);
  if (id == "ol") return "Oracle Linux:" + major(version);
  if (id == "fedora") return "Fedora:" + version;
  if (id == "azurelinux") return "Azure Linux:" + major(version);
  if (id == "mariner") return "Mariner:" + version;
  if (id == "photon") return "Photon OS:" + version;
  if (id == "wolfi") return "Wolfi";
  if (id == "chainguard") return "Chainguard";
  if (id == "minimos") return "MinimOS";
  if (id == "echo") return "Echo";
  // SUSE and openSUSE name their OSV ecosystems after PRETTY_NAME.
  if (id == "sles" || id == "sled" || id == "sle-micro" || id == "sl-micro" ||
      id == "sle-micro-rancher") {
    return "SUSE:" + pretty_name;
  }
  if (id.starts_with("opensuse")) return "openSUSE:" + pretty_name;
  return "";
}

}  // namespace

bool is_distro_file(std::string_view path) {
  for (const auto f : kDistroFiles) {
    if (path == f) return true;
  }
  return false;
}

std::optional<Distro> detect_distro(const std::map<std::string, std::string, std::less<>>& files) {
  auto find = [&](std::string_view path) -> const std::string* {
    const auto it = files.find(path);
    return it == files.end() ? nullptr : &it->second;
  };
  Distro distro;
  std::string pretty_name;
  const std::string* os_release = find("etc/os-release");
  if (os_release == nullptr) os_release = find("usr/lib/os-release");
  if (os_release != nullptr) {
    const auto kv = parse_key_values(*os_release);
    if (const auto it = kv.find("ID"); it != kv.end()) distro.id = it->second;
    if (const auto it = kv.find("VERSION_ID"); it != kv.end()) distro.version = it->second;
    if (const auto it = kv.find("PRETTY_NAME"); it != kv.end()) pretty_name = it->second;
  }
  if (const auto* alpine = find("etc/alpine-release"); alpine && (distro.id.empty() ||
                                                                  distro.id == "alpine")) {
    distro.id = "alpine";
    if (distro.version.empty()) distro.version = std::string(trim(*alpine));
  }
  // Debian testing and unstable carry no VERSION_ID; debian_version says "12.5" or "trixie/sid".
  if (const auto* debian = find("etc/debian_version"); debian && (distro.id.empty() ||
                                                                  distro.id == "debian")) {
    distro.id = "debian";
    const std::string_view v = trim(*debian);
    if (distro.version.empty() && !v.empty() && std::isdigit(static_cast<unsigned char>(v[0]))) {
      distro.version = major(v);
    }
  }
  if (distro.id.empty()) {
    for (const auto& [path, id] : std::array<std::pair<std::string_view, std::string_view>, 4>{
             {{"etc/rocky-release", "rocky"},
              {"etc/centos-release", "centos"},
              {"etc/redhat-release", "rhel"},
              {"etc/system-release", "amzn"}}}) {
      if (const auto* text = find(path)) {
        std::string_view line = trim(*text);
        distro.id = std::string(id);
        if (line.starts_with("CentOS")) distro.id = "centos";
        if (line.starts_with("Rocky")) distro.id = "rocky";
        if (line.starts_with("AlmaLinux")) distro.id = "almalinux";
        if (line.starts_with("Oracle")) distro.id = "ol";
        if (line.starts_with("Fedora")) distro.id = "fedora";
        if (line.starts_with("Amazon")) distro.id = "amzn";
        distro.version = version_after_release(line);
        break;
      }
    }
  }
  if (distro.id.empty()) {
    if (const auto* lsb = find("etc/lsb-release")) {
      const auto kv = parse_key_values(*lsb);
      if (const auto it = kv.find("DISTRIB_ID"); it != kv.end()) {
        for (const char c : it->second) distro.id += static_cast<char>(std::tolower(c));
      }
      if (const auto it = kv.find("DISTRIB_RELEASE"); it != kv.end()) distro.version = it->second;
    }
  }
  if (distro.id.empty()) return std::nullopt;
  distro.namespace_ = osv_namespace(distro.id, distro.version, pretty_name);
  return distro;
}

}  // namespace strata
