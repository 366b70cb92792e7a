// Writing a report to standard output or --output FILE, with a one-line error on failure.
#pragma once

#include <string>

namespace strata::cli {

// Returns 0, or 2 after printing "strata: error: …".
int write_output(const std::string& path, const std::string& text);

}  // namespace strata::cli
