// Language packages on this machine's own files: the system Python's dist-packages and the
// node_modules tree npm ships with the system Node.js, copied whole into a layer, scanned by
// the real `strata inventory`, and compared with what Python's importlib.metadata and each
// package.json say. Skips, saying so, where the machine has neither.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "tests/support/image_builder.h"
#include "tests/support/process.h"
#include "tests/support/shared_data.h"

namespace strata {
namespace {

namespace fs = std::filesystem;
using test::TarEntry;

// The tree under `root` as entries under `prefix` (regular files, directories and symlinks).
std::vector<TarEntry> tree(const fs::path& root, const std::string& prefix) {
  std::vector<TarEntry> out;
  for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied);
       it != fs::recursive_directory_iterator(); ++it) {
    const std::string path = prefix + "/" + fs::relative(it->path(), root).string();
    if (it->is_symlink()) {
      out.push_back({path, fs::read_symlink(it->path()).string(), TarEntry::Kind::kSymlink, 0777});
    } else if (it->is_directory()) {
      out.push_back({path + "/", "", TarEntry::Kind::kDir, 0755});
    } else if (it->is_regular_file()) {
      out.push_back({path, test::read_file(it->path().string()), TarEntry::Kind::kFile, 0644});
    }
  }
  return out;
}

// (ecosystem, name, version, path) of every package `strata inventory` finds in one layer.
std::multiset<std::string> inventory(const std::vector<TarEntry>& entries, const std::string& dir,
                                     const std::string& ecosystem, std::size_t* warnings = nullptr) {
  test::TestImage image;
  image.layers.push_back(test::make_layer(entries, Compression::kGzip));
  test::write_oci_layout(dir + "/img", {image});
  const auto r = test::run_command(std::string(STRATA_BINARY) + " inventory oci:" + dir + "/img --format json", false);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  const auto doc = nlohmann::json::parse(r.out);
  std::multiset<std::string> out;
  for (const auto& p : doc["packages"]) {
    if (p["ecosystem"] != ecosystem) continue;
    EXPECT_EQ(p["os_managed"], false);
    EXPECT_EQ(p["layer"], image.layers[0].diff_id);
    out.insert(p["name"].get<std::string>() + " " + p["version"].get<std::string>());
  }
  if (warnings) *warnings = doc["warnings"].size();
  return out;
}

class LanguageE2E : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::temp_dir(); }
  void TearDown() override { fs::remove_all(dir_); }
  std::string dir_;
};

TEST_F(LanguageE2E, TheSystemPythonsDistPackages) {
  const fs::path site = "/usr/lib/python3/dist-packages";
  if (!fs::is_directory(site) || !fs::exists("/usr/bin/python3")) {
    GTEST_SKIP() << "this machine has no system Python dist-packages (" << site << ")";
  }
  const auto listed = test::run_command(
      "/usr/bin/python3 -c \"import importlib.metadata as m\n"
      "for d in m.distributions(path=['" + site.string() + "']): print(d.metadata['Name'], d.version)\"", false);
  ASSERT_EQ(listed.exit_code, 0) << listed.out;
  std::multiset<std::string> want;
  std::istringstream lines(listed.out);
  for (std::string line; std::getline(lines, line);) want.insert(line);
  ASSERT_FALSE(want.empty());
  const auto got = inventory(tree(site, "usr/lib/python3/dist-packages"), dir_, "pypi");
  EXPECT_EQ(got, want);
  std::cout << "dist-packages: " << got.size() << " distributions found, " << want.size() << " listed by importlib.metadata\n";
}

TEST_F(LanguageE2E, NpmsBundledNodeModules) {
  fs::path npm;
  for (const char* candidate : {"/usr/lib/node_modules/npm", "/usr/local/lib/node_modules/npm", "/usr/share/nodejs/npm"}) {
    if (fs::is_directory(fs::path(candidate) / "node_modules")) {
      npm = candidate;
      break;
    }
  }
  if (npm.empty()) GTEST_SKIP() << "this machine has no system Node.js with npm's node_modules tree";
  // Every package root's package.json: node_modules/NAME or node_modules/@SCOPE/NAME.
  std::multiset<std::string> want;
  for (auto it = fs::recursive_directory_iterator(npm / "node_modules"); it != fs::recursive_directory_iterator(); ++it) {
    if (it->path().filename() != "package.json" || !it->is_regular_file()) continue;
    fs::path parent = it->path().parent_path().parent_path();
    if (parent.filename().string().starts_with("@")) parent = parent.parent_path();
    if (parent.filename() != "node_modules") continue;
    const auto doc = nlohmann::json::parse(test::read_file(it->path().string()));
    want.insert(doc["name"].get<std::string>() + " " + doc["version"].get<std::string>());
  }
  // A real tree, not a stub: NodeSource's npm bundles ~150 packages, Debian's (which uses
  // node-* packages for the rest) 42.
  ASSERT_GT(want.size(), 30u);
  const auto got = inventory(tree(npm, "usr/lib/node_modules/npm"), dir_, "npm");
  // npm itself sits at usr/lib/node_modules/npm/package.json, a package root too.
  const auto self = nlohmann::json::parse(test::read_file((npm / "package.json").string()));
  want.insert(self["name"].get<std::string>() + " " + self["version"].get<std::string>());
  EXPECT_EQ(got, want);
  std::cout << "npm tree: " << got.size() << " packages\n";
}

}  // namespace
}  // namespace strata
