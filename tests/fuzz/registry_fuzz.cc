// What a registry or a user hands strata before any image byte: references, WWW-Authenticate
// challenges, token answers, Link headers, Docker client configs, error documents, listing pages
// and token-server URLs. Each input goes to every
// parser; each must end in a value or an error.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/image/reference.h"
#include "common/registry/auth_challenge.h"
#include "common/registry/credential_scope.h"
#include "common/registry/docker_config.h"
#include "common/registry/responses.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)strata::ImageReference::parse(text, [](const std::string&) { return false; });
  (void)strata::parse_repository_name(text);
  (void)strata::is_loopback_registry(text);
  (void)strata::parse_www_authenticate(text);
  (void)strata::parse_token_response(text);
  if (auto link = strata::next_link(text)) (void)strata::resolve_link("http://127.0.0.1:5000", *link);
  (void)strata::parse_docker_config(text);
  (void)strata::base64_decode(text);
  (void)strata::registry_host_of(text);
  // The registry's other answers: error documents and listing pages.
  (void)strata::describe_error_document(text);
  std::vector<std::string> listed;
  (void)strata::append_listing_page(text, "tags", 1000, listed);
  (void)strata::append_listing_page(text, "repositories", 1000, listed);
  (void)strata::realm_may_receive_credentials("registry-1.docker.io", text, {});
  (void)strata::url_host(text);
  return 0;
}
