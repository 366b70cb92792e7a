// Writes an OCI layout whose one layer is SIZE MiB of this machine's files, for the memory
// measurement: make_bench_image DIR SIZE_MIB gzip|zstd
#include <cstdlib>
#include <iostream>
#include <string>

#include "tests/bench/bench_layer.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: make_bench_image DIR SIZE_MIB gzip|zstd\n";
    return 2;
  }
  const auto c = std::string(argv[3]) == "zstd" ? strata::Compression::kZstd : strata::Compression::kGzip;
  const auto layer = strata::bench::bench_layer(std::strtoull(argv[2], nullptr, 10), c);
  strata::bench::write_bench_image(argv[1], layer, c);
  std::cout << argv[1] << ": " << layer.tar_bytes << " bytes of tar\n";
  return 0;
}
