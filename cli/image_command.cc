#include "cli/image_command.h"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/db/db_path.h"
#include "cli/image_flags.h"
#include "cli/output.h"
#include "common/assess/assess_image.h"
#include "common/report/formats.h"
#include "common/vulndb/sqlite/sqlite_vuln_db.h"

namespace strata::cli {
namespace {

struct ScanArgs {
  ImageArgs image;
  std::string db;
  std::string format;
  std::string output;
  std::string severity;
  bool ignore_unfixed = false;
  int exit_code = 0;
  std::string ignore_file;
  std::vector<std::string> vex_files;
};

int run(ScanArgs& args) {
  auto fail_with = [](const Error& e) {
    std::cerr << "strata: error: " << e.message() << "\n";
    return 2;
  };
  Policy policy;
  policy.ignore_unfixed = args.ignore_unfixed;
  policy.today = utc_today();
  if (!args.severity.empty()) {
    auto levels = parse_severity_list(args.severity);
    if (!levels) return fail_with(levels.error());
    policy.severities = *levels;
  }
  std::string ignore_path = args.ignore_file;
  if (ignore_path.empty() && ::access(".strataignore", R_OK) == 0) ignore_path = ".strataignore";
  if (!ignore_path.empty()) {
    std::ifstream in(ignore_path);
    if (!in) return fail_with(Error(ErrorCode::kNotFound, ignore_path + ": cannot read the ignore file"));
    std::stringstream ss;
    ss << in.rdbuf();
    auto rules = parse_ignore_file(ss.str(), ignore_path);
    if (!rules) return fail_with(rules.error());
    policy.ignores = *rules;
  }
  for (const auto& path : args.vex_files) {
    std::ifstream in(path);
    if (!in) return fail_with(Error(ErrorCode::kNotFound, path + ": cannot read the VEX document"));
    std::stringstream ss;
    ss << in.rdbuf();
    auto statements = parse_openvex(ss.str(), path);
    if (!statements) return fail_with(statements.error());
    policy.vex.insert(policy.vex.end(), statements->begin(), statements->end());
  }
  // Secrets and configuration checks read only the image: without the vulnerability scanner
  // no database is opened, so a first scan works before any feed has been imported.
  const bool vuln = std::ranges::find(args.image.scanners, "vuln") != args.image.scanners.end();
  std::unique_ptr<SqliteVulnDb> db;
  if (vuln) {
    auto opened = SqliteVulnDb::open(resolve_db_path(args.db), /*create=*/false);
    if (!opened) return fail_with(opened.error());
    db = std::move(*opened);
  }
  auto inventories = inventory_from_args(args.image);
  if (!inventories) return fail_with(inventories.error());

  const bool terminal = args.output.empty() && ::isatty(STDOUT_FILENO);
  const ReportFormatInfo& format = args.format.empty()
                                       ? report_format(terminal ? ReportFormat::kTable : ReportFormat::kJson)
                                       : *find_report_format(args.format);  // CLI11 checked the name
  if (inventories->size() > 1 && !format.many_images) {
    return fail_with(Error(ErrorCode::kInvalidInput, args.image.ref + ": --platform all gives " +
                                                         std::to_string(inventories->size()) +
                                                         " images; --format " + std::string(format.name) +
                                                         " describes one, so pick one with --platform or use json"));
  }
  const bool json_array = format.id == ReportFormat::kJson && inventories->size() > 1;
  std::string text;
  std::size_t remaining = 0;
  if (json_array) text += "[\n";
  for (std::size_t i = 0; i < inventories->size(); ++i) {
    if (json_array && i > 0) text += ",\n";
    auto report = assess_image(std::move((*inventories)[i]), db.get(), policy);
    if (!report) return fail_with(report.error());
    remaining += remaining_findings(report->result);
    text += format.write(*report, terminal);
  }
  if (json_array) text += "]\n";
  if (const int rc = write_output(args.output, text); rc != 0) return rc;
  return remaining > 0 ? args.exit_code : 0;
}

}  // namespace

void add_image_command(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ScanArgs>();
  CLI::App* cmd = app.add_subcommand("image", "Find the vulnerabilities of an image's OS packages");
  add_image_flags(cmd, args->image);
  cmd->add_option("--db", args->db, "vulnerability database file");
  cmd->add_option("--format,-f", args->format,
                  report_format_list() + " (default: table on a terminal, json otherwise)")
      ->check(CLI::IsMember(report_format_names()));
  cmd->add_option("--output,-o", args->output, "write the report to FILE instead of stdout");
  cmd->add_option("--severity", args->severity, "report only these severities, e.g. HIGH,CRITICAL");
  cmd->add_flag("--ignore-unfixed", args->ignore_unfixed, "leave out vulnerabilities with no fixed version");
  cmd->add_option("--exit-code", args->exit_code, "exit with N when findings remain after the filters")
      ->capture_default_str();
  cmd->add_option("--ignore-file", args->ignore_file,
                  "ids to ignore, one per line, optionally 'ID exp:YYYY-MM-DD' (default .strataignore)");
  cmd->add_option("--vex", args->vex_files,
                  "OpenVEX documents; not_affected and fixed statements suppress the findings they name (repeatable)");
  cmd->callback([args, exit_code] { *exit_code = run(*args); });
}

}  // namespace strata::cli
