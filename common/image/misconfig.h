// Configuration checks on a whole image: how its container runs (the config), how it was built
// (the history) and what its file system holds (ImageFacts). Each check has a stable id, a
// severity and a one-line fix; the hygiene advice of common/image/hygiene.h comes with them. Pure:
// an inventory in, findings out.
#pragma once

#include <string>
#include <vector>

#include "common/inventory.h"

namespace strata {

std::vector<Misconfiguration> check_image(const ImageInventory& inventory);

}  // namespace strata
