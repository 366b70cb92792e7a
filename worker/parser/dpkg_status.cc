// Fields and their meaning: deb-control(5), dpkg-query(1); the checks mirror dpkg's
// lib/dpkg/parsehelp.c (parseversion) and pkg_name_is_illegal().
#include "worker/parser/dpkg_status.h"

#include <cctype>
#include <string>

#include "worker/parser/deb822.h"

namespace strata::worker {
namespace {

bool is_valid_package_name(std::string_view name) {
  // dpkg's pkg_name_is_illegal: an alphanumeric first, then alphanumerics and "-+._".
  const auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  if (name.empty() || !alnum(name.front())) return false;
  for (const char c : name) {
    if (!alnum(c) && c != '+' && c != '-' && c != '.' && c != '_') return false;
  }
  return true;
}

// "install ok installed", "hold ok installed": the third word says whether it is on disk.
bool is_installed(std::string_view status) {
  const auto last_space = status.find_last_of(" \t");
  const std::string_view state =
      last_space == std::string_view::npos ? status : status.substr(last_space + 1);
  return state == "installed";
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

bool is_valid_dpkg_version(std::string_view version) {
  if (version.empty()) return false;
  for (const char c : version) {
    if (std::isspace(static_cast<unsigned char>(c))) return false;
  }
  std::string_view rest = version;
  if (const auto colon = rest.find(':'); colon != std::string_view::npos) {
    const std::string_view epoch = rest.substr(0, colon);
    if (epoch.empty() || epoch.size() > 9) return false;
    for (const char c : epoch) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    }
    rest = rest.substr(colon + 1);
  }
  std::string_view upstream = rest;
  std::string_view revision;
  if (const auto dash = rest.rfind('-'); dash != std::string_view::npos) {
    upstream = rest.substr(0, dash);
    revision = rest.substr(dash + 1);
    if (revision.empty()) return false;
  }
  if (upstream.empty() || !std::isdigit(static_cast<unsigned char>(upstream.front()))) return false;
  for (const char c : upstream) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '+' &&
        c != '~' && c != ':') {
      return false;
    }
  }
  for (const char c : revision) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '+' && c != '~') {
      return false;
    }
  }
  return true;
}

ParsedPackages parse_dpkg_status(std::string_view text, std::string_view path, DpkgDatabase kind) {
  ParsedPackages out;
  const std::string where(path);
  const Deb822Document doc = parse_deb822(text);
  for (const std::size_t line : doc.malformed_lines) {
    out.skipped.push_back(where + ":" + std::to_string(line) + ": not a 'Field: value' line");
  }
  for (const auto& para : doc.paragraphs) {
    const std::string at = where + ":" + std::to_string(para.line) + ": ";
    const std::string_view name = para.get("Package");
    if (kind == DpkgDatabase::kStatus) {
      // dpkg keeps records of removed packages (config-files, not-installed): not on disk.
      if (!para.has("Status") || !is_installed(para.get("Status"))) continue;
    } else if (para.has("Status") && !is_installed(para.get("Status"))) {
      continue;
    }
    if (name.empty()) {
      out.skipped.push_back(at + "stanza without a Package field");
      continue;
    }
    if (!is_valid_package_name(name)) {
      out.skipped.push_back(at + "'" + std::string(name) + "' is not a valid package name");
      continue;
    }
    const std::string_view version = para.get("Version");
    if (version.empty()) {
      out.skipped.push_back(at + "package " + std::string(name) + " has no Version");
      continue;
    }
    if (!is_valid_dpkg_version(version)) {
      out.skipped.push_back(at + "package " + std::string(name) + " has an invalid version '" +
                            std::string(version) + "'");
      continue;
    }
    Package p;
    p.ecosystem = Ecosystem::kDeb;
    p.name = std::string(name);
    p.version = std::string(version);
    p.arch = std::string(para.get("Architecture"));
    p.path = where;
    // "Source: name" or "Source: name (version)" when the source version differs.
    const std::string_view source = para.get("Source");
    p.source_name = p.name;
    p.source_version = p.version;
    if (!source.empty()) {
      const auto paren = source.find('(');
      p.source_name = std::string(trim(source.substr(0, paren)));
      if (paren != std::string_view::npos) {
        const auto close = source.find(')', paren);
        const std::string_view v = trim(source.substr(paren + 1, close == std::string_view::npos
                                                                     ? std::string_view::npos
                                                                     : close - paren - 1));
        if (!v.empty()) p.source_version = std::string(v);
      }
      if (p.source_name.empty()) p.source_name = p.name;
    }
    out.packages.push_back(std::move(p));
  }
  return out;
}

}  // namespace strata::worker
