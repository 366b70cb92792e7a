// gzip and zstd streams: the first byte picks which magic is put in front of the rest, so the
// fuzzer spends its time inside the decompressors rather than finding their magic numbers.
#include <cstddef>
#include <cstdint>
#include <string>

#include "worker/stream/layer_stream.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string blob;
  switch (data[0] % 3) {
    case 0: blob = "\x1f\x8b"; break;
    case 1: blob = "\x28\xb5\x2f\xfd"; break;
    default: break;
  }
  blob.append(reinterpret_cast<const char*>(data + 1), size - 1);
  strata::worker::MemorySource source(strata::as_bytes(blob));
  strata::StreamLimits limits;
  limits.max_uncompressed_bytes = 64 << 20;
  strata::worker::LayerStream stream(source, limits);
  (void)stream.drain();
  return 0;
}
