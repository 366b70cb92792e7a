// The programs that make an image a full distribution base: shells and package managers. The file
// facts analyzer records them when present; the hygiene checks read them back. One list for both.
#pragma once

#include <array>
#include <string_view>

namespace strata {

inline constexpr std::array<std::string_view, 10> kShellPaths = {
    "bin/sh", "bin/bash", "bin/ash", "bin/dash", "bin/zsh",
    "usr/bin/bash", "usr/bin/sh", "usr/bin/dash", "usr/bin/zsh", "bin/busybox"};

inline constexpr std::array<std::string_view, 11> kPackageManagerPaths = {
    "usr/bin/apt-get", "usr/bin/apt", "usr/bin/dpkg", "sbin/apk", "usr/bin/yum", "usr/bin/dnf",
    "usr/bin/rpm", "bin/rpm", "usr/bin/microdnf", "usr/bin/zypper", "usr/bin/pacman"};

}  // namespace strata
