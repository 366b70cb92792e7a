#include "cli/db_command.h"

#include <iostream>
#include <memory>

#include "cli/db/feed_files.h"
#include "cli/db/local_db.h"

namespace strata::cli {
namespace {

struct DbArgs {
  std::string db;
  std::vector<std::string> paths;
  std::size_t show_skipped = 20;
};

int import(const DbArgs& args) {
  const std::string path = resolve_db_path(args.db);
  auto db = LocalVulnDb::open(path, /*create=*/true);
  if (!db) {
    std::cerr << "strata: error: " << db.error().message() << "\n";
    return 2;
  }
  const auto batches = read_feed_paths(args.paths);
  auto summary = (*db)->import(batches);
  if (!summary) {
    std::cerr << "strata: error: " << summary.error().message() << "\n";
    return 2;
  }
  std::uint64_t total = 0;
  std::string per_source;
  for (const auto& [source, n] : summary->imported_by_source) {
    total += n;
    per_source += (per_source.empty() ? "" : ", ") + source + " " + std::to_string(n);
  }
  std::cout << "imported " << total << " records (" << per_source << ") into " << path << ", generation "
            << summary->generation << "\n";
  if (!summary->skipped.empty()) {
    std::cout << "skipped " << summary->skipped.size() << ":\n";
    for (std::size_t i = 0; i < summary->skipped.size() && i < args.show_skipped; ++i) {
      std::cout << "  " << summary->skipped[i] << "\n";
    }
    if (summary->skipped.size() > args.show_skipped) {
      std::cout << "  … and " << summary->skipped.size() - args.show_skipped << " more (--show-skipped N)\n";
    }
  }
  return 0;
}

int info(const DbArgs& args) {
  auto db = LocalVulnDb::open(resolve_db_path(args.db), /*create=*/false);
  if (!db) {
    std::cerr << "strata: error: " << db.error().message() << "\n";
    return 2;
  }
  auto info = (*db)->info();
  if (!info) {
    std::cerr << "strata: error: " << info.error().message() << "\n";
    return 2;
  }
  std::cout << "database:    " << info->path << "\n"
            << "generation:  " << info->generation << "\n"
            << "updated at:  " << (info->updated_at.empty() ? "never" : info->updated_at) << "\n"
            << "records:     " << info->records << "\n";
  for (const auto& [source, n] : info->by_source) std::cout << "  source " << source << ": " << n << "\n";
  std::cout << "affected packages per ecosystem:\n";
  for (const auto& [eco, n] : info->by_ecosystem) std::cout << "  " << eco << ": " << n << "\n";
  return 0;
}

}  // namespace

void add_db_command(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<DbArgs>();
  CLI::App* db = app.add_subcommand("db", "Import and inspect the vulnerability database");
  db->require_subcommand(1);
  db->add_option("--db", args->db, "database file (default $STRATA_DB, else $XDG_CACHE_HOME/strata/vulndb.sqlite)");
  CLI::App* imp = db->add_subcommand("import", "Import OSV JSON (files, directories, all.zip), Alpine secdb JSON, "
                                               "the Debian tracker JSON and DSA/DLA lists");
  imp->add_option("PATH", args->paths, "files or directories")->required();
  imp->add_option("--show-skipped", args->show_skipped, "how many skipped records to list")->capture_default_str();
  imp->add_option("--db", args->db, "database file");
  imp->callback([args, exit_code] { *exit_code = import(*args); });
  CLI::App* inf = db->add_subcommand("info", "Show the database's generation, last update and counts");
  inf->add_option("--db", args->db, "database file");
  inf->callback([args, exit_code] { *exit_code = info(*args); });
}

}  // namespace strata::cli
