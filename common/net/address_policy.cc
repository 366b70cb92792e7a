#include "common/net/address_policy.h"

#include <algorithm>

namespace strata {

// IANA's special-purpose registries (RFC 6890 and successors): only global unicast passes.
std::string non_public_reason_v4(const std::array<std::uint8_t, 4>& a) {
  if (a[0] == 127) return "loopback";
  if (a[0] == 0) return "unspecified (\"this network\")";
  if (a[0] == 10 || (a[0] == 172 && (a[1] & 0xf0) == 16) || (a[0] == 192 && a[1] == 168)) return "private";
  if (a[0] == 169 && a[1] == 254) return "link-local or metadata";
  if (a[0] == 100 && (a[1] & 0xc0) == 64) return "shared (carrier-grade NAT)";
  if (a[0] == 192 && a[1] == 0 && a[2] == 0) return "IETF protocol assignment";
  if (a[0] == 198 && (a[1] & 0xfe) == 18) return "benchmarking";
  if ((a[0] == 192 && a[1] == 0 && a[2] == 2) || (a[0] == 198 && a[1] == 51 && a[2] == 100) ||
      (a[0] == 203 && a[1] == 0 && a[2] == 113)) {
    return "documentation";
  }
  if (a[0] >= 224) return a[0] < 240 ? "multicast" : "reserved or broadcast";
  return {};
}

std::string non_public_reason_v6(const std::array<std::uint8_t, 16>& a) {
  const bool first10_zero = std::all_of(a.begin(), a.begin() + 10, [](std::uint8_t b) { return b == 0; });
  if (first10_zero && a[10] == 0xff && a[11] == 0xff) return non_public_reason_v4({a[12], a[13], a[14], a[15]});
  const bool first12_zero = first10_zero && a[10] == 0 && a[11] == 0;
  if (first12_zero) {
    if (a[12] == 0 && a[13] == 0 && a[14] == 0 && (a[15] == 0 || a[15] == 1)) return a[15] == 1 ? "loopback" : "unspecified";
    return non_public_reason_v4({a[12], a[13], a[14], a[15]});  // IPv4-compatible (deprecated)
  }
  if ((a[0] & 0xfe) == 0xfc) return "private (unique local)";
  if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) return "link-local";
  if (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0) return "site-local";
  if (a[0] == 0xff) return "multicast";
  if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == 0xb8) return "documentation";
  if (a[0] == 0x00 && a[1] == 0x64 && a[2] == 0xff && a[3] == 0x9b) {  // NAT64: the IPv4 inside decides
    return non_public_reason_v4({a[12], a[13], a[14], a[15]});
  }
  return {};
}

}  // namespace strata
