#include <cstddef>
#include <cstdint>
#include <string_view>

#include "worker/parser/apk_installed.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)strata::worker::parse_apk_installed(
      std::string_view(reinterpret_cast<const char*>(data), size), "lib/apk/db/installed");
  return 0;
}
