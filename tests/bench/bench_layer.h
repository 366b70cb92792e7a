// Large benchmark layers made from this machine's own files (its /usr tree, plus its os-release
// and dpkg database so the analyzers have real work), cached under /tmp between runs.
#pragma once

#include <cstdint>
#include <string>

#include "common/image/media_type.h"

namespace strata::bench {

struct BenchLayer {
  std::string tar_path;   // uncompressed tar
  std::string blob_path;  // compressed as asked
  std::uint64_t tar_bytes = 0;
  std::string diff_id;
  std::string digest;
};

// Builds (or reuses) a layer of about `megabytes` MiB of uncompressed tar.
BenchLayer bench_layer(std::uint64_t megabytes, Compression compression);

// A layer shaped like a large node_modules tree: `packages` packages, each a directory with its
// package.json, a README, a LICENSE and a handful of small .js files, nested and scoped like
// npm installs them (about 7 files and 40 KiB per package). Generated, so every machine
// measures the same bytes; cached under /tmp.
BenchLayer node_modules_layer(std::uint64_t packages, Compression compression);

// Writes an OCI layout at `dir` whose one layer is `layer` (gzip or zstd media type).
void write_bench_image(const std::string& dir, const BenchLayer& layer, Compression compression);

}  // namespace strata::bench
