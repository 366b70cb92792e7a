// `strata inventory REF`: the OS package inventory of an image on disk.
#pragma once

#include <CLI/CLI.hpp>

namespace strata::cli {

// Registers the subcommand on `app`; the returned callback's exit code is stored in `*exit_code`.
void add_inventory_command(CLI::App& app, int* exit_code);

}  // namespace strata::cli
