// Layer analyses as the Redis cache returns them: a shared store, so untrusted bytes. Decoding
// must give a value or kCorrupt/kLimitExceeded, never a crash; a decoded value re-encodes to
// itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "common/wire/layer_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto bytes = std::as_bytes(std::span(data, size));
  auto analysis = strata::decode_layer_analysis(bytes, 1 << 22);
  if (!analysis) return 0;
  auto again = strata::decode_layer_analysis(strata::encode_layer_analysis(*analysis), 1 << 24);
  if (!again || *again != *analysis) std::abort();
  return 0;
}
