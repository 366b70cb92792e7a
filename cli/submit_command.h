// `strata submit`: sends images to a strata cluster and, with --wait, prints their reports.
#pragma once

#include <CLI/CLI.hpp>

namespace strata::cli {

void add_submit_command(CLI::App& app, int* exit_code);

}  // namespace strata::cli
