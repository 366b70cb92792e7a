// CurveZMQ key files, shared by the worker (its secret key, the coordinator's public key) and the
// coordinator (its secret key, the workers' public keys): Z85 text, 40 characters, one key a file,
// as `strata-coordinator keys` writes them.
#pragma once

#include <cstddef>
#include <string>

#include "common/error.h"

namespace strata {

constexpr std::size_t kZ85KeyLength = 40;

// A key file's Z85 text: 40 characters after trimming whitespace; errors name the file.
Result<std::string> read_curve_key(const std::string& path);

}  // namespace strata
