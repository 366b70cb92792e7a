#include "cli/inventory_command.h"

#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

#include "common/report/inventory_json.h"
#include "worker/analyzer/registry.h"
#include "worker/image/image_inventory.h"

namespace strata::cli {
namespace {

struct InventoryArgs {
  std::string ref;
  std::string format = "json";
  std::string output;
  worker::InventoryOptions options;
  std::uint64_t max_entry_mib = 64;
  std::uint64_t max_layer_mib = 32 << 10;
};

bool path_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

int run(InventoryArgs& args) {
  args.options.limits.max_entry_bytes = args.max_entry_mib << 20;
  args.options.limits.stream.max_uncompressed_bytes = args.max_layer_mib << 20;
  auto ref = ImageReference::parse(args.ref, path_exists);
  if (!ref) {
    std::cerr << "strata: error: " << ref.error().message() << "\n";
    return 2;
  }
  const worker::AnalyzerRegistry registry = worker::builtin_analyzers();
  auto inventories = worker::inventory_image(*ref, args.options, registry);
  if (!inventories) {
    std::cerr << "strata: error: " << inventories.error().message() << "\n";
    return 2;
  }
  std::string text;
  if (args.format == "table") {
    text = inventory_table(*inventories);
  } else if (args.options.platform == "all") {
    text = inventory_json(*inventories);
  } else {
    text = inventory_json(inventories->front());
  }
  if (args.output.empty() || args.output == "-") {
    std::cout << text;
    std::cout.flush();
    if (!std::cout) {
      std::cerr << "strata: error: writing standard output failed\n";
      return 2;
    }
  } else {
    std::ofstream out(args.output, std::ios::binary);
    out << text;
    if (!out) {
      std::cerr << "strata: error: " << args.output << ": cannot write\n";
      return 2;
    }
  }
  return 0;
}

}  // namespace

void add_inventory_command(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<InventoryArgs>();
  CLI::App* cmd = app.add_subcommand(
      "inventory", "List the OS packages of an image on disk, layer by layer");
  cmd->add_option("REF", args->ref,
                  "oci:DIR[:TAG], oci:DIR@sha256:DIGEST, docker-archive:FILE or rootfs:DIR")
      ->required();
  cmd->add_option("--format", args->format, "json or table")
      ->check(CLI::IsMember({"json", "table"}))
      ->capture_default_str();
  cmd->add_option("--output,-o", args->output, "write the report to FILE instead of stdout");
  cmd->add_option("--platform", args->options.platform,
                  "OS/ARCH[/VARIANT] to pick from a multi-platform index (default linux/amd64), "
                  "or 'all'");
  cmd->add_option("--max-entry-size", args->max_entry_mib,
                  "largest file read into memory, MiB")
      ->capture_default_str();
  cmd->add_option("--max-layer-size", args->max_layer_mib,
                  "largest uncompressed layer, MiB")
      ->capture_default_str();
  cmd->add_option("--max-entries", args->options.limits.max_entries, "most entries in one layer")
      ->capture_default_str();
  cmd->add_option("--max-ratio", args->options.limits.stream.max_ratio,
                  "largest compression ratio before a layer counts as a decompression bomb")
      ->capture_default_str();
  cmd->add_option("--max-path-length", args->options.limits.max_path_length,
                  "longest entry path, bytes")
      ->capture_default_str();
  cmd->callback([args, exit_code] { *exit_code = run(*args); });
}

}  // namespace strata::cli
