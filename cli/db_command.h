// `strata db import PATH...` and `strata db info`: the embedded vulnerability database.
#pragma once

#include <CLI/CLI.hpp>

namespace strata::cli {

void add_db_command(CLI::App& app, int* exit_code);

}  // namespace strata::cli
