// `strata report`: the fleet of a strata cluster at a glance (summary, top vulnerabilities, images
// and layers) as a table or JSON, or the server's PDF fleet report with --pdf FILE.
#pragma once

#include <CLI/CLI.hpp>

namespace strata::cli {

void add_report_command(CLI::App& app, int* exit_code);

}  // namespace strata::cli
