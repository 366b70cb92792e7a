// strata-loadtest: fleets and load for a strata cluster.
//
//   strata-loadtest fleet DIR [--images N] [--middles N] [--app-kib K] [--seed S]
//       writes a fleet into DIR (one OCI layout) and prints one reference per line
//   strata-loadtest drive --server URL --token KEY [--per-scan N] [--priority P] < refs
//       scans the references read from standard input on a cluster and prints one JSON line:
//       images, seconds, images/s, layers analysed and layers/s, cache hits and misses
#include <CLI/CLI.hpp>
#include <iostream>

#include "loadtest/drive.h"
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
  strata::loadtest::DriveSpec drive;
  CLI::App* drive_cmd = app.add_subcommand("drive", "scan references from standard input on a cluster and report throughput");
  drive_cmd->add_option("--server", drive.server, "coordinator URL")->envname("STRATA_SERVER")->required();
  drive_cmd->add_option("--operator-server", drive.operator_server, "the coordinator's operator URL (its /metrics)")
      ->envname("STRATA_OPERATOR_SERVER")
      ->required();
  drive_cmd->add_option("--token", drive.token, "API key")->envname("STRATA_TOKEN")->required();
  drive_cmd->add_option("--per-scan", drive.per_scan, "images per scan (0: one scan)")->capture_default_str();
  drive_cmd->add_option("--priority", drive.priority, "interactive or bulk")->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (drive_cmd->parsed()) {
    for (std::string line; std::getline(std::cin, line);) {
      if (!line.empty()) drive.refs.push_back(line);
    }
    auto r = strata::loadtest::drive(drive);
    if (!r) {
      std::cerr << "strata-loadtest: error: " << r.error().message() << "\n";
      return 2;
    }
    std::printf("{\"images\": %zu, \"failed\": %zu, \"seconds\": %.3f, \"images_per_s\": %.1f, "
                "\"layers_analyzed\": %.0f, \"layer_references\": %.0f, \"layers_per_s\": %.1f, "
                "\"cache_hits\": %.0f, \"cache_misses\": %.0f}\n",
                r->images, r->images_failed, r->seconds, static_cast<double>(r->images) / r->seconds,
                r->layers_analyzed, r->layer_references, r->layer_references / r->seconds, r->cache_hits,
                r->cache_misses);
    return r->images_failed == 0 ? 0 : 1;
  }
  spec.app_bytes = app_kib << 10;
  const auto f = strata::loadtest::write_fleet(dir, spec);
  for (const auto& ref : f.refs) std::cout << ref << "\n";
  std::cerr << f.refs.size() << " images, " << f.unique_layers << " distinct layers, " << f.layer_references
            << " layer references\n";
  return 0;
}
