// The generated fleet the fleet-scale benchmarks share (rescan_bench.cc, fleet_query_bench.cc),
// written straight into a PostgreSQL of the run's own as the scan runner would have stored it:
// images with their report documents, layers, refs and labels, packages with their match keys,
// findings with their aliases — from a few dozen base inventories read from the real package
// databases in ../shared/data/fixtures (dpkg, apk, rpm; each as several distribution releases)
// and this machine's own dpkg database, plus application packages whose names and versions come
// from the real feeds (PyPI, npm, Go, Maven), shared across images with a Zipf-like popularity;
// every feed in ../shared/data/feeds is the first generation of the feed store. Ten tenants
// share the fleet, an image in ten each.
#pragma once

#include <algorithm>
#include <cmath>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "common/distro.h"
#include "common/match/matcher.h"
#include "common/report/report_document.h"
#include "common/vulndb/ecosystem.h"
#include "common/vulndb/feed_files.h"
#include "common/vulndb/osv_json.h"
#include "coordinator/feeds/pg_vuln_db.h"
#include "coordinator/feeds/rescanner.h"
#include "coordinator/store/migrations.h"
#include "coordinator/store/scan_store.h"
#include "worker/api/analyzer_registry.h"
#include "worker/parser/apk_installed.h"
#include "worker/parser/dpkg_status.h"
#include "worker/parser/rpmdb.h"

namespace strata::bench {

namespace fs = std::filesystem;
using coordinator::PgConnection;
using coordinator::PgParam;
using coordinator::PgPool;

// The coordinator's own analyzer set, so that a cluster started on the fleet's database takes
// the fleet as its own (another set would be queued for re-analysis).
inline std::uint64_t analyzer_set() {
  static const std::uint64_t set = worker::builtin_analyzers().set_version();
  return set;
}

inline std::string shared_data() {
  const char* env = std::getenv("STRATA_SHARED_DATA");
  return env ? std::string(env) : std::string(STRATA_SOURCE_DIR) + "/../shared/data";
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string shell(const std::string& command) {
  std::string out;
  if (FILE* p = ::popen(command.c_str(), "r")) {
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    ::pclose(p);
  }
  return out;
}

// For trying a change on a large fleet without writing it again (never for the README's
// figures: such a fleet carries the changes of earlier runs): STRATA_BENCH_PG_URL names a
// PostgreSQL already running, used instead of one of the run's own, and with
// STRATA_BENCH_KEEP_FLEETS=1 a fleet database of the size asked that exists there is taken as
// it is (migrated to the current schema), and kept at the end.
inline bool keep_fleets() {
  const char* env = std::getenv("STRATA_BENCH_KEEP_FLEETS");
  return env != nullptr && std::string(env) == "1";
}

// PostgreSQL for the whole run (settings: STRATA_PG_SETTINGS, default below).
class Services {
 public:
  Services() {
    if (const char* given = std::getenv("STRATA_BENCH_PG_URL")) {
      url_ = given;
      return;
    }
    dir_ = fs::temp_directory_path() / ("strata-rescan-bench-" + std::to_string(::getpid()));
    // Sized as a fleet's database would be: a working set in shared buffers, checkpoints apart.
    ::setenv("STRATA_PG_SETTINGS", "-c shared_buffers=4GB -c max_wal_size=8GB -c checkpoint_timeout=30min", 0);
    const std::string out = shell("bash " STRATA_SOURCE_DIR "/deploy/local/services.sh start " + dir_.string() +
                                  " 2>/dev/null");
    const std::string key = "STRATA_DATABASE_URL=";
    if (const auto at = out.find(key); at != std::string::npos) {
      url_ = out.substr(at + key.size(), out.find('\n', at) - at - key.size());
    }
  }
  ~Services() {
    if (dir_.empty()) return;  // not the run's own
    shell("bash " STRATA_SOURCE_DIR "/deploy/local/services.sh stop " + dir_.string() + " >/dev/null 2>&1");
    fs::remove_all(dir_);
  }
  const std::string& url() const { return url_; }

 private:
  fs::path dir_;
  std::string url_;
};

inline Services& services() {
  static Services s;
  return s;
}

struct Base {
  std::optional<Distro> distro;
  std::vector<Package> packages;
};

inline std::optional<Distro> distro(const std::string& id, const std::string& version) {
  return detect_distro({{"etc/os-release", "ID=" + id + "\nVERSION_ID=" + version + "\n"}});
}

// A few dozen bases: each real package list as several releases of its distribution.
inline std::vector<Base> bases() {
  const std::string os = shared_data() + "/fixtures/os";
  std::vector<Base> out;
  auto dpkg = [&](const std::string& path, std::size_t at_most) {
    auto parsed = worker::parse_dpkg_status(read_file(path), "var/lib/dpkg/status", worker::DpkgDatabase::kStatus).packages;
    if (parsed.size() > at_most) parsed.resize(at_most);
    for (const auto& [id, version] : std::vector<std::pair<std::string, std::string>>{
             {"debian", "10"}, {"debian", "11"}, {"debian", "12"}, {"ubuntu", "20.04"}, {"ubuntu", "22.04"}}) {
      out.push_back({distro(id, version), parsed});
    }
  };
  dpkg(os + "/dpkg/claircore/texlive.status", 400);
  dpkg(os + "/dpkg/trivy-valid/var/lib/dpkg/status", 400);
  dpkg(os + "/dpkg/claircore/vcpkg.status", 400);
  if (fs::exists("/var/lib/dpkg/status")) dpkg("/var/lib/dpkg/status", 300);  // a real image's worth
  for (const char* file : {"/apk/trivy/installed", "/apk/scalibr/installed", "/apk/syft/multiple-2"}) {
    const auto parsed = worker::parse_apk_installed(read_file(os + file), "lib/apk/db/installed").packages;
    for (const char* version : {"3.9.0", "3.10.0", "3.11.0", "3.18.0"}) out.push_back({distro("alpine", version), parsed});
  }
  for (const auto& [file, id, versions] : std::vector<std::tuple<std::string, std::string, std::vector<std::string>>>{
           {"/rpm/sqlite-cbl-mariner-2.0/rpmdb.sqlite", "mariner", {"2.0"}},
           {"/rpm/ndb-sle15-bci/Packages.db", "sles", {"15.4", "15.5"}}}) {
    const std::string bytes = read_file(os + file);
    auto parsed = worker::parse_rpmdb(std::as_bytes(std::span(bytes)), "var/lib/rpm/x");
    if (!parsed) continue;
    for (const auto& v : versions) out.push_back({distro(id, v), parsed->packages});
  }
  return out;
}

// Application packages named by the real feeds, at versions the feeds name.
inline std::vector<Package> app_pool() {
  std::vector<Package> out;
  std::set<std::pair<std::string, std::string>> seen;
  const std::string feeds = shared_data() + "/feeds";
  for (const auto& [source, batch] : read_feed_paths({feeds + "/osv/pypi", feeds + "/osv/go", feeds + "/osv/ghsa-maven",
                                                      feeds + "/nodejs-security-wg"})) {
    for (const auto& v : batch.records) {
      for (const auto& a : v.affected) {
        const EcosystemInfo* info = find_ecosystem(a.ecosystem);
        if (info == nullptr || info->os || !seen.emplace(a.ecosystem, a.package).second) continue;
        std::string fixed;
        for (const auto& r : a.ranges) {
          for (const auto& e : r.events) {
            if (e.kind == RangeEvent::kFixed && fixed.empty()) fixed = e.version;
          }
        }
        // At its fixed version; one package in three also at a vulnerable one.
        std::vector<std::string> versions{fixed.empty() ? std::string("99.0.0") : fixed};
        if (seen.size() % 3 == 0) versions.push_back(info->id == Ecosystem::kGolang ? "v0.0.1" : "0.0.1");
        for (const std::string& version : versions) {
          Package p;
          p.ecosystem = info->id;
          p.name = a.package;
          p.version = version;
          p.source_name = p.name;
          p.source_version = version;
          p.path = "app/" + std::string(info->name) + ".lock";
          out.push_back(std::move(p));
        }
      }
    }
  }
  return out;
}

struct KeyFindings {
  std::vector<Finding> findings;  // matched once per key, with a placeholder package
};

class Fleet {
 public:
  Fleet(std::size_t images, const std::string& url) : url_(url), images_(images) {}

  // A fleet an earlier run wrote, migrated; false (with `why`) when there is none of this size.
  bool open(std::string* why) {
    auto db = PgConnection::connect(url_);
    if (!db) return (*why = db.error().message(), false);
    auto count = (*db)->exec("SELECT count(*) FROM images");
    if (!count || count->integer(0, 0) != static_cast<std::int64_t>(images_)) return (*why = "no fleet of this size", false);
    if (auto m = coordinator::apply_migrations(**db, coordinator::builtin_migrations()); !m) {
      return (*why = m.error().message(), false);
    }
    pool_ = std::make_unique<PgPool>(url_, 6);
    feeds_ = std::make_unique<coordinator::PgVulnDb>(*pool_);
    scans_ = std::make_unique<coordinator::ScanStore>(*pool_);
    auto stats = (*db)->exec("SELECT (SELECT count(*) FROM packages), (SELECT count(*) FROM findings), "
                             "(SELECT max(generation) FROM feed_generations)");
    if (!stats) return (*why = stats.error().message(), false);
    packages_per_image_ = static_cast<double>(stats->integer(0, 0)) / static_cast<double>(images_);
    findings_total_ = static_cast<std::size_t>(stats->integer(0, 1));
    round_ = static_cast<std::uint64_t>(stats->integer(0, 2)) + 100;  // record ids no earlier run used
    if (!(*db)->exec("VACUUM ANALYZE")) return (*why = "vacuum", false);
    // Writing the fleet leaves tens of GB of WAL behind, and the checkpoints it set off would
    // run through the measured rescans (at 100,000 images a delta took twice as long in one).
    // A real fleet was written long before its feed changed: settled first.
    if (!(*db)->exec("CHECKPOINT")) return (*why = "checkpoint", false);
    return measure_size(**db, why);
  }

  // Writes the fleet; false (with `why`) when it cannot.
  bool build(std::string* why) {
    auto db = PgConnection::connect(url_);
    if (!db) return (*why = db.error().message(), false);
    if (auto m = coordinator::apply_migrations(**db, coordinator::builtin_migrations()); !m) {
      return (*why = m.error().message(), false);
    }
    pool_ = std::make_unique<PgPool>(url_, 6);
    feeds_ = std::make_unique<coordinator::PgVulnDb>(*pool_);
    scans_ = std::make_unique<coordinator::ScanStore>(*pool_);
    if (auto imported = feeds_->import(read_feed_paths({shared_data() + "/feeds"})); !imported) {
      return (*why = imported.error().message(), false);
    }
    const auto base_list = bases();
    const auto apps = app_pool();
    if (base_list.empty() || apps.empty()) return (*why = "no base inventories or feeds under " + shared_data(), false);
    for (int t = 1; t <= 10; ++t) {
      if (!(*db)->exec("INSERT INTO tenants (id, name) VALUES ($1, $2)", {std::to_string(t), "bench-" + std::to_string(t)})) {
        return (*why = "tenants", false);
      }
    }
    // Tenants made later (a cluster's) take the next ids.
    if (!(*db)->exec("SELECT setval(pg_get_serial_sequence('tenants', 'id'), 10)")) return (*why = "tenant ids", false);
    std::mt19937_64 random(42);
    // Zipf-like popularity: app package k is picked with weight 1/(k+1).
    std::vector<double> weights(apps.size());
    for (std::size_t k = 0; k < apps.size(); ++k) weights[k] = 1.0 / static_cast<double>(k + 1);
    std::discrete_distribution<std::size_t> pick_app(weights.begin(), weights.end());
    std::uniform_int_distribution<int> app_count(100, 160);  // with a base: about 260 packages

    std::map<std::tuple<std::string, std::string, std::string>, KeyFindings> matched;
    std::vector<std::vector<PgParam>> image_rows, package_rows, finding_rows, layer_rows, ref_rows, label_rows;
    std::set<std::pair<std::string, std::string>> aliases;
    std::uint64_t packages_total = 0;
    for (std::size_t i = 0; i < images_; ++i) {
      const Base& base = base_list[i % base_list.size()];
      ImageInventory inv;
      char digest[80];
      std::snprintf(digest, sizeof digest, "sha256:%064zx", i + 1);
      inv.digest = digest;
      inv.ref = "registry.example/team-" + std::to_string(i % 97) + "/app-" + std::to_string(i) + ":1." + std::to_string(i % 7);
      inv.config_digest = inv.digest;
      inv.os = "linux";
      inv.arch = "amd64";
      inv.layers = {{"sha256:base" + std::to_string(i % base_list.size()), "sha256:base" + std::to_string(i % base_list.size()), 1 << 20, "application/vnd.oci.image.layer.v1.tar+gzip", false},
                    {"sha256:app" + std::to_string(i), "sha256:app" + std::to_string(i), 1 << 16, "application/vnd.oci.image.layer.v1.tar+gzip", false}};
      inv.view.distro = base.distro;
      for (const auto& p : base.packages) inv.view.packages.push_back({p, inv.layers[0].diff_id});
      std::set<std::size_t> chosen;
      const int n = app_count(random);
      while (static_cast<int>(chosen.size()) < n) chosen.insert(pick_app(random));
      for (const std::size_t k : chosen) inv.view.packages.push_back({apps[k], inv.layers[1].diff_id});
      packages_total += inv.view.packages.size();

      ScanReport report;
      report.db = {1, "2026-12-01T00:00:00Z"};
      for (const ImagePackage& ip : inv.view.packages) {
        const auto query = match_query(ip.package, inv.view.distro);
        if (!query) continue;
        auto [it, fresh] = matched.try_emplace({query->ecosystem_key, query->package, query->version});
        if (fresh) {
          auto records = feeds_->candidates(query->ecosystem_key, query->package);
          std::vector<std::string> warnings;
          if (records) it->second.findings = match_package(ip, *query, *records, warnings);
        }
        for (Finding f : it->second.findings) {
          f.package = ip;
          report.result.kept.push_back(std::move(f));
        }
      }
      const std::string tenant = std::to_string(1 + i % 10);
      for (const ImagePackage& ip : inv.view.packages) {
        const Package& p = ip.package;
        const auto query = match_query(p, inv.view.distro);
        package_rows.push_back({tenant, inv.digest, std::string(to_string(p.ecosystem)), p.name, p.version, p.source_name,
                                p.source_version, p.arch, p.path, ip.layer, "pkg:x/" + p.name,
                                query ? PgParam(query->ecosystem_key) : std::nullopt,
                                query ? PgParam(query->package) : std::nullopt,
                                query ? PgParam(query->version) : std::nullopt});
      }
      std::set<std::tuple<std::string, std::string, std::string, std::string, std::string>> keys;
      for (const Finding& f : report.result.kept) {
        const Package& p = f.package.package;
        if (!keys.emplace(f.id, p.name, p.version, p.arch, p.path).second) continue;
        finding_rows.push_back({tenant, std::to_string(i + 1), f.id, p.name, p.version, p.path, f.installed_version, f.fixed_version,
                                std::string(to_string(f.severity)),
                                f.cvss_score ? PgParam(std::to_string(*f.cvss_score)) : std::nullopt, "1", p.arch,
                                std::string(to_string(p.ecosystem))});
        for (const auto& alias : f.aliases) aliases.emplace(f.id, alias);
      }
      // Its layers, the repository and tag it was scanned as, and its scan's labels.
      for (std::size_t l = 0; l < inv.layers.size(); ++l) {
        layer_rows.push_back({tenant, inv.digest, std::to_string(l), inv.layers[l].diff_id, inv.layers[l].digest});
      }
      const auto at = coordinator::repository_tag(inv.ref);
      ref_rows.push_back({tenant, std::to_string(i + 1), at.repository, at.tag});
      label_rows.push_back({tenant, std::to_string(i + 1), "team", "team-" + std::to_string(i % 97)});
      label_rows.push_back({tenant, std::to_string(i + 1), "env", i % 3 == 0 ? "staging" : "prod"});
      report.inventory = std::move(inv);
      const ImageInventory& stored = report.inventory;
      image_rows.push_back({std::to_string(i + 1), tenant, stored.digest, stored.ref, stored.config_digest, stored.os, stored.arch,
                            stored.view.distro ? PgParam(stored.view.distro->namespace_) : std::nullopt, "1",
                            encode_report_document(report), std::to_string(analyzer_set())});
      findings_total_ += keys.size();
      if (image_rows.size() == 500 || i + 1 == images_) {
        if (auto c = flush(**db, image_rows, package_rows, finding_rows, layer_rows, ref_rows, label_rows); !c) {
          return (*why = c.error().message(), false);
        }
      }
    }
    std::vector<std::vector<PgParam>> alias_rows;
    for (const auto& [id, alias] : aliases) alias_rows.push_back({id, alias});
    if (auto c = (*db)->copy_in("finding_aliases", {"vuln_id", "alias"}, alias_rows); !c) return (*why = c.error().message(), false);
    packages_per_image_ = static_cast<double>(packages_total) / static_cast<double>(images_);
    // The fleet's images were given ids 1..N above; images stored later take the next.
    if (!(*db)->exec("SELECT setval(pg_get_serial_sequence('images', 'id'), $1)", {std::to_string(images_)})) {
      return (*why = "image ids", false);
    }
    if (!(*db)->exec("INSERT INTO package_keys SELECT DISTINCT match_ecosystem, match_package, match_version FROM "
                     "packages WHERE match_ecosystem IS NOT NULL ON CONFLICT DO NOTHING")) {
      return (*why = "package keys", false);
    }
    if (!(*db)->exec("VACUUM ANALYZE")) return (*why = "vacuum", false);
    // Writing the fleet leaves tens of GB of WAL behind, and the checkpoints it set off would
    // run through the measured rescans (at 100,000 images a delta took twice as long in one).
    // A real fleet was written long before its feed changed: settled first.
    if (!(*db)->exec("CHECKPOINT")) return (*why = "checkpoint", false);
    return measure_size(**db, why);
  }

  bool measure_size(PgConnection& db, std::string* why) {
    auto size = db.exec("SELECT pg_database_size(current_database()), pg_total_relation_size('images'), "
                        "pg_total_relation_size('packages'), pg_total_relation_size('findings')");
    if (!size) return (*why = size.error().message(), false);
    bytes_per_image_ = static_cast<double>(size->integer(0, 0)) / static_cast<double>(images_);
    for (int c = 1; c < 4; ++c) table_bytes_per_image_.push_back(static_cast<double>(size->integer(0, c)) / static_cast<double>(images_));
    return true;
  }

  // A new generation changing the records of `share` of the pairs the fleet holds: half of the
  // chosen pairs get a new record affecting every version, half a revised severity on their
  // records (or a new one when they have none). With share 1, every record gets a revised
  // summary: all of them change, their findings do not.
  bool import_delta(double share, std::string* why) {
    ++round_;
    auto db = pool_->acquire();
    std::vector<Vulnerability> records;
    if (share >= 1.0) {
      auto all = (*db)->exec("SELECT record FROM feed_records");
      for (int i = 0; i < all->rows(); ++i) {
        auto v = parse_osv(all->get(i, 0));
        if (!v) continue;
        v->summary += " (revised " + std::to_string(round_) + ")";
        records.push_back(std::move(*v));
      }
    } else {
      auto pairs = (*db)->exec("SELECT DISTINCT match_ecosystem, match_package FROM packages WHERE match_ecosystem IS NOT NULL "
                               "ORDER BY 1, 2");
      std::vector<std::pair<std::string, std::string>> present;
      for (int i = 0; i < pairs->rows(); ++i) present.emplace_back(pairs->get(i, 0), pairs->get(i, 1));
      std::mt19937_64 random(round_);
      std::shuffle(present.begin(), present.end(), random);
      present.resize(std::max<std::size_t>(1, static_cast<std::size_t>(share * static_cast<double>(present.size()))));
      pairs_chosen_ = present.size();
      std::size_t n = 0;
      for (const auto& [key, package] : present) {
        const bool add = n++ % 2 == 0;
        auto existing = feeds_->candidates(key, package);
        if (!add && existing && !existing->empty()) {
          for (auto v : *existing) {  // severity revised: each finding of them changes
            v.summary += " (revised " + std::to_string(round_) + ")";
            v.severity.clear();
            v.source_severity = round_ % 2 == 0 ? "CRITICAL" : "LOW";
            records.push_back(std::move(v));
          }
          continue;
        }
        const std::string json = R"({"id":"BENCH-)" + std::to_string(round_) + "-" + std::to_string(n) +
                                 R"(","database_specific":{"severity":"HIGH"},"affected":[{"package":{"ecosystem":")" +
                                 key + R"(","name":")" + package +
                                 R"("},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]}]})";
        if (auto v = parse_osv(json)) records.push_back(std::move(*v));
      }
    }
    auto imported = feeds_->import({{"bench", {std::move(records), {}}}});
    if (!imported) return (*why = imported.error().message(), false);
    return true;
  }

  Result<std::optional<coordinator::RescanOutcome>> rescan() {
    coordinator::RescanConfig config;
    config.analyzer_set = analyzer_set();
    if (const char* n = std::getenv("STRATA_BENCH_RESCAN_CONNECTIONS")) config.apply_connections = std::stoul(n);
    coordinator::Rescanner rescanner(*pool_, *feeds_, *scans_, config);
    return rescanner.run();
  }

  // The fleet's documents as a cluster would have refreshed them after the earlier rescans, so
  // that a cluster started on it begins idle.
  bool settle() {
    auto db = pool_->acquire();
    return db && (*db)->exec("UPDATE images SET document_stale = false WHERE document_stale");
  }
  // The state of the rescan to the latest generation: "running", "done", or "" before it began.
  std::string latest_rescan_state() {
    auto db = pool_->acquire();
    if (!db) return "";
    auto r = (*db)->exec("SELECT state FROM rescans WHERE generation = (SELECT max(generation) FROM feed_generations)");
    return r && r->rows() == 1 ? std::string(r->get(0, 0)) : std::string();
  }
  const std::string& url() const { return url_; }

  double packages_per_image() const { return packages_per_image_; }
  double bytes_per_image() const { return bytes_per_image_; }
  // images (with documents), packages, findings: bytes per image, indexes included.
  const std::vector<double>& table_bytes_per_image() const { return table_bytes_per_image_; }
  double findings_per_image() const { return static_cast<double>(findings_total_) / static_cast<double>(images_); }
  std::size_t pairs_chosen() const { return pairs_chosen_; }

 private:
  Result<void> flush(PgConnection& db, std::vector<std::vector<PgParam>>& images, std::vector<std::vector<PgParam>>& packages,
                     std::vector<std::vector<PgParam>>& findings, std::vector<std::vector<PgParam>>& layers,
                     std::vector<std::vector<PgParam>>& refs, std::vector<std::vector<PgParam>>& labels) {
    if (auto c = db.copy_in("images", {"id", "tenant_id", "digest", "ref", "config_digest", "os", "arch", "distro",
                                       "db_generation", "document", "analyzer_set"},
                            images);
        !c) {
      return c;
    }
    if (auto c = db.copy_in("packages", {"tenant_id", "image_digest", "ecosystem", "name", "version", "source_name",
                                         "source_version", "arch", "path", "layer", "purl", "match_ecosystem",
                                         "match_package", "match_version"},
                            packages);
        !c) {
      return c;
    }
    if (auto c = db.copy_in("findings", {"tenant_id", "image_id", "vuln_id", "package_name", "package_version",
                                         "package_path", "installed_version", "fixed_version", "severity", "cvss_score",
                                         "db_generation", "package_arch", "ecosystem"},
                            findings);
        !c) {
      return c;
    }
    if (auto c = db.copy_in("image_layers", {"tenant_id", "image_digest", "position", "diff_id", "digest"}, layers); !c) {
      return c;
    }
    if (auto c = db.copy_in("image_refs", {"tenant_id", "image_id", "repository", "tag"}, refs); !c) return c;
    if (auto c = db.copy_in("image_labels", {"tenant_id", "image_id", "name", "value"}, labels); !c) return c;
    for (auto* rows : {&images, &packages, &findings, &layers, &refs, &labels}) rows->clear();
    return {};
  }

  std::string url_;
  std::size_t images_;
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<coordinator::PgVulnDb> feeds_;
  std::unique_ptr<coordinator::ScanStore> scans_;
  double packages_per_image_ = 0;
  double bytes_per_image_ = 0;
  std::vector<double> table_bytes_per_image_;
  std::size_t findings_total_ = 0;
  std::size_t pairs_chosen_ = 0;
  std::uint64_t round_ = 1;
};

// One fleet per size, made on first use in a database of its own (the previous one dropped).
inline Fleet* fleet(std::size_t images, std::string* why) {
  static std::map<std::size_t, std::unique_ptr<Fleet>> fleets;
  if (auto it = fleets.find(images); it != fleets.end()) return it->second.get();
  const std::string& url = services().url();
  if (url.empty()) return (*why = "PostgreSQL did not start (deploy/local/services.sh)", nullptr);
  auto admin = PgConnection::connect(url);
  if (!admin) return (*why = admin.error().message(), nullptr);
  // One fleet at a time: the largest needs most of a small machine's disk.
  std::vector<std::size_t> previous;
  for (const auto& entry : fleets) previous.push_back(entry.first);
  fleets.clear();  // their connections closed first
  const std::string name = "rescan_" + std::to_string(images);
  std::string own = url;
  own.replace(own.rfind('/') + 1, std::string::npos, name);
  if (keep_fleets()) {
    auto kept = std::make_unique<Fleet>(images, own);
    std::string absent;
    if (kept->open(&absent)) return (fleets[images] = std::move(kept)).get();
  } else {
    for (const std::size_t size : previous) (void)(*admin)->exec("DROP DATABASE IF EXISTS rescan_" + std::to_string(size));
  }
  (void)(*admin)->exec("DROP DATABASE IF EXISTS " + name);
  if (!(*admin)->exec("CREATE DATABASE " + name)) return (*why = "cannot create " + name, nullptr);
  auto made = std::make_unique<Fleet>(images, own);
  if (!made->build(why)) return nullptr;
  return (fleets[images] = std::move(made)).get();
}

}  // namespace strata::bench
