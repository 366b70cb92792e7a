// Which distribution an image is, from the release files in its merged view. Pure: takes file
// contents, returns a value.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace strata {

struct Distro {
  std::string id;         // os-release ID: "debian", "alpine", "rhel" …
  std::string version;    // os-release VERSION_ID or the release file's version: "12", "3.19.1"
  std::string namespace_; // the OSV ecosystem: "Debian:12", "Alpine:v3.19", "Red Hat:9"
  bool operator==(const Distro&) const = default;
};

// The release files the detector reads, relative to the image root.
bool is_distro_file(std::string_view path);

// Detects the distribution from `files` (path relative to the root → content). os-release wins;
// the distro-specific files fill in what it lacks. Returns nullopt when nothing identifies one.
std::optional<Distro> detect_distro(const std::map<std::string, std::string, std::less<>>& files);

}  // namespace strata
