// Package URLs (https://github.com/package-url/purl-spec) for inventory packages.
#pragma once

#include <optional>
#include <string>

#include "common/distro.h"
#include "common/package.h"

namespace strata {

// pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12 ; rpm carries the epoch as
// a qualifier, apk and deb keep it in the version as their tools print it.
std::string package_url(const Package& package, const std::optional<Distro>& distro);

}  // namespace strata
