// OCI index, manifest and config documents (JSON from an image or a registry).
#include <cstddef>
#include <cstdint>

#include "common/image/manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto bytes = std::as_bytes(std::span(data, size));
  (void)strata::classify_manifest(bytes, "");
  (void)strata::parse_index(bytes);
  (void)strata::parse_manifest(bytes);
  (void)strata::parse_config(bytes);
  return 0;
}
