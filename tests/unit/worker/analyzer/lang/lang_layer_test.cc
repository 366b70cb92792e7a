// Language packages through the whole path: layers the tests build are walked by the builtin
// analyzers, merged, and matched; OS ownership, lock files beside installed trees, binaries found
// by their bytes, and advisories by ecosystem.
#include <gtest/gtest.h>

#include <algorithm>

#include "common/image/layer_merge.h"
#include "common/match/matcher.h"
#include "common/purl.h"
#include "common/vulndb/ecosystem.h"
#include "tests/support/elf_builder.h"
#include "tests/support/image_builder.h"
#include "worker/api/analyzer_registry.h"
#include "worker/layer/analyze_layer.h"
#include "worker/stream/layer_stream.h"

namespace strata::worker {
namespace {

using test::TarEntry;

LayerAnalysis analyze(const std::vector<TarEntry>& entries) {
  const std::string tar = test::make_tar(entries);
  MemorySource source(as_bytes(tar));
  const AnalyzerRegistry registry = builtin_analyzers();
  auto r = analyze_layer(source, {}, registry, {});
  EXPECT_TRUE(r) << r.error().message();
  return r ? r->analysis : LayerAnalysis{};
}

ImageView merge(const std::vector<LayerAnalysis>& layers) {
  std::vector<LayerRef> refs;
  for (std::size_t i = 0; i < layers.size(); ++i) refs.push_back({"layer" + std::to_string(i), &layers[i]});
  return merge_layers(refs);
}

const ImagePackage* find(const ImageView& view, Ecosystem e, const std::string& name) {
  const auto it = std::find_if(view.packages.begin(), view.packages.end(), [&](const ImagePackage& ip) {
    return ip.package.ecosystem == e && ip.package.name == name;
  });
  return it == view.packages.end() ? nullptr : &*it;
}

const std::string kDebianRelease = "ID=debian\nVERSION_ID=\"12\"\n";

std::string metadata(const std::string& name, const std::string& version) {
  return "Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version + "\n\n";
}

TEST(LanguageLayers, OsManagedPackagesAreMarkedWithTheirOwner) {
  const std::string egg = "usr/lib/python3/dist-packages/requests-2.28.1.egg-info";
  const LayerAnalysis base = analyze({
      {"etc/os-release", kDebianRelease},
      {"var/lib/dpkg/status", "Package: python3-requests\nStatus: install ok installed\nVersion: 2.28.1+dfsg-1\n"
                              "Architecture: all\nSource: requests\n"},
      {"var/lib/dpkg/info/python3-requests.list", "/.\n/usr\n/usr/lib/python3/dist-packages\n/" + egg + "\n/" + egg +
                                                      "/PKG-INFO\n/usr/lib/python3/dist-packages/requests/__init__.py\n"},
      {egg + "/PKG-INFO", metadata("requests", "2.28.1")},
  });
  // A later `pip install` beside it, into the same directory the OS package also lists.
  const LayerAnalysis pip = analyze({
      {"usr/lib/python3/dist-packages/Flask_Cors-3.0.9.dist-info/METADATA", metadata("Flask_Cors", "3.0.9")},
  });
  EXPECT_EQ(base.owned_files.count(egg + "/PKG-INFO"), 1u);
  EXPECT_EQ(base.owned_files.count("usr/lib/python3/dist-packages/requests/__init__.py"), 0u);  // not where packages are recorded
  const ImageView view = merge({base, pip});
  const ImagePackage* requests = find(view, Ecosystem::kPypi, "requests");
  ASSERT_NE(requests, nullptr);
  EXPECT_EQ(requests->package.os_owner, "python3-requests");
  const ImagePackage* cors = find(view, Ecosystem::kPypi, "Flask_Cors");
  ASSERT_NE(cors, nullptr);
  EXPECT_EQ(cors->package.os_owner, "");
  EXPECT_EQ(cors->layer, "layer1");
  EXPECT_EQ(package_url(cors->package, view.distro), "pkg:pypi/flask-cors@3.0.9");

  // Matching: the pip package against PyPI (by its PEP 503 name), the OS-managed one never —
  // its upstream version predates a fix the distro backported.
  Vulnerability pypi_cors{"GHSA-cors", {"CVE-2020-25032"}, "path traversal", "", false, {}, "HIGH",
                          {{"PyPI", "flask-cors", {{AffectedRange::kEcosystem, {{RangeEvent::kIntroduced, "0"}, {RangeEvent::kFixed, "3.0.9.1"}}}}, {}, ""}}};
  Vulnerability pypi_requests{"GHSA-req", {}, "", "", false, {}, "MODERATE",
                              {{"PyPI", "Requests", {{AffectedRange::kEcosystem, {{RangeEvent::kIntroduced, "0"}, {RangeEvent::kFixed, "2.31.0"}}}}, {}, ""}}};
  class Source final : public VulnerabilitySource {
   public:
    explicit Source(std::vector<Vulnerability> r) : records(std::move(r)) {}
    Result<std::vector<Vulnerability>> candidates(std::string_view key, std::string_view package) override {
      std::vector<Vulnerability> out;
      for (const auto& v : records) {
        for (const auto& a : v.affected) {
          if (a.ecosystem == key && normalize_package_name(key, a.package) == package) out.push_back(v);
        }
      }
      asked.emplace_back(key, package);
      return out;
    }
    std::vector<Vulnerability> records;
    std::vector<std::pair<std::string, std::string>> asked;
  } source({pypi_cors, pypi_requests});
  const MatchReport report = match_image(view, source);
  ASSERT_EQ(report.findings.size(), 1u);
  EXPECT_EQ(report.findings[0].id, "CVE-2020-25032");
  EXPECT_EQ(report.findings[0].package.package.name, "Flask_Cors");
  EXPECT_EQ(report.findings[0].fixed_version, "3.0.9.1");
  EXPECT_EQ(std::count(source.asked.begin(), source.asked.end(), std::pair<std::string, std::string>{"PyPI", "requests"}), 0);
}

TEST(LanguageLayers, ApkOwnershipFromItsFileLines) {
  const LayerAnalysis layer = analyze({
      {"etc/os-release", "ID=alpine\nVERSION_ID=3.18.4\n"},
      {"lib/apk/db/installed", "P:py3-six\nV:1.16.0-r6\nA:x86_64\no:py3-six\n"
                               "F:usr/lib/python3.11/site-packages/six-1.16.0.dist-info\nR:METADATA\nR:RECORD\n\n"},
      {"usr/lib/python3.11/site-packages/six-1.16.0.dist-info/METADATA", metadata("six", "1.16.0")},
  });
  const ImageView view = merge({layer});
  const ImagePackage* six = find(view, Ecosystem::kPypi, "six");
  ASSERT_NE(six, nullptr);
  EXPECT_EQ(six->package.os_owner, "py3-six");
}

TEST(LanguageLayers, NodeTreesNestedScopedAndLockFilesBesideThem) {
  const LayerAnalysis layer = analyze({
      {"app/package.json", R"({"name": "app", "version": "1.0.0"})"},
      {"app/package-lock.json", R"({"lockfileVersion": 3, "packages": {"node_modules/express": {"version": "4.18.2"},
                                   "node_modules/not-installed": {"version": "1.0.0"}}})"},
      {"app/node_modules/express/package.json", R"({"name": "express", "version": "4.18.2"})"},
      {"app/node_modules/express/lib/package.json", R"({"type": "module"})"},  // not a package root
      {"app/node_modules/express/node_modules/debug/package.json", R"({"name": "debug", "version": "2.6.9"})"},
      {"app/node_modules/@types/node/package.json", R"({"name": "@types/node", "version": "18.11.9"})"},
      {"app/node_modules/broken/package.json", R"({"name": "broken"})"},
      {"app/node_modules/cut/package.json", R"({"name": "cut", "vers)"},
      // A lock file with nothing installed beside it: what the image would run.
      {"srv/other/yarn.lock", "# yarn lockfile v1\n\nleft-pad@^1.3.0:\n  version \"1.3.0\"\n"},
  });
  const ImageView view = merge({layer});
  std::vector<std::string> npm;
  for (const auto& ip : view.packages) {
    if (ip.package.ecosystem == Ecosystem::kNpm) npm.push_back(ip.package.name + "@" + ip.package.version);
  }
  EXPECT_EQ(npm, (std::vector<std::string>{"@types/node@18.11.9", "debug@2.6.9", "express@4.18.2", "left-pad@1.3.0"}));
  const auto warned = [&](const std::string& what) {
    return std::any_of(layer.warnings.begin(), layer.warnings.end(), [&](const std::string& w) {
      return w.find(what) != std::string::npos;
    });
  };
  EXPECT_TRUE(warned("npm: app/node_modules/broken/package.json: package broken has no \"version\" string"));
  EXPECT_TRUE(warned("npm: app/node_modules/cut/package.json: not valid JSON"));
  EXPECT_EQ(package_url(find(view, Ecosystem::kNpm, "@types/node")->package, view.distro), "pkg:npm/%40types/node@18.11.9");
}

TEST(LanguageLayers, BinariesAreFoundByTheirBytesNotTheirNames) {
  const std::string modinfo = test::go_modinfo("path\texample.com/svc\nmod\texample.com/svc\tv1.4.0\th1:x=\n"
                                               "dep\tgolang.org/x/net\tv0.7.0\th1:y=\n");
  const std::string go_binary =
      test::make_elf({{".text", std::string(2048, '\x90')}, {".go.buildinfo", test::go_buildinfo_inline("go1.20.1", modinfo)}}).bytes;
  const std::string plain_elf = test::make_elf({{".text", std::string(2048, '\x90')}}).bytes;
  const LayerAnalysis layer = analyze({
      {"opt/svc/run", go_binary, TarEntry::Kind::kFile, 0755},
      {"opt/svc/data.bin", go_binary, TarEntry::Kind::kFile, 0644},  // not executable: not a program
      {"usr/bin/true", plain_elf, TarEntry::Kind::kFile, 0755},
  });
  const ImageView view = merge({layer});
  std::vector<std::string> go;
  for (const auto& ip : view.packages) go.push_back(ip.package.path + " " + ip.package.name + "@" + ip.package.version);
  EXPECT_EQ(go, (std::vector<std::string>{"opt/svc/run example.com/svc@v1.4.0", "opt/svc/run golang.org/x/net@v0.7.0",
                                          "opt/svc/run stdlib@v1.20.1"}));
  EXPECT_TRUE(layer.warnings.empty()) << layer.warnings[0];
  EXPECT_EQ(package_url(find(view, Ecosystem::kGolang, "golang.org/x/net")->package, view.distro),
            "pkg:golang/golang.org/x/net@v0.7.0");
}

TEST(LanguageLayers, JarsNestedInWarsAndAWhiteoutRemovesThem) {
  const std::string inner = test::make_zip({{"META-INF/maven/org.yaml/snakeyaml/pom.properties",
                                             "groupId=org.yaml\nartifactId=snakeyaml\nversion=1.26\n"}});
  const std::string war = test::make_zip({{"WEB-INF/lib/snakeyaml-1.26.jar", inner}});
  const LayerAnalysis lower = analyze({{"srv/app.war", war}, {"srv/not-a-jar.jar", "plain text"}});
  EXPECT_EQ(lower.warnings.size(), 2u);  // not a zip; the war itself unidentified
  const LayerAnalysis upper = analyze({{"srv/.wh.app.war", ""}});
  ImageView view = merge({lower});
  const ImagePackage* yaml = find(view, Ecosystem::kMaven, "org.yaml:snakeyaml");
  ASSERT_NE(yaml, nullptr);
  EXPECT_EQ(yaml->package.path, "srv/app.war/WEB-INF/lib/snakeyaml-1.26.jar");
  EXPECT_EQ(package_url(yaml->package, view.distro), "pkg:maven/org.yaml/snakeyaml@1.26");
  view = merge({lower, upper});
  EXPECT_EQ(find(view, Ecosystem::kMaven, "org.yaml:snakeyaml"), nullptr);
}

TEST(LanguageLayers, EveryOtherEcosystem) {
  const LayerAnalysis layer = analyze({
      {"usr/local/bundle/specifications/rack-2.2.3.gemspec",
       "Gem::Specification.new do |s|\n  s.name = \"rack\".freeze\n  s.version = \"2.2.3\"\nend\n"},
      {"srv/Gemfile.lock", "GEM\n  specs:\n    puma (5.6.4)\n\n"},
      {"srv/Cargo.lock", "[[package]]\nname = \"regex\"\nversion = \"1.5.4\"\n"},
      {"var/www/vendor/composer/installed.json", R"({"packages": [{"name": "guzzlehttp/guzzle", "version": "7.4.0"}]})"},
      {"app/App.deps.json", R"({"libraries": {"System.Text.Json/6.0.0": {"type": "package"}}})"},
  });
  const ImageView view = merge({layer});
  std::vector<std::string> purls;
  for (const auto& ip : view.packages) purls.push_back(package_url(ip.package, view.distro));
  std::sort(purls.begin(), purls.end());
  EXPECT_EQ(purls, (std::vector<std::string>{"pkg:cargo/regex@1.5.4", "pkg:composer/guzzlehttp/guzzle@7.4.0",
                                             "pkg:gem/puma@5.6.4", "pkg:gem/rack@2.2.3",
                                             "pkg:nuget/System.Text.Json@6.0.0"}));
}

}  // namespace
}  // namespace strata::worker
