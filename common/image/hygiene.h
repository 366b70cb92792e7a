// Image hygiene: what makes an image bigger, slower to rebuild or larger to attack than it needs
// to be. Wasted bytes (common/image/efficiency.h), build steps in a cache-unfriendly order, and
// whether the image is, or could be, distroless. Advice, reported as LOW findings beside the
// configuration checks. Pure.
#pragma once

#include <string>
#include <vector>

#include "common/inventory.h"

namespace strata {

// The shells and package managers an image ships: a distroless image has neither.
struct BaseTools {
  std::vector<std::string> shells;
  std::vector<std::string> package_managers;
  bool distroless() const { return shells.empty() && package_managers.empty(); }
};

BaseTools base_tools(const ImageFacts& facts);

// STRATA-HYG-001 (application files below a large dependency install), STRATA-HYG-002 (wasted
// bytes), STRATA-HYG-003 (could be distroless).
std::vector<Misconfiguration> check_hygiene(const ImageInventory& inventory);

// One line for tables: "efficiency 99.1% (1.2 MB of 80.0 MB wasted); distroless: no (…)", or ""
// when the layers were not listed.
std::string hygiene_summary(const ImageInventory& inventory);

// "12.3 MB", "512 B": sizes in evidence lines, in decimal units as registries show them.
std::string human_bytes(std::uint64_t bytes);

}  // namespace strata
