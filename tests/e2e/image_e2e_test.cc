// `strata db import` and `strata image` as a CI pipeline runs them: a feed the test writes, an
// image built in the test from real package-database stanzas, the exact findings expected, and
// the exit codes a policy gives.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/image_builder.h"
#include "tests/support/process.h"
#include "tests/support/shared_data.h"

namespace strata {
namespace {

namespace fs = std::filesystem;

test::CommandResult run(const std::string& command) { return test::run_command(command); }

class ImageE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::temp_dir();
    db_ = dir_ + "/vulndb.sqlite";
    fs::create_directories(dir_ + "/feed/DSA");
    // A DSA list and an OSV record with a CVSS vector, for the same CVE: one finding.
    std::ofstream(dir_ + "/feed/DSA/list")
        << "[29 Mar 2023] DSA-5380-1 xorg-server - security update\n\t{CVE-2023-1393}\n"
           "\t[bookworm] - xorg-server 2:21.1.7-3\n"
           "[14 Feb 2023] DSA-5350-1 firefox-esr - security update\n\t{CVE-2023-25728}\n"
           "\t[bookworm] - firefox-esr <unfixed>\n";
    std::ofstream(dir_ + "/feed/CVE-2023-1393.json")
        << R"({"id":"DEBIAN-CVE-2023-1393","aliases":["CVE-2023-1393"],"summary":"use-after-free in xorg-server",
              "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H"}],
              "affected":[{"package":{"ecosystem":"Debian:12","name":"xorg-server"},
                           "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"2:21.1.7-3"}]}]}]})";
    std::ofstream(dir_ + "/feed/broken.json") << R"({"affected": []})";
    test::TestImage image;
    image.layers.push_back(test::make_layer(
        {{"etc/os-release", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n"},
         {"var/lib/dpkg/status",
          "Package: xserver-xorg-core\nStatus: install ok installed\nArchitecture: amd64\n"
          "Source: xorg-server\nVersion: 2:21.1.7-1\n\n"
          "Package: firefox-esr\nStatus: install ok installed\nArchitecture: amd64\nVersion: 102.7.0esr-1~deb12u1\n\n"
          "Package: bash\nStatus: install ok installed\nArchitecture: amd64\nVersion: 5.2.15-2+b2\n"}}));
    // A tidy configuration: the policy tests below are about vulnerabilities alone.
    image.runtime_json = R"({"User": "10001", "Healthcheck": {"Test": ["CMD", "/bin/true"]}})";
    test::write_oci_layout(dir_ + "/img", {image});
    layer_ = image.layers[0].diff_id;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string strata(const std::string& args) { return std::string(STRATA_BINARY) + " " + args; }

  std::string dir_, db_, layer_;
};

TEST_F(ImageE2E, ImportThenScanGivesExactFindings) {
  const auto imported = run(strata("db import --db " + db_ + " " + dir_ + "/feed"));
  ASSERT_EQ(imported.exit_code, 0) << imported.out;
  EXPECT_NE(imported.out.find("generation 1"), std::string::npos) << imported.out;
  EXPECT_NE(imported.out.find("skipped 1:"), std::string::npos) << imported.out;
  EXPECT_NE(imported.out.find("broken.json: record has no id"), std::string::npos) << imported.out;

  const auto scan = run(strata("image oci:" + dir_ + "/img --db " + db_ + " --format json"));
  ASSERT_EQ(scan.exit_code, 0) << scan.out;
  const auto doc = nlohmann::json::parse(scan.out);
  EXPECT_EQ(doc["schema"], "strata.report/v1");
  EXPECT_EQ(doc["db"]["generation"], 1);
  EXPECT_EQ(doc["distro"]["namespace"], "Debian:12");
  const auto& v = doc["vulnerabilities"];
  ASSERT_EQ(v.size(), 2u) << v.dump(2);
  EXPECT_EQ(v[0]["id"], "CVE-2023-25728");
  EXPECT_EQ(v[0]["package"], "firefox-esr");
  EXPECT_TRUE(v[0]["fixed_version"].is_null());
  EXPECT_EQ(v[0]["aliases"], nlohmann::json::array({"DSA-5350-1"}));
  EXPECT_EQ(v[1]["id"], "CVE-2023-1393");
  EXPECT_EQ(v[1]["aliases"], nlohmann::json::array({"DEBIAN-CVE-2023-1393", "DSA-5380-1"}));
  EXPECT_EQ(v[1]["package"], "xserver-xorg-core");
  EXPECT_EQ(v[1]["installed_version"], "2:21.1.7-1");
  EXPECT_EQ(v[1]["fixed_version"], "2:21.1.7-3");
  EXPECT_EQ(v[1]["severity"], "HIGH");
  EXPECT_EQ(v[1]["severity_source"], "cvss_v3");
  EXPECT_DOUBLE_EQ(v[1]["cvss_score"].get<double>(), 7.8);
  EXPECT_EQ(v[1]["layer"], layer_);
  EXPECT_EQ(v[1]["purl"], "pkg:deb/debian/xserver-xorg-core@2:21.1.7-1?arch=amd64&distro=debian-12");
  EXPECT_EQ(doc["summary"]["high"], 1);
  EXPECT_EQ(doc["summary"]["unknown"], 1);
}

TEST_F(ImageE2E, PolicyExitCodes) {
  ASSERT_EQ(run(strata("db import --db " + db_ + " " + dir_ + "/feed")).exit_code, 0);
  const std::string scan = strata("image oci:" + dir_ + "/img --db " + db_ + " --exit-code 5 ");
  EXPECT_EQ(run(scan + "--severity HIGH,CRITICAL -o /dev/null").exit_code, 5);
  EXPECT_EQ(run(scan + "--severity CRITICAL -o /dev/null").exit_code, 0);
  // The unfixed firefox finding drops out; the fixed xorg one remains.
  const auto unfixed = run(scan + "--ignore-unfixed --format table");
  EXPECT_EQ(unfixed.exit_code, 5);
  EXPECT_NE(unfixed.out.find("CVE-2023-1393"), std::string::npos);
  EXPECT_EQ(unfixed.out.find("CVE-2023-25728"), std::string::npos);
  EXPECT_NE(unfixed.out.find("Total: 1 (CRITICAL: 0, HIGH: 1"), std::string::npos) << unfixed.out;
  std::ofstream(dir_ + "/ignore") << "DSA-5380-1  # accepted until the next release\nCVE-2023-25728 exp:2099-01-01\n";
  EXPECT_EQ(run(scan + "--ignore-file " + dir_ + "/ignore -o /dev/null").exit_code, 0);
  // Errors exit 2 with one line naming the problem.
  const auto no_db = run(strata("image oci:" + dir_ + "/img --db " + dir_ + "/none.sqlite"));
  EXPECT_EQ(no_db.exit_code, 2);
  EXPECT_NE(no_db.out.find("does not exist; make one with 'strata db update'"), std::string::npos) << no_db.out;
  EXPECT_NE(no_db.out.find("'strata db import FEED...'"), std::string::npos) << no_db.out;
  const auto bad_severity = run(scan + "--severity SEVERE");
  EXPECT_EQ(bad_severity.exit_code, 2);
  EXPECT_NE(bad_severity.out.find("unknown severity 'SEVERE'"), std::string::npos);
}

// Issue 13: a first scan for secrets and configuration needs no vulnerability database and does
// not ask for one.
TEST_F(ImageE2E, SecretAndConfigScannersNeedNoDatabase) {
  const std::string missing = dir_ + "/never-made.sqlite";
  const auto r = run(strata("image oci:" + dir_ + "/img --db " + missing + " --scanners secret,config --format json"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out.find("does not exist"), std::string::npos) << r.out;
  const auto report = nlohmann::json::parse(r.out);
  EXPECT_TRUE(report["vulnerabilities"].empty()) << r.out;
  EXPECT_EQ(report["db"]["generation"], 0);
  EXPECT_FALSE(std::filesystem::exists(missing));
}

// --exit-code and --severity apply to secrets and configuration findings too, and the ignore
// file takes their rule and check ids.
TEST_F(ImageE2E, SecretsAndMisconfigurationsFailBuildsToo) {
  ASSERT_EQ(run(strata("db import --db " + db_ + " " + dir_ + "/feed")).exit_code, 0);
  test::TestImage image;
  image.layers.push_back(test::make_layer({{"etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n"},
                                           {"app/deploy.sh", "export GITHUB_TOKEN=ghp_Zq8LmX3tVp9KrT2wNb5cYd7fHj4gSa6eUo1i\n"}}));
  test::write_oci_layout(dir_ + "/bad", {image});  // no User: runs as root; no HEALTHCHECK
  const std::string scan = strata("image oci:" + dir_ + "/bad --db " + db_ + " --exit-code 7 ");
  const auto r = run(scan + "-f json");
  EXPECT_EQ(r.exit_code, 7);
  const auto doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc["secrets"].size(), 1u);
  EXPECT_EQ(doc["secrets"][0]["rule"], "github-token");
  EXPECT_EQ(doc["secrets"][0]["match"], "ghp_****");
  EXPECT_EQ(r.out.find("Zq8LmX3tVp9KrT2w"), std::string::npos);
  std::set<std::string> checks;
  for (const auto& m : doc["misconfigurations"]) checks.insert(m["id"]);
  EXPECT_EQ(checks, (std::set<std::string>{"STRATA-CFG-001", "STRATA-CFG-007"}));
  EXPECT_EQ(run(scan + "--severity CRITICAL -o /dev/null").exit_code, 0);  // HIGH secret, HIGH and LOW checks
  std::ofstream(dir_ + "/ignore") << "github-token\nSTRATA-CFG-001\nSTRATA-CFG-007  # healthchecks come from the orchestrator\n";
  EXPECT_EQ(run(scan + "--ignore-file " + dir_ + "/ignore -o /dev/null").exit_code, 0);
  const auto table = run(scan + "-f table");
  EXPECT_NE(table.out.find("SECRETS"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("STRATA-CFG-001"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("fix: Add `USER"), std::string::npos) << table.out;
  EXPECT_EQ(run(scan + "--scanners vuln,secret -o /dev/null").exit_code, 7);  // the secret
  EXPECT_EQ(run(scan + "--scanners vuln,config -o /dev/null").exit_code, 7);  // the checks
  EXPECT_EQ(run(scan + "--scanners vuln -o /dev/null").exit_code, 0);         // no vulnerabilities
  EXPECT_EQ(run(scan + "--scanners sbom -o /dev/null").exit_code, 2);         // a usage error

  // Every format carries them, redacted, and SARIF and CycloneDX still validate.
  const auto csv = run(scan + "-f csv");
  EXPECT_NE(csv.out.find("github-token,,secret,ghp_****,,,HIGH,strata,,"), std::string::npos) << csv.out;
  EXPECT_NE(csv.out.find("STRATA-CFG-001,,config,Runs as root,,,HIGH,strata,"), std::string::npos) << csv.out;
  if (std::system("/usr/bin/python3 -c 'import jsonschema' >/dev/null 2>&1") != 0) return;
  const std::string schemas = std::string(STRATA_SOURCE_DIR) + "/tests/fixtures/schemas/";
  const std::string validate = "/usr/bin/python3 " + std::string(STRATA_SOURCE_DIR) + "/tests/e2e/validate_json_schema.py ";
  ASSERT_EQ(run(scan + "-f sarif -o " + dir_ + "/bad.sarif").exit_code, 7);
  EXPECT_EQ(run(validate + schemas + "sarif-2.1.0-rtm.5.json " + dir_ + "/bad.sarif").exit_code, 0);
  const auto sarif = nlohmann::json::parse(test::read_file(dir_ + "/bad.sarif"));
  std::map<std::string, nlohmann::json> by_rule;
  for (const auto& result : sarif["runs"][0]["results"]) by_rule[result["ruleId"]] = result;
  ASSERT_TRUE(by_rule.contains("github-token"));
  EXPECT_EQ(by_rule["github-token"]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "app/deploy.sh");
  EXPECT_EQ(by_rule["github-token"]["locations"][0]["physicalLocation"]["region"]["startLine"], 1);
  EXPECT_TRUE(by_rule.contains("STRATA-CFG-001"));
  ASSERT_EQ(run(scan + "-f cyclonedx -o " + dir_ + "/bad.cdx.json").exit_code, 7);
  EXPECT_EQ(run(validate + schemas + "bom-1.5.SNAPSHOT.schema.json " + dir_ + "/bad.cdx.json").exit_code, 0);
  for (const char* file : {"/bad.sarif", "/bad.cdx.json"}) {
    EXPECT_EQ(test::read_file(dir_ + file).find("Zq8LmX3tVp9KrT2w"), std::string::npos) << file;
  }
}

// SARIF and CycloneDX documents validate against their published schemas (vendored under
// tests/fixtures/schemas) and say exactly what the JSON report says; CSV is exact.
TEST_F(ImageE2E, ReportFormatsAreValidAndExact) {
  if (std::system("/usr/bin/python3 -c 'import jsonschema' >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "python3-jsonschema not found";
  }
  ASSERT_EQ(run(strata("db import --db " + db_ + " " + dir_ + "/feed")).exit_code, 0);
  const std::string scan = strata("image oci:" + dir_ + "/img --db " + db_);
  const std::string schemas = std::string(STRATA_SOURCE_DIR) + "/tests/fixtures/schemas/";
  const std::string validate = "/usr/bin/python3 " + std::string(STRATA_SOURCE_DIR) + "/tests/e2e/validate_json_schema.py ";

  ASSERT_EQ(run(scan + " -f sarif -o " + dir_ + "/r.sarif").exit_code, 0);
  const auto sarif_valid = run(validate + schemas + "sarif-2.1.0-rtm.5.json " + dir_ + "/r.sarif");
  EXPECT_EQ(sarif_valid.exit_code, 0) << sarif_valid.out;
  const auto sarif = nlohmann::json::parse(test::read_file(dir_ + "/r.sarif"));
  const auto& results = sarif["runs"][0]["results"];
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[1]["ruleId"], "CVE-2023-1393");
  EXPECT_EQ(results[1]["level"], "error");
  EXPECT_EQ(results[1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "var/lib/dpkg/status");
  EXPECT_EQ(sarif["runs"][0]["tool"]["driver"]["rules"][1]["properties"]["security-severity"], "7.8");

  ASSERT_EQ(run(scan + " -f cyclonedx -o " + dir_ + "/r.cdx.json").exit_code, 0);
  const auto cdx_valid = run(validate + schemas + "bom-1.5.SNAPSHOT.schema.json " + dir_ + "/r.cdx.json");
  EXPECT_EQ(cdx_valid.exit_code, 0) << cdx_valid.out;
  const auto cdx = nlohmann::json::parse(test::read_file(dir_ + "/r.cdx.json"));
  EXPECT_EQ(cdx["components"].size(), 3u);  // every package, vulnerable or not
  ASSERT_EQ(cdx["vulnerabilities"].size(), 2u);
  EXPECT_EQ(cdx["vulnerabilities"][1]["id"], "CVE-2023-1393");
  EXPECT_EQ(cdx["vulnerabilities"][1]["ratings"][0]["vector"], "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H");
  EXPECT_EQ(cdx["vulnerabilities"][1]["affects"][0]["ref"],
            "pkg:deb/debian/xserver-xorg-core@2:21.1.7-1?arch=amd64&distro=debian-12");

  const auto csv = run(scan + " -f csv");
  ASSERT_EQ(csv.exit_code, 0);
  EXPECT_EQ(csv.out,
            "id,aliases,ecosystem,package,installed_version,fixed_version,severity,severity_source,cvss_score,layer,path,purl\r\n"
            "CVE-2023-25728,DSA-5350-1,deb,firefox-esr,102.7.0esr-1~deb12u1,,UNKNOWN,,," + layer_ +
                ",var/lib/dpkg/status,pkg:deb/debian/firefox-esr@102.7.0esr-1~deb12u1?arch=amd64&distro=debian-12\r\n"
                "CVE-2023-1393,DEBIAN-CVE-2023-1393 DSA-5380-1,deb,xserver-xorg-core,2:21.1.7-1,2:21.1.7-3,HIGH,cvss_v3,7.8," +
                layer_ + ",var/lib/dpkg/status,pkg:deb/debian/xserver-xorg-core@2:21.1.7-1?arch=amd64&distro=debian-12\r\n");
}

TEST_F(ImageE2E, VexNotAffectedStatementsSuppressFindings) {
  ASSERT_EQ(run(strata("db import --db " + db_ + " " + dir_ + "/feed")).exit_code, 0);
  std::ofstream(dir_ + "/img.vex.json") << R"({"@context":"https://openvex.dev/ns/v0.2.0","@id":"x","statements":[
      {"vulnerability":{"name":"DSA-5380-1"},"products":[{"@id":"pkg:deb/debian/xserver-xorg-core"}],
       "status":"not_affected","justification":"vulnerable_code_not_in_execute_path"}]})";
  const std::string scan = strata("image oci:" + dir_ + "/img --db " + db_ + " --exit-code 5 --severity HIGH ");
  EXPECT_EQ(run(scan + "-o /dev/null").exit_code, 5);
  const auto r = run(scan + "--vex " + dir_ + "/img.vex.json -f json");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_TRUE(doc["vulnerabilities"].empty());
  EXPECT_EQ(doc["suppressed"]["vex"], 1);
  EXPECT_EQ(doc["suppressed"]["vex_justifications"]["vulnerable_code_not_in_execute_path"], 1);
  std::ofstream(dir_ + "/bad.vex.json") << "{}";
  const auto bad = run(scan + "--vex " + dir_ + "/bad.vex.json");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.out.find("bad.vex.json: not an OpenVEX document"), std::string::npos) << bad.out;
}

TEST_F(ImageE2E, DbInfoCountsPerSourceAndEcosystem) {
  ASSERT_EQ(run(strata("db import --db " + db_ + " " + dir_ + "/feed")).exit_code, 0);
  ASSERT_EQ(run(strata("db import --db " + db_ + " " + dir_ + "/feed/DSA")).exit_code, 0);
  const auto info = run(strata("db info --db " + db_));
  ASSERT_EQ(info.exit_code, 0) << info.out;
  EXPECT_NE(info.out.find("generation:  2"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("records:     3"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("source debian-dsa: 2"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("Debian:12: 3"), std::string::npos) << info.out;
}

}  // namespace
}  // namespace strata
