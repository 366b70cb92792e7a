// Jars: zip structure, nested archives, pom.properties and manifests.
#include <cstddef>
#include <cstdint>
#include <span>

#include "worker/parser/lang/lang_parsers.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  (void)strata::worker::parse_java_archive(bytes, "app.jar");
  return 0;
}
