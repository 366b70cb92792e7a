// Where a registry's credentials may go. A registry (or anyone who can answer for it) names the
// bearer token server in its WWW-Authenticate challenge, and the client sends the registry's
// username and password there: a challenge naming a server of the attacker's would collect them
// (issue 14, defect 3). Credentials therefore go only to the registry's own host, to token
// servers within the registry's own domain (registry-1.docker.io -> auth.docker.io,
// registry.gitlab.com -> gitlab.com) and to hosts the operator trusts by name. Pure functions;
// thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace strata {

// The host of an http(s) URL, lower-cased, without port, user information or brackets; "" when
// `url` is not an absolute http(s) URL.
std::string url_host(std::string_view url);

// The host of a registry API address ("ghcr.io", "127.0.0.1:5000", "[::1]:5000"), lower-cased,
// without port.
std::string registry_host(std::string_view registry);

// True when the token server at `realm_url` may receive `registry`'s credentials: the same
// host, a host within the registry's parent domain (never a bare top-level domain, never for an IP
// address or a one-label name), or a host listed in `trusted_hosts`.
bool realm_may_receive_credentials(std::string_view registry, std::string_view realm_url,
                                   const std::vector<std::string>& trusted_hosts);

}  // namespace strata
