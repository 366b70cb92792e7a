#include "cli/inventory_command.h"

#include <iostream>
#include <memory>

#include "cli/image_flags.h"
#include "cli/output.h"
#include "common/report/inventory_json.h"

namespace strata::cli {
namespace {

struct InventoryArgs {
  ImageArgs image;
  std::string format = "json";
  std::string output;
};

int run(InventoryArgs& args) {
  auto inventories = inventory_from_args(args.image);
  if (!inventories) {
    std::cerr << "strata: error: " << inventories.error().message() << "\n";
    return 2;
  }
  std::string text;
  if (args.format == "table") {
    text = inventory_table(*inventories);
  } else if (args.image.options.platform == "all") {
    text = inventory_json(*inventories);
  } else {
    text = inventory_json(inventories->front());
  }
  return write_output(args.output, text);
}

}  // namespace

void add_inventory_command(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<InventoryArgs>();
  CLI::App* cmd = app.add_subcommand("inventory", "List the OS packages of an image on disk, layer by layer");
  add_image_flags(cmd, args->image);
  cmd->add_option("--format", args->format, "json or table")
      ->check(CLI::IsMember({"json", "table"}))
      ->capture_default_str();
  cmd->add_option("--output,-o", args->output, "write the report to FILE instead of stdout");
  cmd->callback([args, exit_code] { *exit_code = run(*args); });
}

}  // namespace strata::cli
