// The `strata` command.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/db_command.h"
#include "cli/findings_command.h"
#include "cli/image_command.h"
#include "cli/inventory_command.h"
#include "cli/report_command.h"
#include "cli/submit_command.h"
#include "cli/vercmp_command.h"

int main(int argc, char** argv) {
  CLI::App app("strata: find what is inside container images, and what is vulnerable in it");
  app.require_subcommand(1);
  app.set_version_flag("--version", "strata 0.1.0");
  int exit_code = 0;
  strata::cli::add_image_command(app, &exit_code);
  strata::cli::add_inventory_command(app, &exit_code);
  strata::cli::add_vercmp_command(app, &exit_code);
  strata::cli::add_db_command(app, &exit_code);
  strata::cli::add_submit_command(app, &exit_code);
  strata::cli::add_findings_command(app, &exit_code);
  strata::cli::add_report_command(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  } catch (const std::exception& e) {
    // Our own bug if it comes to this: every input is meant to be turned into an Error first.
    std::cerr << "strata: error: internal error: " << e.what() << "\n";
    return 2;
  }
  return exit_code;
}
