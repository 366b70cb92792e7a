#include "worker/registry/credentials.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "common/ascii.h"

namespace strata::worker {
namespace {

std::string default_docker_config() {
  if (const char* dir = std::getenv("DOCKER_CONFIG"); dir != nullptr && *dir != '\0') {
    return std::string(dir) + "/config.json";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return std::string(home) + "/.docker/config.json";
  }
  return {};
}

}  // namespace

bool environment_registry_matches(std::string_view named, std::string_view registry) {
  std::string host(named);
  if (host.starts_with("https://")) host = host.substr(8);
  if (host.starts_with("http://")) host = host.substr(7);
  while (host.ends_with('/')) host.pop_back();
  host = ascii_lower(host);
  // Docker Hub is known by several names; its API host is registry-1.docker.io.
  if (host == "docker.io" || host == "index.docker.io") host = "registry-1.docker.io";
  return host == ascii_lower(registry);
}

std::optional<FoundCredential> find_credential(const CredentialSources& sources, const std::string& registry,
                                               std::string* note) {
  if (sources.only_registries) {
    const auto& only = *sources.only_registries;
    if (std::find(only.begin(), only.end(), registry) == only.end()) {
      if (note != nullptr) *note = "this server uses its own credentials only for the registries its operator named";
      return std::nullopt;
    }
  }
  if (sources.explicit_credential) {
    const auto& only = sources.explicit_registries;
    if (only.empty() || std::find(only.begin(), only.end(), registry) != only.end()) {
      return FoundCredential{*sources.explicit_credential, sources.explicit_source};
    }
  }
  if (sources.environment) {
    const char* user = std::getenv("STRATA_REGISTRY_USERNAME");
    const char* pass = std::getenv("STRATA_REGISTRY_PASSWORD");
    if (user != nullptr && pass != nullptr && (*user != '\0' || *pass != '\0')) {
      // They belong to the one registry STRATA_REGISTRY_HOST names, and go nowhere else: sent to
      // every registry, any registry a reference names could collect them.
      const char* host = std::getenv("STRATA_REGISTRY_HOST");
      if (host != nullptr && environment_registry_matches(host, registry)) {
        return FoundCredential{{user, pass}, "environment"};
      }
      if (note != nullptr) {
        *note = host == nullptr || *host == '\0'
                    ? "STRATA_REGISTRY_USERNAME is set but STRATA_REGISTRY_HOST is not: credentials from the "
                      "environment go only to the registry STRATA_REGISTRY_HOST names"
                    : "the credentials in the environment are for " + std::string(host) + ", not " + registry;
      }
    }
  }
  if (sources.docker_config == "-") return std::nullopt;
  const std::string path = sources.docker_config.empty() ? default_docker_config() : sources.docker_config;
  if (path.empty()) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  auto config = parse_docker_config(text.str());
  if (!config) {
    if (note != nullptr) *note = path + ": " + config.error().message();
    return std::nullopt;
  }
  if (const auto it = config->auths.find(registry); it != config->auths.end()) {
    return FoundCredential{it->second, path};
  }
  const auto& helpers = config->helper_registries;
  if (note != nullptr && (!config->creds_store.empty() || std::find(helpers.begin(), helpers.end(), registry) != helpers.end())) {
    *note = path + " keeps " + registry + "'s credentials in a credential helper, which strata does not run; pass "
            "--username and --password-stdin instead";
  }
  return std::nullopt;
}

}  // namespace strata::worker
