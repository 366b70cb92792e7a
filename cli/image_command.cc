#include "cli/image_command.h"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/db/db_path.h"
#include "common/vulndb/sqlite/sqlite_vuln_db.h"
#include "cli/image_flags.h"
#include "cli/output.h"
#include "common/report/formats.h"
#include "common/report/vuln_report.h"

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
  DbStamp stamp;
  if (vuln) {
    auto opened = SqliteVulnDb::open(resolve_db_path(args.db), /*create=*/false);
    if (!opened) return fail_with(opened.error());
    auto info = (*opened)->info();
    if (!info) return fail_with(info.error());
    db = std::move(*opened);
    stamp = {info->generation, info->updated_at};
  }
  auto inventories = inventory_from_args(args.image);
  if (!inventories) return fail_with(inventories.error());

  const std::string format = !args.format.empty() ? args.format
                             : (args.output.empty() && ::isatty(STDOUT_FILENO)) ? "table"
                                                                                 : "json";
  if (inventories->size() > 1 && format != "json" && format != "table") {
    return fail_with(Error(ErrorCode::kInvalidInput, args.image.ref + ": --platform all gives " +
                                                         std::to_string(inventories->size()) +
                                                         " images; --format " + format +
                                                         " describes one, so pick one with --platform or use json"));
  }
  std::string text;
  std::size_t remaining = 0;
  if (format == "json" && inventories->size() > 1) text += "[\n";
  for (std::size_t i = 0; i < inventories->size(); ++i) {
    auto& inventory = (*inventories)[i];
    if (format == "json" && i > 0) text += ",\n";
    ScanReport report;
    MatchReport match = db ? match_image(inventory.view, *db) : MatchReport{};
    report.inventory = std::move(inventory);
    report.db = stamp;
    report.warnings = std::move(match.warnings);
    Policy image_policy = policy;
    image_policy.image_ref = report.inventory.ref;
    image_policy.image_digest = report.inventory.digest;
    image_policy.distro = report.inventory.view.distro;
    report.result = apply_policy(std::move(match.findings), image_policy);
    apply_policy_to_image(report.inventory, image_policy, report.result);
    remaining += remaining_findings(report.result);
    if (format == "table") {
      text += report_table(report, args.output.empty() && ::isatty(STDOUT_FILENO));
    } else if (format == "sarif") {
      text += report_sarif(report);
    } else if (format == "cyclonedx") {
      text += report_cyclonedx(report);
    } else if (format == "csv") {
      text += report_csv(report);
    } else {
      text += report_json(report);
    }
  }
  if (format == "json" && inventories->size() > 1) text += "]\n";
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
                  "table (default on a terminal), json (default otherwise), sarif, cyclonedx or csv")
      ->check(CLI::IsMember({"json", "table", "sarif", "cyclonedx", "csv"}));
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
