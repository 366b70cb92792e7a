// `strata image REF`: inventory and vulnerability matching in one process, no servers, with the
// policy flags a CI pipeline fails builds by.
#pragma once

#include <CLI/CLI.hpp>

namespace strata::cli {

void add_image_command(CLI::App& app, int* exit_code);

}  // namespace strata::cli
