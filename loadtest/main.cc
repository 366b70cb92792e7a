// strata-loadtest: fleets and load for a strata cluster.
//
//   strata-loadtest fleet DIR [--images N] [--middles N] [--app-kib K] [--seed S]
//       writes a fleet into DIR (one OCI layout) and prints one reference per line
#include <CLI/CLI.hpp>
#include <iostream>

#include "loadtest/fleet.h"

int main(int argc, char** argv) {
  CLI::App app("strata-loadtest: fleets and load for a strata cluster");
  app.require_subcommand(1);
  strata::loadtest::FleetSpec spec;
  std::string dir;
  std::uint64_t app_kib = spec.app_bytes >> 10;
  CLI::App* fleet = app.add_subcommand("fleet", "write a fleet of images sharing base layers into one OCI layout");
  fleet->add_option("dir", dir, "directory to write")->required();
  fleet->add_option("--images", spec.images, "images")->capture_default_str();
  fleet->add_option("--middles", spec.middles, "middle layers shared by subsets of the images")->capture_default_str();
  fleet->add_option("--app-kib", app_kib, "size of each image's own layer content")->capture_default_str();
  fleet->add_option("--seed", spec.seed, "random seed")->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  spec.app_bytes = app_kib << 10;
  const auto f = strata::loadtest::write_fleet(dir, spec);
  for (const auto& ref : f.refs) std::cout << ref << "\n";
  std::cerr << f.refs.size() << " images, " << f.unique_layers << " distinct layers, " << f.layer_references
            << " layer references\n";
  return 0;
}
