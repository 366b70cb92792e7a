// Registry credentials from a Docker client config (`~/.docker/config.json`): the `auths` map,
// each entry's base64 `auth` ("user:password") or `username`/`password`. Keys are normalised to
// the registry's API host ("https://index.docker.io/v1/" → "registry-1.docker.io"). Entries
// kept by a credential helper (`credsStore`, `credHelpers`) are named so a caller can say why
// nothing was found. Pure: bytes in, values out; never logs what it reads.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace strata {

struct RegistryCredential {
  std::string username;
  std::string password;
  bool empty() const { return username.empty() && password.empty(); }
};

struct DockerConfig {
  std::map<std::string, RegistryCredential> auths;  // by API host
  std::vector<std::string> helper_registries;       // registries a credential helper holds
  std::string creds_store;                           // the default helper, if any
  std::vector<std::string> skipped;                  // entries that could not be read, and why
};

Result<DockerConfig> parse_docker_config(std::string_view json);

// "https://index.docker.io/v1/", "docker.io", "http://localhost:5000/" → the API host.
std::string registry_host_of(std::string_view key);

// Standard base64 (with or without padding); nullopt-like error on anything else.
Result<std::string> base64_decode(std::string_view text);
std::string base64_encode(std::string_view bytes);

}  // namespace strata
