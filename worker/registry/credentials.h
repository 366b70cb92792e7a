// Where registry credentials come from, first match wins: given on the command line
// (--username, --password-stdin), the environment (STRATA_REGISTRY_USERNAME and
// STRATA_REGISTRY_PASSWORD, for the one registry STRATA_REGISTRY_HOST names), then the Docker client config
// ($DOCKER_CONFIG/config.json, else ~/.docker/config.json). Credentials are never logged and never
// part of an error message.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/registry/docker_config.h"

namespace strata::worker {

struct CredentialSources {
  std::optional<RegistryCredential> explicit_credential;
  std::vector<std::string> explicit_registries;  // empty: the explicit credential is for every registry
  std::string explicit_source = "--username";     // where the explicit credential came from, for messages
  bool environment = true;
  std::string docker_config;  // a path; "" means the default location; "-" means none
  // When set, credentials are looked up only for these registries (API hosts); every other one
  // is reached anonymously. A multi-tenant coordinator lists the registries whose use of its own
  // credentials its operator chose: otherwise any tenant could scan what they open.
  std::optional<std::vector<std::string>> only_registries;
};

struct FoundCredential {
  RegistryCredential credential;
  std::string source;  // "--username", "environment", "~/.docker/config.json": said, the secret never
};

// True when STRATA_REGISTRY_HOST's value `named` ("ghcr.io", "127.0.0.1:5000", "docker.io")
// names the registry whose API host is `registry`.
bool environment_registry_matches(std::string_view named, std::string_view registry);

// The credential for `registry` (an API host), if any source holds one. `note` says why a Docker
// config did not help when it names a credential helper strata does not run.
std::optional<FoundCredential> find_credential(const CredentialSources& sources, const std::string& registry,
                                               std::string* note = nullptr);

}  // namespace strata::worker
