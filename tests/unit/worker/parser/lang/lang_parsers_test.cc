// The language package parsers on inputs built here: each format's normal shape, its variants,
// and damaged files, which are errors or skipped records, never crashes.
#include <gtest/gtest.h>

#include <zlib.h>

#include <algorithm>

#include "common/bytes.h"
#include "tests/support/elf_builder.h"
#include "worker/parser/lang/lang_parsers.h"

namespace strata::worker {
namespace {

using NameVersion = std::vector<std::pair<std::string, std::string>>;

NameVersion names(const ParsedPackages& parsed) {
  NameVersion out;
  for (const auto& p : parsed.packages) out.emplace_back(p.name, p.version);
  std::sort(out.begin(), out.end());
  return out;
}


TEST(PythonMetadata, NameAndVersionFromTheHeaderOnly) {
  const auto parsed = parse_python_metadata(
      "Metadata-Version: 2.1\r\nName: Foo_Bar\r\nVersion: 1.0.post1\r\nSummary: x\r\n  continued\r\n\r\n"
      "Version: 9.9 (this is the description)\n",
      "usr/lib/python3/site-packages/Foo_Bar-1.0.post1.dist-info/METADATA");
  ASSERT_TRUE(parsed) << parsed.error().message();
  EXPECT_EQ(names(*parsed), (NameVersion{{"Foo_Bar", "1.0.post1"}}));
  EXPECT_EQ(parsed->packages[0].ecosystem, Ecosystem::kPypi);
  EXPECT_EQ(parsed->packages[0].path, "usr/lib/python3/site-packages/Foo_Bar-1.0.post1.dist-info/METADATA");
}

TEST(PythonMetadata, MissingFieldsAreErrors) {
  EXPECT_FALSE(parse_python_metadata("Metadata-Version: 2.1\nName: foo\n", "m"));
  EXPECT_FALSE(parse_python_metadata("Version: 1\n", "m"));
  EXPECT_FALSE(parse_python_metadata("", "m"));
}

TEST(PackageJson, NameAndVersionRequired) {
  auto ok = parse_package_json(R"({"name": "@scope/pkg", "version": "1.2.3", "dependencies": {}})", "p");
  ASSERT_TRUE(ok);
  EXPECT_EQ(names(*ok), (NameVersion{{"@scope/pkg", "1.2.3"}}));
  const auto no_version = parse_package_json(R"({"name": "x"})", "p");
  ASSERT_FALSE(no_version);
  EXPECT_NE(no_version.error().message().find("no \"version\""), std::string::npos);
  EXPECT_FALSE(parse_package_json(R"({"name": "x", "version": 3})", "p"));
  EXPECT_FALSE(parse_package_json(R"({"name": "x", "vers)", "p"));  // truncated
  EXPECT_FALSE(parse_package_json("[1, 2]", "p"));
}

TEST(NpmLock, Version1NestsDependencies) {
  const auto parsed = parse_npm_lock(R"({"lockfileVersion": 1, "dependencies": {
      "a": {"version": "1.0.0", "dependencies": {"b": {"version": "2.0.0"}}},
      "c": {"version": "npm:real-c@3.0.0"},
      "d": {"resolved": "x"},
      "e": 7}})", "app/package-lock.json");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(names(*parsed), (NameVersion{{"a", "1.0.0"}, {"b", "2.0.0"}, {"real-c", "3.0.0"}}));
  EXPECT_EQ(parsed->skipped.size(), 2u);
}

TEST(NpmLock, Versions2And3UseInstallPaths) {
  const auto parsed = parse_npm_lock(R"({"lockfileVersion": 3, "packages": {
      "": {"name": "app", "version": "0.1.0"},
      "node_modules/a": {"version": "1.0.0"},
      "node_modules/a/node_modules/@s/b": {"version": "2.0.0", "dev": true},
      "node_modules/ws": {"resolved": "packages/ws", "link": true},
      "packages/ws": {"name": "ws", "version": "0.0.1"}},
      "dependencies": {"ignored": {"version": "9.9.9"}}})", "package-lock.json");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(names(*parsed), (NameVersion{{"@s/b", "2.0.0"}, {"a", "1.0.0"}}));
}

TEST(YarnLock, Version1) {
  const auto parsed = parse_yarn_lock(R"(# yarn lockfile v1

"@babel/code-frame@^7.0.0", "@babel/code-frame@^7.1.0":
  version "7.12.13"
  dependencies:
    "@babel/highlight" "^7.12.13"

ms@2.1.2:
  version "2.1.2"

"local@file:./local":
  version "0.0.1"

broken@^1:
  resolved "x"
)", "yarn.lock");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(names(*parsed), (NameVersion{{"@babel/code-frame", "7.12.13"}, {"ms", "2.1.2"}}));
  EXPECT_EQ(parsed->skipped.size(), 1u);
}

TEST(YarnLock, Berry) {
  const auto parsed = parse_yarn_lock(R"(__metadata:
  version: 6

"app@workspace:.":
  version: 0.0.0-use.local
  resolution: "app@workspace:."
  linkType: soft

"@types/node@npm:^18.0.0, @types/node@npm:^18.1.0":
  version: 18.11.9
  resolution: "@types/node@npm:18.11.9"
  linkType: hard
)", "yarn.lock");
  ASSERT_TRUE(parsed) << parsed.error().message();
  EXPECT_EQ(names(*parsed), (NameVersion{{"@types/node", "18.11.9"}}));
  EXPECT_FALSE(parse_yarn_lock("__metadata:\n  version: [6\n", "yarn.lock"));
}

TEST(PnpmLock, Versions5And6And9) {
  const auto v5 = parse_pnpm_lock("lockfileVersion: 5.4\npackages:\n  /a/1.0.0:\n    dev: false\n"
                                  "  /@s/b/2.0.0_peer@1.0.0:\n    dev: true\n", "pnpm-lock.yaml");
  ASSERT_TRUE(v5) << v5.error().message();
  EXPECT_EQ(names(*v5), (NameVersion{{"@s/b", "2.0.0"}, {"a", "1.0.0"}}));
  const auto v6 = parse_pnpm_lock("lockfileVersion: '6.0'\npackages:\n  /a@1.0.0(react@18.0.0):\n    dev: false\n",
                                  "pnpm-lock.yaml");
  ASSERT_TRUE(v6);
  EXPECT_EQ(names(*v6), (NameVersion{{"a", "1.0.0"}}));
  const auto v9 = parse_pnpm_lock("lockfileVersion: '9.0'\npackages:\n  '@s/b@2.0.0':\n    resolution: {integrity: x}\n"
                                  "  c@https://example.com/c.tgz:\n    version: 3.0.0\n"
                                  "  own@file:own:\n    resolution: {directory: own}\n",
                                  "pnpm-lock.yaml");
  ASSERT_TRUE(v9);
  EXPECT_EQ(names(*v9), (NameVersion{{"@s/b", "2.0.0"}, {"c", "3.0.0"}}));
  EXPECT_TRUE(v9->skipped.empty());
  EXPECT_FALSE(parse_pnpm_lock("lockfileVersion: 5\npackages: [1, 2\n", "pnpm-lock.yaml"));
}

const std::string kModinfo = test::go_modinfo(
    "path\texample.com/app\nmod\texample.com/app\t(devel)\t\n"
    "dep\tgolang.org/x/text\tv0.3.7\th1:abc=\n"
    "dep\tgithub.com/old/name\tv1.0.0\th1:def=\n=>\tgithub.com/new/name\tv1.2.0\th1:ghi=\n"
    "dep\tgithub.com/local/thing\tv0.0.0\n=>\t../thing\t\t\n"
    "dep\tgopkg.in/yaml.v3\tv3.0.0\n=>\t./gopkg.in/yaml\t(devel)\t\n"
    "build\t-compiler=gc\n");

TEST(GoBuildInfo, InlineLayout) {
  const auto elf = test::make_elf({{".text", std::string(64, '\x90')},
                                   {".go.buildinfo", test::go_buildinfo_inline("go1.21.3", kModinfo)}});
  const auto parsed = parse_go_binary(as_bytes(elf.bytes), "usr/bin/app");
  ASSERT_TRUE(parsed) << parsed.error().message();
  EXPECT_EQ(names(*parsed), (NameVersion{{"github.com/new/name", "v1.2.0"},
                                         {"golang.org/x/text", "v0.3.7"},
                                         {"stdlib", "v1.21.3"}}));
}

TEST(GoBuildInfo, PointerLayoutAndStrippedSections) {
  // Older toolchains point at the strings; the first section lands at file offset 128.
  const std::string section = test::go_buildinfo_pointers("go1.16", kModinfo, test::kElfBase + 128);
  auto elf = test::make_elf({{".go.buildinfo", section}});
  ASSERT_EQ(elf.offsets[0], 128u);
  auto parsed = parse_go_binary(as_bytes(elf.bytes), "usr/bin/old");
  ASSERT_TRUE(parsed) << parsed.error().message();
  EXPECT_EQ(names(*parsed)[2], (std::pair<std::string, std::string>{"stdlib", "v1.16.0"}));
  // Section headers gone: the header is still found by its magic.
  elf.bytes[60] = elf.bytes[61] = 0;  // e_shnum = 0
  parsed = parse_go_binary(as_bytes(elf.bytes), "usr/bin/old");
  ASSERT_TRUE(parsed) << parsed.error().message();
  EXPECT_EQ(parsed->packages.size(), 3u);
}

TEST(GoBuildInfo, ToolchainVersionsBecomeSemver) {
  for (const auto& [go, want] : std::vector<std::pair<std::string, std::string>>{
           {"go1.22", "v1.22.0"}, {"go1.21rc2", "v1.21.0-rc.2"}, {"go1.22.1 X:boringcrypto", "v1.22.1"}}) {
    const auto parsed = parse_go_modinfo(go, "", "bin/x");
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->packages.at(0).version, want) << go;
  }
}

TEST(GoBuildInfo, NotGoAndDamaged) {
  const auto plain = test::make_elf({{".text", std::string(4096, '\x90')}});
  const auto none = parse_go_binary(as_bytes(plain.bytes), "usr/bin/ls");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(parse_go_binary(as_bytes(std::string("\x7f" "ELF")), "x"));
  EXPECT_FALSE(parse_go_binary(as_bytes(std::string(100, 'x')), "x"));
  // A pointer layout pointing outside the file.
  std::string bad = test::go_buildinfo_pointers("go1.16", kModinfo, 0x10);
  const auto elf = test::make_elf({{".go.buildinfo", bad}});
  EXPECT_FALSE(parse_go_binary(as_bytes(elf.bytes), "x"));
  // Truncated inline strings.
  std::string cut = test::go_buildinfo_inline("go1.21.3", kModinfo);
  cut.resize(40);
  EXPECT_FALSE(parse_go_binary(as_bytes(test::make_elf({{".go.buildinfo", cut}}).bytes), "x"));
}

TEST(JavaArchive, PomPropertiesManifestAndFileName) {
  const std::string pom = "groupId=com.example\nartifactId=lib\nversion=1.2.3\n";
  auto parsed = parse_java_archive(as_bytes(test::make_zip({{"META-INF/maven/com.example/lib/pom.properties", pom}})),
                                   "app/lib-1.2.3.jar");
  ASSERT_TRUE(parsed) << parsed.error().message();
  EXPECT_EQ(names(*parsed), (NameVersion{{"com.example:lib", "1.2.3"}}));

  const std::string manifest =
      "Manifest-Version: 1.0\r\nImplementation-Vendor-Id: org.acme\r\nImplementation-Title: wid\r\n get\r\n"
      "Implementation-Version: 4.5\r\n\r\nName: inner\r\nImplementation-Version: 9\r\n";
  parsed = parse_java_archive(as_bytes(test::make_zip({{"META-INF/MANIFEST.MF", manifest}})), "w.jar");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(names(*parsed), (NameVersion{{"org.acme:widget", "4.5"}}));

  // The file name gives artifact and version, the manifest's bundle name the group.
  parsed = parse_java_archive(
      as_bytes(test::make_zip({{"META-INF/MANIFEST.MF", "Bundle-SymbolicName: org.acme.thing;singleton:=true\n"}})),
      "lib/thing-2.0.1.jar");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(names(*parsed), (NameVersion{{"org.acme:thing", "2.0.1"}}));

  // No identity at all: unidentified, said so, nothing guessed.
  parsed = parse_java_archive(as_bytes(test::make_zip({{"META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n"}})),
                              "lib/mystery-1.0.jar");
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->packages.empty());
  ASSERT_EQ(parsed->skipped.size(), 1u);
  EXPECT_NE(parsed->skipped[0].find("unidentified"), std::string::npos);
}

TEST(JavaArchive, NestedArchivesToTheDepthLimit) {
  auto pom = [](const std::string& a) { return "groupId=g\nartifactId=" + a + "\nversion=1\n"; };
  const std::string level3 = test::make_zip({{"META-INF/maven/g/c/pom.properties", pom("c")}});
  const std::string level2 = test::make_zip({{"META-INF/maven/g/b/pom.properties", pom("b")}, {"lib/c.jar", level3}});
  const std::string outer = test::make_zip({{"META-INF/maven/g/a/pom.properties", pom("a")}, {"BOOT-INF/lib/b.jar", level2}});
  auto parsed = parse_java_archive(as_bytes(outer), "app.jar");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(names(*parsed), (NameVersion{{"g:a", "1"}, {"g:b", "1"}, {"g:c", "1"}}));
  const auto nested = std::find_if(parsed->packages.begin(), parsed->packages.end(), [](const Package& p) { return p.name == "g:c"; });
  EXPECT_EQ(nested->path, "app.jar/BOOT-INF/lib/b.jar/lib/c.jar");
  parsed = parse_java_archive(as_bytes(outer), "app.jar", JarLimits{.max_depth = 1});
  ASSERT_TRUE(parsed);
  EXPECT_EQ(names(*parsed), (NameVersion{{"g:a", "1"}, {"g:b", "1"}}));
}

TEST(JavaArchive, NotAZipAndZipBomb) {
  const auto not_zip = parse_java_archive(as_bytes(std::string("PK\x03\x04 not really")), "x.jar");
  EXPECT_FALSE(not_zip);
  // 64 MiB of zeros deflates to ~64 KiB: inside a jar it stops at the per-entry bound.
  const std::string bomb = test::make_zip({{"META-INF/maven/g/a/pom.properties", "groupId=g\nartifactId=a\nversion=1\n"},
                                           {"lib/bomb.jar", std::string(64u << 20, '\0')}});
  ASSERT_LT(bomb.size(), 1u << 20);
  const auto parsed = parse_java_archive(as_bytes(bomb), "x.jar");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(names(*parsed), (NameVersion{{"g:a", "1"}}));
  ASSERT_EQ(parsed->skipped.size(), 1u);
  EXPECT_NE(parsed->skipped[0].find("per-entry limit"), std::string::npos) << parsed->skipped[0];
}

TEST(Ruby, GemspecAndGemfileLock) {
  auto spec = parse_gemspec("# stub\nGem::Specification.new do |s|\n  s.name = \"rake\".freeze\n"
                            "  s.version = \"13.0.3\"\n  s.summary = 'x'\nend\n", "specifications/rake-13.0.3.gemspec");
  ASSERT_TRUE(spec);
  EXPECT_EQ(names(*spec), (NameVersion{{"rake", "13.0.3"}}));
  EXPECT_FALSE(parse_gemspec("Gem::Specification.new do |spec|\n  s.name = \"x\"\n  s.version = \"1\"\nend\n", "x"));
  EXPECT_FALSE(parse_gemspec("not ruby at all", "x"));
  const auto lock = parse_gemfile_lock(
      "GIT\n  remote: https://x\n  specs:\n    mine (0.1.0)\n\nGEM\n  remote: https://rubygems.org/\n  specs:\n"
      "    nokogiri (1.13.6-x86_64-linux)\n      racc (~> 1.4)\n    racc (1.6.0)\n    broken\n\n"
      "PLATFORMS\n  x86_64-linux\n\nDEPENDENCIES\n  nokogiri\n\nBUNDLED WITH\n   2.3.7\n",
      "Gemfile.lock");
  ASSERT_TRUE(lock);
  EXPECT_EQ(names(*lock), (NameVersion{{"mine", "0.1.0"}, {"nokogiri", "1.13.6"}, {"racc", "1.6.0"}}));
  EXPECT_EQ(lock->skipped.size(), 1u);
}

std::string zlib_compress(const std::string& in) {
  uLongf size = compressBound(in.size());
  std::string out(size, '\0');
  compress(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(in.data()), in.size());
  out.resize(size);
  return out;
}

TEST(Cargo, LockAndAuditableBinary) {
  const auto lock = parse_cargo_lock("version = 3\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\n\n"
                                     "[[package]]\nname = \"libc\"\nversion = \"0.2.54\"\nsource = \"registry+x\"\n\n"
                                     "[[package]]\nname = \"nover\"\n", "Cargo.lock");
  ASSERT_TRUE(lock);
  EXPECT_EQ(names(*lock), (NameVersion{{"app", "0.1.0"}, {"libc", "0.2.54"}}));
  EXPECT_EQ(lock->skipped.size(), 1u);
  EXPECT_FALSE(parse_cargo_lock("[[package]\nname=", "Cargo.lock"));

  const std::string json = R"({"packages":[{"name":"app","version":"0.1.0","source":"local","root":true},
                                {"name":"serde","version":"1.0.150","source":"crates.io"}]})";
  const auto elf = test::make_elf({{".dep-v0", zlib_compress(json)}});
  const auto bin = parse_cargo_auditable(as_bytes(elf.bytes), "usr/bin/app");
  ASSERT_TRUE(bin) << bin.error().message();
  EXPECT_EQ(names(*bin), (NameVersion{{"serde", "1.0.150"}}));
  const auto none = parse_cargo_auditable(as_bytes(test::make_elf({{".text", "x"}}).bytes), "x");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(parse_cargo_auditable(as_bytes(test::make_elf({{".dep-v0", "not zlib"}}).bytes), "x"));
  // A small section that inflates past the bound.
  const auto bomb = test::make_elf({{".dep-v0", zlib_compress(std::string(20u << 20, ' '))}});
  const auto big = parse_cargo_auditable(as_bytes(bomb.bytes), "x");
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code(), ErrorCode::kLimitExceeded);
}

TEST(Composer, InstalledJsonBothLayoutsAndLock) {
  const auto v1 = parse_composer(R"([{"name": "a/b", "version": "v1.0.0"}, {"name": "c/d"}])", "installed.json");
  ASSERT_TRUE(v1);
  EXPECT_EQ(names(*v1), (NameVersion{{"a/b", "v1.0.0"}}));
  EXPECT_EQ(v1->skipped.size(), 1u);
  const auto lock = parse_composer(R"({"packages": [{"name": "a/b", "version": "1.0"}],
                                       "packages-dev": [{"name": "t/u", "version": "2.0"}]})", "composer.lock");
  ASSERT_TRUE(lock);
  EXPECT_EQ(names(*lock), (NameVersion{{"a/b", "1.0"}, {"t/u", "2.0"}}));
  EXPECT_FALSE(parse_composer(R"({"packages": 1})", "composer.lock"));
  EXPECT_FALSE(parse_composer("{", "composer.lock"));
}

TEST(DotNet, DepsJsonAndPackagesLock) {
  const auto deps = parse_dotnet_deps(R"({"libraries": {"App/1.0.0": {"type": "project"},
      "Newtonsoft.Json/13.0.1": {"type": "package"}, "Bad": {"type": "package"}}})", "app.deps.json");
  ASSERT_TRUE(deps);
  EXPECT_EQ(names(*deps), (NameVersion{{"Newtonsoft.Json", "13.0.1"}}));
  EXPECT_EQ(deps->skipped.size(), 1u);
  const auto lock = parse_dotnet_deps(R"({"version": 1, "dependencies": {
      "net6.0": {"A": {"type": "Direct", "resolved": "1.0.0"}, "P": {"type": "Project"}},
      "net7.0": {"A": {"type": "Direct", "resolved": "1.0.0"}}}})", "packages.lock.json");
  ASSERT_TRUE(lock);
  EXPECT_EQ(names(*lock), (NameVersion{{"A", "1.0.0"}}));
  EXPECT_FALSE(parse_dotnet_deps("{\"libraries\": [", "x.deps.json"));
}

}  // namespace
}  // namespace strata::worker
