#include "common/registry/credential_scope.h"

#include <algorithm>

#include "common/ascii.h"

namespace strata {
namespace {

bool is_ip_literal(std::string_view host) {
  if (host.find(':') != std::string_view::npos) return true;  // IPv6
  return !host.empty() && std::all_of(host.begin(), host.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

// "registry-1.docker.io" -> "docker.io"; "" when dropping the first label would leave a single
// label (a top-level domain), or for addresses.
std::string parent_domain(std::string_view host) {
  if (is_ip_literal(host)) return {};
  const auto dot = host.find('.');
  if (dot == std::string_view::npos) return {};
  const std::string_view parent = host.substr(dot + 1);
  if (parent.find('.') == std::string_view::npos) return {};
  return std::string(parent);
}

}  // namespace

std::string url_host(std::string_view url) {
  std::string_view rest;
  if (url.starts_with("https://")) {
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else {
    return {};
  }
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
  return registry_host(rest);
}

std::string registry_host(std::string_view registry) {
  std::string_view host = registry;
  if (host.starts_with('[')) {
    const auto close = host.find(']');
    host = close == std::string_view::npos ? host.substr(1) : host.substr(1, close - 1);
  } else if (const auto colon = host.find(':'); colon != std::string_view::npos) {
    host = host.substr(0, colon);
  }
  return ascii_lower(host);
}

bool realm_may_receive_credentials(std::string_view registry, std::string_view realm_url,
                                   const std::vector<std::string>& trusted_hosts) {
  const std::string realm = url_host(realm_url);
  if (realm.empty()) return false;
  const std::string own = registry_host(registry);
  if (realm == own) return true;
  for (const auto& trusted : trusted_hosts) {
    if (ascii_lower(trusted) == realm) return true;
  }
  const std::string parent = parent_domain(own);
  if (parent.empty()) return false;
  return realm == parent || (realm.size() > parent.size() && realm.ends_with("." + parent));
}

}  // namespace strata
