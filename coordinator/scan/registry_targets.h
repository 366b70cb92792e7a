// Fleet scan targets that name more than one image: a repository (every tag, from tags/list) or
// a whole registry (every repository its _catalog lists, then every tag of each). Checked when the
// scan is created, stored with it, and expanded once, off the API's threads, into the image
// references the scan then holds.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/error.h"
#include "worker/api/registry_client.h"

namespace strata::coordinator {

struct RegistryTargets {
  std::vector<std::string> repositories;
  std::vector<std::string> registries;
  bool empty() const { return repositories.empty() && registries.empty(); }
};

// Each repository must name a repository, each registry a registry; the error says which is not.
Result<void> check_registry_targets(const RegistryTargets& targets);
// As the scans table keeps them, and back.
std::string targets_json(const RegistryTargets& targets);
Result<RegistryTargets> parse_targets_json(const std::string& text);

// "host[:port]/repo" → "host[:port]/repo:TAG" for each tag; "host[:port]" → the same for each of
// its repositories. Fails when the listing fails or the images would exceed `max_images`.
Result<std::vector<std::string>> expand_registry_targets(const std::vector<std::string>& repositories,
                                                         const std::vector<std::string>& registries,
                                                         worker::RegistryClients& clients, std::size_t max_images);

}  // namespace strata::coordinator
