// Which network addresses a tenant-named host (a registry, a webhook receiver) may resolve to. A multi-tenant coordinator or
// worker that fetches from any host a tenant names is a server-side request forgery waiting to
// happen: a "registry" at 169.254.169.254 (cloud metadata), 127.0.0.1:6379 (the cluster's own
// Redis) or 10.0.0.0/8 (the internal network), reached directly, through DNS that resolves there,
// through a redirect or through a bearer realm (issue 14, defect 10). The check is made on the
// address libcurl is about to connect to, after DNS and on every redirect, so no name can slip
// through. Pure functions; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace strata {

// Why an address is not public ("loopback", "private", "link-local or metadata", …), or "" for a
// public unicast address. IPv4-mapped and -compatible IPv6 addresses are judged as IPv4.
std::string non_public_reason_v4(const std::array<std::uint8_t, 4>& address);
std::string non_public_reason_v6(const std::array<std::uint8_t, 16>& address);

}  // namespace strata
