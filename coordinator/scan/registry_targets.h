// Fleet scan targets that name more than one image: a repository (every tag, from tags/list) or
// a whole registry (every repository its _catalog lists, then every tag of each). Expanded once,
// when the scan is created, into the image references the scan stores.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/error.h"
#include "worker/registry/registry_client.h"

namespace strata::coordinator {

// "host[:port]/repo" → "host[:port]/repo:TAG" for each tag; "host[:port]" → the same for each of
// its repositories. Fails when the listing fails or the images would exceed `max_images`.
Result<std::vector<std::string>> expand_registry_targets(const std::vector<std::string>& repositories,
                                                         const std::vector<std::string>& registries,
                                                         worker::RegistryClients& clients, std::size_t max_images);

}  // namespace strata::coordinator
