#include <cstddef>
#include <cstdint>
#include <string_view>

#include "worker/parser/lang/lang_parsers.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)strata::worker::parse_gemspec(text, "specifications/x.gemspec");
  return 0;
}
