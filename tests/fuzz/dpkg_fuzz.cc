#include <cstddef>
#include <cstdint>
#include <string_view>

#include "worker/parser/dpkg_status.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  using strata::worker::DpkgDatabase;
  (void)strata::worker::parse_dpkg_status(text, "var/lib/dpkg/status", DpkgDatabase::kStatus);
  (void)strata::worker::parse_dpkg_status(text, "var/lib/dpkg/status.d/x", DpkgDatabase::kStatusD);
  return 0;
}
