// `strata vercmp --ecosystem E`: compares the version pairs "A<TAB>B" on standard input, one
// result per line, so that a million pairs take one process.
#pragma once

#include <CLI/CLI.hpp>

namespace strata::cli {

void add_vercmp_command(CLI::App& app, int* exit_code);

}  // namespace strata::cli
