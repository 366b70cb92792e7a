#include "worker/registry/credentials.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

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

std::optional<FoundCredential> find_credential(const CredentialSources& sources, const std::string& registry,
                                               std::string* note) {
  if (sources.explicit_credential) {
    const auto& only = sources.explicit_registries;
    if (only.empty() || std::find(only.begin(), only.end(), registry) != only.end()) {
      return FoundCredential{*sources.explicit_credential, "--username"};
    }
  }
  if (sources.environment) {
    const char* user = std::getenv("STRATA_REGISTRY_USERNAME");
    const char* pass = std::getenv("STRATA_REGISTRY_PASSWORD");
    if (user != nullptr && pass != nullptr && (*user != '\0' || *pass != '\0')) {
      return FoundCredential{{user, pass}, "environment"};
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
