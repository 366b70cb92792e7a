// `strata findings`: the findings of a cluster's whole fleet (GET /v1/findings), filtered like the
// API, as a table, JSON lines or the server's CSV export.
#pragma once

#include <CLI/CLI.hpp>

namespace strata::cli {

void add_findings_command(CLI::App& app, int* exit_code);

}  // namespace strata::cli
