#include "cli/db_command.h"

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include "cli/db/db_path.h"
#include "common/vulndb/feed_download.h"
#include "common/vulndb/feed_files.h"
#include "common/ecosystems.h"
#include "common/vulndb/sqlite/sqlite_vuln_db.h"

namespace strata::cli {
namespace {

struct DbArgs {
  std::string db;
  std::vector<std::string> paths;
  std::size_t show_skipped = 20;
  std::string mirror = kOsvMirror;
  std::vector<std::string> ecosystems = default_osv_archives();
  int attempts = 4;
};

int import_paths(const DbArgs& args, const std::vector<std::string>& paths) {
  const std::string path = resolve_db_path(args.db);
  auto db = SqliteVulnDb::open(path, /*create=*/true);
  if (!db) {
    std::cerr << "strata: error: " << db.error().message() << "\n";
    return 2;
  }
  const auto batches = read_feed_paths(paths);
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
  std::cout << skipped_summary(summary->skipped, args.show_skipped);
  return 0;
}

int import(const DbArgs& args) { return import_paths(args, args.paths); }

// Downloads each ecosystem's OSV all.zip from the mirror next to the database, then imports
// the ones that arrived as one generation. A failed download is named and makes the exit 2,
// but does not stop the others.
int update(const DbArgs& args) {
  const std::filesystem::path dir = std::filesystem::path(resolve_db_path(args.db)).parent_path() / "osv";
  const auto fetched = download_osv_archives(args.mirror, args.ecosystems, dir, DownloadOptions{.attempts = args.attempts},
                                             std::cout);
  for (const auto& e : fetched.errors) std::cerr << "strata: error: " << e << "\n";
  if (fetched.archives.empty()) return 2;
  const int imported = import_paths(args, fetched.archives);
  return imported != 0 ? imported : (fetched.errors.empty() ? 0 : 2);
}

int info(const DbArgs& args) {
  auto db = SqliteVulnDb::open(resolve_db_path(args.db), /*create=*/false);
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
  CLI::App* upd = db->add_subcommand("update", "Download the OSV archives of the chosen ecosystems and import them");
  upd->add_option("--mirror", args->mirror, "base URL serving ECOSYSTEM/all.zip (an internal mirror for "
                                            "air-gapped sites)")
      ->capture_default_str();
  upd->add_option("--ecosystem", args->ecosystems, "OSV ecosystems to fetch (repeatable)")->capture_default_str();
  upd->add_option("--attempts", args->attempts, "tries per archive, with backoff, on network errors, 5xx and 429")
      ->capture_default_str()
      ->check(CLI::Range(1, 10));
  upd->add_option("--show-skipped", args->show_skipped, "how many skipped records to list")->capture_default_str();
  upd->add_option("--db", args->db, "database file");
  upd->callback([args, exit_code] { *exit_code = update(*args); });
  CLI::App* inf = db->add_subcommand("info", "Show the database's generation, last update and counts");
  inf->add_option("--db", args->db, "database file");
  inf->callback([args, exit_code] { *exit_code = info(*args); });
}

}  // namespace strata::cli
