// ELF files as the Go and cargo-auditable analyzers read them: section headers, program headers,
// both Go build info layouts, the zlib stream of .dep-v0.
#include <cstddef>
#include <cstdint>
#include <span>

#include "worker/parser/lang/lang_parsers.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  (void)strata::worker::parse_go_binary(bytes, "usr/bin/x");
  (void)strata::worker::parse_cargo_auditable(bytes, "usr/bin/x");
  return 0;
}
