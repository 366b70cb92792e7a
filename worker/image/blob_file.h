// Reads a small file whole (manifests, configs), refusing one over `max_bytes`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/error.h"

namespace strata::worker {

Result<std::vector<std::byte>> read_small_file(const std::string& path, std::uint64_t max_bytes);

}  // namespace strata::worker
