// The image reference and walk limits that `strata inventory` and `strata image` share.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "common/inventory.h"
#include "worker/api/image_inventory.h"

namespace strata::cli {

struct ImageArgs {
  std::string ref;
  worker::InventoryOptions options;
  std::uint64_t max_entry_mib = 64;
  std::uint64_t max_layer_mib = 32 << 10;
  std::vector<std::string> scanners = {"vuln", "secret", "config"};
  std::string secret_config;
  std::uint64_t secret_max_mib = 10;
  // Registries: plain http for these (loopback always), and credentials given on the command line.
  std::vector<std::string> insecure_registries;
  std::string username;
  bool password_stdin = false;
};

// Adds REF, --platform and the limit flags to `cmd`; `args` must outlive the parse.
void add_image_flags(CLI::App* cmd, ImageArgs& args);

// Parses the reference and inventories the image(s) it names.
Result<std::vector<ImageInventory>> inventory_from_args(ImageArgs& args);

}  // namespace strata::cli
