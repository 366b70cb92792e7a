// The findings API's page cursor (?cursor=), which any client sends: decoding must give a cursor
// or kInvalidInput, never a crash, and a decoded cursor re-encodes to one that decodes the same.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "coordinator/store/finding_query.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view token(reinterpret_cast<const char*>(data), size);
  auto cursor = strata::coordinator::decode_cursor(token);
  if (!cursor) return 0;
  auto again = strata::coordinator::decode_cursor(strata::coordinator::encode_cursor(*cursor));
  if (!again || again->vuln_id != cursor->vuln_id || again->package_name != cursor->package_name ||
      again->package_version != cursor->package_version || again->package_arch != cursor->package_arch ||
      again->package_path != cursor->package_path || again->image_id != cursor->image_id) {
    std::abort();
  }
  return 0;
}
