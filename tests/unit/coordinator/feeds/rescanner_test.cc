// The rescan against the fixture's PostgreSQL: images stored with one generation of the feed
// store, a second generation imported, and the rescan must leave every image's findings and
// document exactly what assessing it now finds, with one event per change, for its tenant only;
// nothing again when nothing changed; and a rescan stopped between chunks resumes to the same end.
#include "coordinator/feeds/rescanner.h"

#include <map>
#include <thread>
#include <nlohmann/json.hpp>

#include "common/assess/assess_image.h"
#include "common/report/report_document.h"
#include "common/vulndb/osv_json.h"
#include "tests/unit/coordinator/store/store_fixture.h"

namespace strata::coordinator::test_store {
namespace {

Vulnerability osv(const std::string& id, const std::string& ecosystem, const std::string& package,
                  const std::string& fixed, const std::string& severity = "HIGH", bool withdrawn = false) {
  const std::string json = R"({"id":")" + id + R"(",)" + (withdrawn ? R"("withdrawn":"2026-12-01T00:00:00Z",)" : "") +
                           R"("database_specific":{"severity":")" + severity + R"("},)" +
                           R"("affected":[{"package":{"ecosystem":")" + ecosystem + R"(","name":")" + package +
                           R"("},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":")" + fixed +
                           R"("}]}]}]})";
  auto v = parse_osv(json);
  EXPECT_TRUE(v) << json;
  return *v;
}

Vulnerability aliased(Vulnerability v, std::vector<std::string> aliases) {
  v.aliases = std::move(aliases);
  return v;
}

ImagePackage package(Ecosystem ecosystem, const std::string& name, const std::string& version) {
  ImagePackage p;
  p.package = {ecosystem, name, version, name, version, "", "app/lock", ""};
  p.layer = "sha256:layer";
  return p;
}

ImageInventory image(const std::string& digest, std::vector<ImagePackage> packages) {
  ImageInventory inv;
  inv.ref = "registry.example/app@" + digest;
  inv.digest = digest;
  inv.config_digest = "sha256:config";
  inv.os = "linux";
  inv.arch = "amd64";
  inv.view.packages = std::move(packages);
  return inv;
}

constexpr std::uint64_t kAnalyzers = 42;

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

RescanConfig config(std::size_t pairs_per_chunk = 2000) {
  RescanConfig c;
  c.analyzer_set = kAnalyzers;
  c.pairs_per_chunk = pairs_per_chunk;
  return c;
}

class Rescan : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    pool_ = std::make_unique<PgPool>(url_, 4);
    scans_ = std::make_unique<ScanStore>(*pool_);
    tenants_ = std::make_unique<Tenants>(*pool_);
    feeds_ = std::make_unique<PgVulnDb>(*pool_);
    a_ = tenants_->create("a")->id;
    b_ = tenants_->create("b")->id;
  }

  void import(std::vector<Vulnerability> records) {
    auto imported = feeds_->import({{"test", {std::move(records), {}}}});
    ASSERT_TRUE(imported) << imported.error().message();
  }

  // Stored as the scan runner stores it: assessed with the feed store as it is now.
  void store(TenantId tenant, const ImageInventory& inv, std::uint64_t analyzer_set = kAnalyzers) {
    auto scan = scans_->create_scan(tenant, Priority::kBulk, {inv.ref});
    ASSERT_TRUE(scan);
    Policy policy;
    policy.today = utc_today();
    auto report = assess_image(inv, feeds_.get(), policy);
    ASSERT_TRUE(report) << report.error().message();
    auto done = scans_->image_done(tenant, *scan, 0, {&*report, encode_report_document(*report), analyzer_set});
    ASSERT_TRUE(done) << done.error().message();
  }

  std::optional<RescanOutcome> rescan(std::size_t pairs_per_chunk = 2000, const std::atomic<bool>* stop = nullptr) {
    RescanConfig c = config(pairs_per_chunk);
    c.stop = stop;
    Rescanner rescanner(*pool_, *feeds_, *scans_, c);
    auto out = rescanner.run();
    EXPECT_TRUE(out) << out.error().message();
    return out.value_or(std::nullopt);
  }

  // Open findings of one image: "vuln package fixed severity", sorted.
  std::vector<std::string> open_findings(TenantId tenant, const std::string& digest) {
    auto r = db_->exec("SELECT vuln_id || ' ' || package_name || ' ' || COALESCE(fixed_version, '-') || ' ' || severity "
                       "FROM findings WHERE image_id = (SELECT id FROM images WHERE tenant_id = $1 AND digest = $2) AND "
                       "resolved_at IS NULL ORDER BY 1",
                       {std::to_string(tenant), digest});
    std::vector<std::string> out;
    for (int i = 0; i < r->rows(); ++i) out.emplace_back(r->get(i, 0));
    return out;
  }
  // What assessing the image now keeps, in the same words.
  std::vector<std::string> assessed_findings(const ImageInventory& inv) {
    auto report = assess_image(inv, feeds_.get(), Policy{});
    std::vector<std::string> out;
    for (const auto& f : report->result.kept) {
      out.push_back(f.id + " " + f.package.package.name + " " + f.fixed_version.value_or("-") + " " +
                    std::string(to_string(f.severity)));
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  // Events of a tenant: "kind image vuln package severity", in id order.
  std::vector<std::string> events(TenantId tenant) {
    auto r = db_->exec("SELECT kind || ' ' || image_digest || ' ' || vuln_id || ' ' || package_name || ' ' || severity "
                       "FROM finding_events WHERE tenant_id = $1 ORDER BY id",
                       {std::to_string(tenant)});
    std::vector<std::string> out;
    for (int i = 0; i < r->rows(); ++i) out.emplace_back(r->get(i, 0));
    return out;
  }

  std::unique_ptr<PgVulnDb> feeds_;
  TenantId a_ = 0;
  TenantId b_ = 0;
  const ImageInventory web_ = image("sha256:web", {package(Ecosystem::kNpm, "lodash", "4.17.20"),
                                                   package(Ecosystem::kPypi, "requests", "2.19.0"),
                                                   package(Ecosystem::kNpm, "minimist", "1.2.0")});
  const ImageInventory api_ = image("sha256:api", {package(Ecosystem::kPypi, "requests", "2.19.0"),
                                                   package(Ecosystem::kPypi, "django", "3.0.0")});
};

TEST_F(Rescan, ANewGenerationLeavesFindingsAndDocumentsAsAFreshAssessmentWithOneEventPerChange) {
  import({osv("GHSA-lodash", "npm", "lodash", "4.17.21"), osv("PYSEC-req", "PyPI", "requests", "2.20.0", "MODERATE"),
          aliased(osv("GHSA-minimist", "npm", "minimist", "1.2.6"), {"SNYK-JS-MINIMIST-559764"})});
  store(a_, web_);
  store(b_, api_);
  EXPECT_EQ(open_findings(a_, "sha256:web").size(), 3u);

  // The next generation: requests' severity and fix change (and it gains an alias), minimist's
  // record is withdrawn, and django gets its first record; lodash is untouched.
  import({aliased(osv("PYSEC-req", "PyPI", "requests", "2.21.0", "CRITICAL"), {"SNYK-PYTHON-REQUESTS-72435"}),
          osv("GHSA-minimist", "npm", "minimist", "1.2.6", "HIGH", /*withdrawn=*/true),
          aliased(osv("PYSEC-django", "PyPI", "django", "3.0.1"), {"SNYK-PYTHON-DJANGO-543998", "ZZ-DJANGO-1"})});
  const auto out = rescan();
  ASSERT_TRUE(out);
  EXPECT_TRUE(out->finished);
  EXPECT_EQ(out->generation, 2u);
  EXPECT_EQ(out->findings_new, 1u);
  EXPECT_EQ(out->findings_resolved, 1u);
  EXPECT_EQ(out->findings_changed, 2u);  // requests, in both tenants' images
  EXPECT_EQ(out->keys, 3u);              // requests 2.19.0 (once for both), minimist, django: lodash is not read

  for (const auto& [tenant, inv] : {std::pair{a_, web_}, std::pair{b_, api_}}) {
    EXPECT_EQ(open_findings(tenant, inv.digest), assessed_findings(inv)) << inv.digest;
  }
  // Keys in different parts of a chunk are written at once: their events come in either order.
  EXPECT_EQ(sorted(events(a_)), (std::vector<std::string>{"finding.changed sha256:web PYSEC-req requests CRITICAL",
                                                          "finding.resolved sha256:web GHSA-minimist minimist HIGH"}));
  EXPECT_EQ(sorted(events(b_)), (std::vector<std::string>{"finding.changed sha256:api PYSEC-req requests CRITICAL",
                                                          "finding.new sha256:api PYSEC-django django HIGH"}));
  // Each event names the vulnerability's aliases: as the record is now, or as it was for a
  // finding that went with its record.
  auto aliases = db_->exec("SELECT vuln_id || ' ' || aliases FROM finding_events ORDER BY 1");
  ASSERT_EQ(aliases->rows(), 4);
  EXPECT_EQ(aliases->get(0, 0), R"(GHSA-minimist ["SNYK-JS-MINIMIST-559764"])");
  EXPECT_EQ(aliases->get(1, 0), R"(PYSEC-django ["SNYK-PYTHON-DJANGO-543998","ZZ-DJANGO-1"])");
  EXPECT_EQ(aliases->get(2, 0), R"(PYSEC-req ["SNYK-PYTHON-REQUESTS-72435"])");
  EXPECT_EQ(aliases->get(3, 0), R"(PYSEC-req ["SNYK-PYTHON-REQUESTS-72435"])");
  // The fleet queries find the rescan's new finding by its ecosystem and by an alias of the
  // record that made it (migration 024).
  EXPECT_EQ(db_->exec("SELECT ecosystem FROM findings WHERE vuln_id = 'PYSEC-django'")->get(0, 0), "pypi");
  EXPECT_EQ(db_->exec("SELECT vuln_id FROM finding_aliases WHERE alias = 'ZZ-DJANGO-1'")->get(0, 0), "PYSEC-django");
  auto changed = db_->exec("SELECT previous_severity, previous_fixed, fixed_version FROM finding_events "
                           "WHERE kind = 'finding.changed' AND tenant_id = $1",
                           {std::to_string(a_)});
  EXPECT_EQ(changed->get(0, 0), "MEDIUM");
  EXPECT_EQ(changed->get(0, 1), "2.20.0");
  EXPECT_EQ(changed->get(0, 2), "2.21.0");

  // Both documents are stale until assessed again; then each is what assessing it now gives.
  Rescanner rescanner(*pool_, *feeds_, *scans_, config());
  EXPECT_EQ(rescanner.refresh_documents(100).value(), 2u);
  EXPECT_EQ(rescanner.refresh_documents(100).value(), 0u);
  for (const auto& [tenant, inv] : {std::pair{a_, web_}, std::pair{b_, api_}}) {
    Policy policy;
    policy.today = utc_today();
    const auto now = assess_image(inv, feeds_.get(), policy);
    auto stored = db_->exec("SELECT document, db_generation FROM images WHERE tenant_id = $1 AND digest = $2",
                            {std::to_string(tenant), inv.digest});
    EXPECT_EQ(stored->get(0, 0), encode_report_document(*now)) << inv.digest;
    EXPECT_EQ(stored->integer(0, 1), 2);
  }

  // Nothing more to do, and the same feed again makes no generation and no event.
  EXPECT_FALSE(rescan());
  import({aliased(osv("PYSEC-req", "PyPI", "requests", "2.21.0", "CRITICAL"), {"SNYK-PYTHON-REQUESTS-72435"})});
  EXPECT_FALSE(rescan());
  EXPECT_EQ(events(a_).size() + events(b_).size(), 4u);
}

// An image scanned between the generations a rescan covers already holds a finding that was not
// there before them: the rescan finds it stored and tells of its change, not of a new finding
// (a rescan does not look up the places of findings that are new to every image assessed before).
TEST_F(Rescan, AFindingStoredByAScanBetweenTheGenerationsIsChangedNotNew) {
  import({osv("GHSA-minimist", "npm", "minimist", "1.2.6")});
  store(a_, web_);
  import({osv("GHSA-minimist", "npm", "minimist", "1.2.6"), osv("GHSA-lodash", "npm", "lodash", "4.17.21")});
  const ImageInventory later = image("sha256:later", {package(Ecosystem::kNpm, "lodash", "4.17.20")});
  store(a_, later);  // assessed with the second generation: lodash's finding is HIGH
  import({osv("GHSA-minimist", "npm", "minimist", "1.2.6"),
          osv("GHSA-lodash", "npm", "lodash", "4.17.21", "CRITICAL")});
  const auto out = rescan();
  ASSERT_TRUE(out);
  EXPECT_EQ(out->findings_new, 1u);
  EXPECT_EQ(out->findings_changed, 1u);
  EXPECT_EQ(sorted(events(a_)), (std::vector<std::string>{"finding.changed sha256:later GHSA-lodash lodash CRITICAL",
                                                          "finding.new sha256:web GHSA-lodash lodash CRITICAL"}));
  for (const auto& inv : {web_, later}) EXPECT_EQ(open_findings(a_, inv.digest), assessed_findings(inv)) << inv.digest;
}

TEST_F(Rescan, AFindingResolvedAndMatchedAgainIsNewAgain) {
  import({osv("GHSA-lodash", "npm", "lodash", "4.17.21")});
  store(a_, web_);
  import({osv("GHSA-lodash", "npm", "lodash", "4.17.21", "HIGH", /*withdrawn=*/true)});
  ASSERT_TRUE(rescan());
  EXPECT_TRUE(open_findings(a_, "sha256:web").empty());
  import({osv("GHSA-lodash", "npm", "lodash", "4.17.21", "LOW")});
  ASSERT_TRUE(rescan());
  EXPECT_EQ(open_findings(a_, "sha256:web"), (std::vector<std::string>{"GHSA-lodash lodash 4.17.21 LOW"}));
  EXPECT_EQ(events(a_), (std::vector<std::string>{"finding.resolved sha256:web GHSA-lodash lodash HIGH",
                                                  "finding.new sha256:web GHSA-lodash lodash LOW"}));
}

TEST_F(Rescan, AStoppedRescanResumesAtItsNextChunkAndEndsAsAnUninterruptedOne) {
  import({osv("GHSA-lodash", "npm", "lodash", "4.17.21")});
  store(a_, web_);
  store(b_, api_);
  import({osv("GHSA-lodash", "npm", "lodash", "4.17.21", "CRITICAL"), osv("PYSEC-req", "PyPI", "requests", "2.20.0"),
          osv("GHSA-minimist", "npm", "minimist", "1.2.6"), osv("PYSEC-django", "PyPI", "django", "3.0.1")});
  // One pair a chunk, stopped after the second of four, as a coordinator stopping would.
  std::atomic<bool> stop{false};
  RescanConfig stopping = config(1);
  stopping.stop = &stop;
  stopping.progress = [&](std::uint64_t done, std::uint64_t) { stop.store(done == 2); };
  Rescanner first(*pool_, *feeds_, *scans_, stopping);
  const auto stopped = first.run();
  ASSERT_TRUE(stopped && *stopped);
  EXPECT_FALSE((*stopped)->finished);
  auto state = db_->exec("SELECT state, pairs_done, pairs_total FROM rescans");
  EXPECT_EQ(state->get(0, 0), "running");
  EXPECT_EQ(state->integer(0, 1), 2);
  EXPECT_EQ(state->integer(0, 2), 4);

  const auto resumed = rescan(1);
  ASSERT_TRUE(resumed);
  EXPECT_TRUE(resumed->resumed);
  EXPECT_TRUE(resumed->finished);
  EXPECT_EQ(db_->exec("SELECT state FROM rescans")->get(0, 0), "done");
  for (const auto& [tenant, inv] : {std::pair{a_, web_}, std::pair{b_, api_}}) {
    EXPECT_EQ(open_findings(tenant, inv.digest), assessed_findings(inv)) << inv.digest;
  }
  // In the order of the pairs (byte order: PyPI before npm), each change once.
  EXPECT_EQ(events(a_), (std::vector<std::string>{"finding.new sha256:web PYSEC-req requests HIGH",
                                                  "finding.changed sha256:web GHSA-lodash lodash CRITICAL",
                                                  "finding.new sha256:web GHSA-minimist minimist HIGH"}));
  EXPECT_EQ(events(b_), (std::vector<std::string>{"finding.new sha256:api PYSEC-django django HIGH",
                                                  "finding.new sha256:api PYSEC-req requests HIGH"}));
}

// A chunk's keys are written in parts over several connections, each committing on its own. A
// part that fails (here: PostgreSQL refusing the events of one package's vulnerability) leaves
// the others committed but their events unpublished (no reader sees them) and the rescan
// unfinished; the next run applies the chunk again, the committed parts compare equal and write
// nothing, and the end is what an uninterrupted rescan leaves: every finding current, each
// change one event, all published, the counts exact.
TEST_F(Rescan, APartThatFailsLeavesTheOthersCommittedUnpublishedAndTheNextRunEndsAsAnUninterruptedOne) {
  constexpr std::size_t kParts = 4;
  const std::vector<std::string> names{"lodash", "minimist", "express", "moment", "axios", "qs", "debug", "ms"};
  std::vector<ImagePackage> packages;
  for (const auto& name : names) packages.push_back(package(Ecosystem::kNpm, name, "1.0.0"));
  std::vector<ImageInventory> fleet;
  for (int i = 0; i < 6; ++i) {
    fleet.push_back(image("sha256:img-" + std::to_string(i), packages));
    store(a_, fleet.back());
  }
  std::vector<Vulnerability> delta;
  for (const auto& name : names) delta.push_back(osv("GHSA-" + name, "npm", name, "2.0.0"));
  import(delta);
  // The package of the second part that has keys: the other parts commit, it does not.
  std::map<std::size_t, std::string> by_part;
  auto keys = db_->exec("SELECT DISTINCT match_ecosystem, match_package, match_version FROM packages");
  for (int i = 0; i < keys->rows(); ++i) {
    by_part.emplace(rescan_part(keys->get(i, 0), keys->get(i, 1), keys->get(i, 2), kParts), std::string(keys->get(i, 1)));
  }
  ASSERT_GE(by_part.size(), 2u);
  const std::string refused = "GHSA-" + std::next(by_part.begin())->second;
  ASSERT_TRUE(db_->exec_script(
      "CREATE FUNCTION refuse_events() RETURNS trigger AS $$ BEGIN IF NEW.vuln_id = '" + refused +
      "' THEN RAISE EXCEPTION 'refused for the test'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql;"
      "CREATE TRIGGER refuse_events BEFORE INSERT ON finding_events FOR EACH ROW EXECUTE FUNCTION refuse_events();"));

  RescanConfig parts = config();
  parts.apply_connections = kParts;
  Rescanner first(*pool_, *feeds_, *scans_, parts);
  const auto failed = first.run();
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().message().find("refused for the test"), std::string::npos) << failed.error().message();
  auto state = db_->exec("SELECT state, pairs_done FROM rescans");
  EXPECT_EQ(state->get(0, 0), "running");
  EXPECT_EQ(state->integer(0, 1), 0);
  const auto partial = events(a_).size();
  EXPECT_GT(partial, 0u);                           // the other parts committed
  EXPECT_LT(partial, fleet.size() * names.size());  // the refused one did not
  EXPECT_EQ(db_->exec("SELECT through FROM finding_events_published")->integer(0, 0), 0);  // none published

  ASSERT_TRUE(db_->exec_script("DROP TRIGGER refuse_events ON finding_events"));
  Rescanner second(*pool_, *feeds_, *scans_, parts);
  const auto resumed = second.run();
  ASSERT_TRUE(resumed && *resumed) << (resumed ? "nothing to do" : resumed.error().message());
  EXPECT_TRUE((*resumed)->resumed);
  EXPECT_TRUE((*resumed)->finished);
  std::vector<std::string> expected;
  for (const auto& inv : fleet) {
    EXPECT_EQ(open_findings(a_, inv.digest), assessed_findings(inv)) << inv.digest;
    for (const auto& name : names) expected.push_back("finding.new " + inv.digest + " GHSA-" + name + " " + name + " HIGH");
  }
  EXPECT_EQ(sorted(events(a_)), sorted(expected));  // each change once: the committed parts wrote nothing again
  EXPECT_EQ(db_->exec("SELECT through = (SELECT max(id) FROM finding_events) FROM finding_events_published")->get(0, 0),
            "t");  // all published
  auto counts = db_->exec("SELECT state, findings_new, findings_changed, findings_resolved FROM rescans");
  EXPECT_EQ(counts->get(0, 0), "done");
  EXPECT_EQ(counts->integer(0, 1), static_cast<std::int64_t>(fleet.size() * names.size()));
  EXPECT_EQ(counts->integer(0, 2), 0);
  EXPECT_EQ(counts->integer(0, 3), 0);
}

// No foreign key ties a finding to its image (migration 020): a deletion of images and a rescan
// part wait for each other (migration 021). An image whose deletion is under way when the rescan
// comes to write makes the rescan wait; once deleted, it gets no finding and no event, and leaves
// no row behind. (With the key, the rescan failed on it; without a lock it left findings of an
// image that no longer exists.)
TEST_F(Rescan, AnImageDeletedWhileTheRescanWritesGetsNoFindingAndNoEventAndLeavesNoRow) {
  import({osv("GHSA-lodash", "npm", "lodash", "4.17.21")});
  const ImageInventory web2 = image("sha256:web2", web_.view.packages);
  store(a_, web_);
  store(a_, web2);
  import({osv("GHSA-lodash", "npm", "lodash", "4.17.21"), osv("GHSA-lodash-2", "npm", "lodash", "4.17.22")});

  auto deleter = PgConnection::connect(url_);
  ASSERT_TRUE(deleter);
  ASSERT_TRUE((*deleter)->exec("BEGIN"));
  ASSERT_TRUE((*deleter)->exec("DELETE FROM images WHERE tenant_id = $1 AND digest = 'sha256:web'", {std::to_string(a_)}));
  std::optional<RescanOutcome> out;
  std::jthread rescanning([&] { out = rescan(); });
  // The rescan waits for the deletion.
  ASSERT_TRUE(test::eventually(30, [&] {
    auto waiting = db_->exec("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND "
                             "wait_event_type = 'Lock' AND query LIKE '%strata.rescan.parents%' AND "
                             "query NOT LIKE '%pg_stat_activity%'");
    return waiting && waiting->integer(0, 0) > 0;
  }));
  ASSERT_TRUE((*deleter)->exec("COMMIT"));
  rescanning.join();
  ASSERT_TRUE(out);
  EXPECT_EQ(out->findings_new, 1u);
  EXPECT_EQ(db_->exec("SELECT count(*) FROM findings f WHERE NOT EXISTS (SELECT 1 FROM images i WHERE i.id = f.image_id)")->integer(0, 0), 0);
  EXPECT_EQ(db_->exec("SELECT count(*) FROM finding_events WHERE image_digest = 'sha256:web'")->integer(0, 0), 0);
  EXPECT_EQ(open_findings(a_, web2.digest), assessed_findings(web2));
  EXPECT_EQ(events(a_), (std::vector<std::string>{"finding.new sha256:web2 GHSA-lodash-2 lodash HIGH"}));
}

// The other order: a deletion that comes while a rescan part is writing waits for the part's
// commit, and its cascade then takes what the part wrote for the image. (Without the wait, the
// deletion committed in the middle of the part, and the part inserted a finding for an image
// that was gone.)
TEST_F(Rescan, ADeletionThatComesDuringAPartWaitsForItAndTakesWhatItWrote) {
  import({osv("GHSA-lodash", "npm", "lodash", "4.17.21")});
  const ImageInventory lone = image("sha256:lone", {package(Ecosystem::kNpm, "minimist", "1.2.0")});
  store(a_, web_);
  store(a_, lone);
  ASSERT_TRUE(open_findings(a_, lone.digest).empty());
  // lodash's severity changes for web; minimist is new for lone: one part writes both.
  import({osv("GHSA-lodash", "npm", "lodash", "4.17.21", "CRITICAL"), osv("GHSA-minimist", "npm", "minimist", "1.2.6")});

  // The part stops at web's changed finding, after it read lone's new one, until the blocker ends.
  auto blocker = PgConnection::connect(url_);
  ASSERT_TRUE(blocker);
  ASSERT_TRUE((*blocker)->exec("BEGIN"));
  ASSERT_TRUE((*blocker)->exec("SELECT 1 FROM findings WHERE image_id = (SELECT id FROM images WHERE digest = 'sha256:web') FOR UPDATE"));
  std::optional<RescanOutcome> out;
  std::jthread rescanning([&] {
    RescanConfig c = config();
    c.apply_connections = 1;
    Rescanner rescanner(*pool_, *feeds_, *scans_, c);
    auto run = rescanner.run();
    EXPECT_TRUE(run) << run.error().message();
    out = run.value_or(std::nullopt);
  });
  auto waiting = [&](const char* query) {
    return test::eventually(30, [&] {
      auto w = db_->exec("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND "
                         "wait_event_type = 'Lock' AND query LIKE $1",
                         {std::string(query) + "%"});
      return w && w->integer(0, 0) > 0;
    });
  };
  ASSERT_TRUE(waiting("WITH w AS (UPDATE findings"));
  auto deleter = PgConnection::connect(url_);
  ASSERT_TRUE(deleter);
  std::jthread deleting([&] {
    EXPECT_TRUE((*deleter)->exec("DELETE FROM images WHERE tenant_id = $1 AND digest = 'sha256:lone'",
                                 {std::to_string(a_)}));
  });
  EXPECT_TRUE(waiting("DELETE FROM images"));  // for the part
  ASSERT_TRUE((*blocker)->exec("COMMIT"));
  rescanning.join();
  deleting.join();
  ASSERT_TRUE(out);
  EXPECT_EQ(db_->exec("SELECT count(*) FROM images WHERE digest = 'sha256:lone'")->integer(0, 0), 0);
  EXPECT_EQ(db_->exec("SELECT count(*) FROM findings f WHERE NOT EXISTS (SELECT 1 FROM images i WHERE i.id = f.image_id)")->integer(0, 0), 0);
  EXPECT_EQ(open_findings(a_, web_.digest), assessed_findings(web_));
}

// Deleting a tenant or an image still takes its findings and events with it (the cascades of
// migration 020's triggers).
TEST_F(Rescan, DeletingAnImageOrATenantTakesItsFindingsAndEventsAlong) {
  import({osv("GHSA-lodash", "npm", "lodash", "4.17.21")});
  store(a_, web_);
  store(b_, api_);
  import({osv("GHSA-lodash", "npm", "lodash", "4.17.21", "CRITICAL"), osv("PYSEC-req", "PyPI", "requests", "2.20.0")});
  ASSERT_TRUE(rescan());
  ASSERT_FALSE(events(a_).empty());
  ASSERT_FALSE(events(b_).empty());
  auto deleted = scans_->delete_image(a_, web_.digest);
  ASSERT_TRUE(deleted && *deleted);
  EXPECT_EQ(db_->exec("SELECT count(*) FROM findings WHERE tenant_id = $1", {std::to_string(a_)})->integer(0, 0), 0);
  ASSERT_TRUE(db_->exec("DELETE FROM tenants WHERE id = $1", {std::to_string(b_)}));
  EXPECT_EQ(db_->exec("SELECT count(*) FROM findings WHERE tenant_id = $1", {std::to_string(b_)})->integer(0, 0), 0);
  EXPECT_TRUE(events(b_).empty());
  EXPECT_FALSE(events(a_).empty());  // the log of a tenant that remains is history, kept
}

TEST_F(Rescan, ImagesOfAnotherAnalyzerSetAreQueuedForAnalysisOnceNotReMatched) {
  import({osv("GHSA-lodash", "npm", "lodash", "4.17.21")});
  store(a_, web_, /*analyzer_set=*/7);
  import({osv("GHSA-lodash", "npm", "lodash", "4.17.21", "CRITICAL")});
  std::vector<std::string> created;
  RescanConfig queueing = config();
  queueing.scan_created = [&](TenantId, const std::string& scan) { created.push_back(scan); };
  Rescanner rescanner(*pool_, *feeds_, *scans_, queueing);
  const auto out = rescanner.run();
  ASSERT_TRUE(out && *out);
  EXPECT_EQ((*out)->images_requeued, 1u);
  EXPECT_EQ((*out)->findings_changed, 0u);
  ASSERT_EQ(created.size(), 1u);
  const auto scan = scans_->scan(a_, created[0]);
  ASSERT_TRUE(scan && *scan);
  EXPECT_EQ((*scan)->priority, Priority::kBulk);
  ASSERT_EQ((*scan)->images.size(), 1u);
  EXPECT_EQ((*scan)->images[0].ref, web_.ref);
  // Queued once: the next generation's rescan does not queue it again.
  import({osv("GHSA-lodash", "npm", "lodash", "4.17.21", "LOW")});
  EXPECT_EQ(rescanner.run().value()->images_requeued, 0u);
  EXPECT_EQ(created.size(), 1u);
}

}  // namespace
}  // namespace strata::coordinator::test_store
