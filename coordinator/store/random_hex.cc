#include "coordinator/store/random_hex.h"

#include <openssl/rand.h>

#include <vector>

namespace strata::coordinator {

Result<std::string> random_hex(std::size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) {
    return fail(ErrorCode::kInternal, "the random number generator failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes * 2);
  for (const unsigned char b : raw) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

}  // namespace strata::coordinator
