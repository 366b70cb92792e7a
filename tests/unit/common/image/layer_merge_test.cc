#include "common/image/layer_merge.h"

#include <gtest/gtest.h>

namespace strata {
namespace {

Package deb(std::string name, std::string version) {
  return Package{Ecosystem::kDeb, name, version, name, version, "amd64", "var/lib/dpkg/status", {}};
}

LayerAnalysis status_layer(std::vector<Package> packages) {
  LayerAnalysis a;
  a.databases.push_back({"var/lib/dpkg/status", Ecosystem::kDeb, std::move(packages)});
  return a;
}

std::map<std::string, std::string> by_name(const ImageView& view) {
  std::map<std::string, std::string> out;
  for (const auto& p : view.packages) out[p.package.name + "=" + p.package.version] = p.layer;
  return out;
}

TEST(LayerMerge, HigherDatabaseReplacesLowerAndKeepsIntroducingLayer) {
  const LayerAnalysis l0 = status_layer({deb("base", "1"), deb("curl", "7.0")});
  const LayerAnalysis l1 = status_layer({deb("base", "1"), deb("curl", "7.1"), deb("git", "2")});
  const std::vector<LayerRef> layers{{"L0", &l0}, {"L1", &l1}};
  const auto got = by_name(merge_layers(layers));
  EXPECT_EQ(got, (std::map<std::string, std::string>{{"base=1", "L0"}, {"curl=7.1", "L1"}, {"git=2", "L1"}}));
}

TEST(LayerMerge, WhiteoutDeletesDatabaseBelow) {
  const LayerAnalysis l0 = status_layer({deb("base", "1")});
  LayerAnalysis l1;
  l1.whiteouts.push_back("var/lib/dpkg/status");
  const std::vector<LayerRef> layers{{"L0", &l0}, {"L1", &l1}};
  EXPECT_TRUE(merge_layers(layers).packages.empty());
}

TEST(LayerMerge, OpaqueDirectoryHidesLowerButNotSameLayer) {
  const LayerAnalysis l0 = status_layer({deb("old", "1")});
  LayerAnalysis l1 = status_layer({deb("new", "1")});
  l1.opaque_dirs.push_back("var/lib/dpkg");
  const std::vector<LayerRef> layers{{"L0", &l0}, {"L1", &l1}};
  EXPECT_EQ(by_name(merge_layers(layers)), (std::map<std::string, std::string>{{"new=1", "L1"}}));
}

TEST(LayerMerge, PackageDeletedAndReaddedIsReintroduced) {
  const LayerAnalysis l0 = status_layer({deb("a", "1")});
  LayerAnalysis l1;
  l1.whiteouts.push_back("var/lib/dpkg");
  const LayerAnalysis l2 = status_layer({deb("a", "1")});
  const std::vector<LayerRef> layers{{"L0", &l0}, {"L1", &l1}, {"L2", &l2}};
  EXPECT_EQ(by_name(merge_layers(layers)), (std::map<std::string, std::string>{{"a=1", "L2"}}));
}

TEST(LayerMerge, DistroFromTopmostReleaseFile) {
  LayerAnalysis l0;
  l0.distro_files["etc/os-release"] = "ID=debian\nVERSION_ID=\"11\"\n";
  LayerAnalysis l1;
  l1.distro_files["etc/os-release"] = "ID=debian\nVERSION_ID=\"12\"\n";
  const std::vector<LayerRef> layers{{"L0", &l0}, {"L1", &l1}};
  EXPECT_EQ(merge_layers(layers).distro->namespace_, "Debian:12");
}

TEST(LayerMerge, RootOpaqueMarkerHidesEverything) {
  const LayerAnalysis l0 = status_layer({deb("a", "1")});
  LayerAnalysis l1;
  l1.opaque_dirs.push_back("");
  const std::vector<LayerRef> layers{{"L0", &l0}, {"L1", &l1}};
  EXPECT_TRUE(merge_layers(layers).packages.empty());
}

}  // namespace
}  // namespace strata
