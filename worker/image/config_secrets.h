// Secrets in the image config: environment variables, entrypoint and command, labels, and each
// build step's command line (a `RUN curl https://svc/?auth=…` stays in the history of every copy
// of the image). Scanned with the same rules as files.
#pragma once

#include <vector>

#include "common/inventory.h"
#include "worker/api/secret_scanner.h"

namespace strata::worker {

// Build steps are attributed to the layer they made, when the history and the layers agree.
std::vector<ImageSecret> config_secrets(const ImageInventory& inventory, const SecretScanner& scanner);

}  // namespace strata::worker
