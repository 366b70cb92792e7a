// The load driver: submits images to a running cluster as scans, waits for them, and reports
// throughput from the coordinator's own counters (layers analysed, cache hits) so that what it
// prints is what the cluster did, not what the driver assumed.
#pragma once

#include <string>
#include <vector>

#include "common/error.h"

namespace strata::loadtest {

struct DriveSpec {
  std::string server;
  std::string operator_server;  // the coordinator's operator listener, for /metrics
  std::string token;
  std::vector<std::string> refs;
  std::size_t per_scan = 0;  // images per scan; 0: all in one
  std::string priority = "bulk";
  double timeout_seconds = 3600;
};

struct DriveResult {
  std::size_t images = 0;
  std::size_t images_failed = 0;
  double seconds = 0;
  double layers_analyzed = 0;  // by the cluster during the run
  double cache_hits = 0;
  double cache_misses = 0;
  double layer_references = 0;  // hits + misses: every layer of every image
};

Result<DriveResult> drive(const DriveSpec& spec);

}  // namespace strata::loadtest
