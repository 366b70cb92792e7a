// What registries say about authentication and paging, parsed from untrusted bytes: the
// WWW-Authenticate challenge (RFC 7235 / the distribution token spec), a token server's answer,
// and the Link header that pages tags/list and _catalog. Pure.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"

namespace strata {

struct AuthChallenge {
  std::string scheme;                         // lower-cased: "bearer", "basic"
  std::map<std::string, std::string> params;  // names lower-cased: realm, service, scope, error
};

// The first challenge of a WWW-Authenticate value: `Bearer realm="…",service="…",scope="…"`.
Result<AuthChallenge> parse_www_authenticate(std::string_view header);

struct BearerToken {
  std::string token;
  std::int64_t expires_in = 60;  // seconds; the spec's default when the server names none
};

// A token server's JSON answer: `token` or `access_token`, and `expires_in`.
Result<BearerToken> parse_token_response(std::string_view body);

// The target of the `rel="next"` link in a Link header (`<url>; rel="next"`), if any.
std::optional<std::string> next_link(std::string_view link_header);

// Resolves a Link target, which may be a path ("/v2/…?last=x&n=100"), against the registry's base
// URL ("https://host:port").
std::string resolve_link(std::string_view base_url, std::string_view target);

}  // namespace strata
