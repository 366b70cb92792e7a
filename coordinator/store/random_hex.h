// Unguessable identifiers and secrets: hex of bytes from OpenSSL's CSPRNG.
#pragma once

#include <cstddef>
#include <string>

#include "common/error.h"

namespace strata::coordinator {

// `bytes` random bytes as hex; an error when the generator fails (an unseeded generator must
// never yield a guessable API key or scan id).
Result<std::string> random_hex(std::size_t bytes);

}  // namespace strata::coordinator
