#include "common/distro.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/shared_data.h"

namespace strata {
namespace {

using Files = std::map<std::string, std::string, std::less<>>;

TEST(Distro, NamespacesFromOsRelease) {
  struct Case {
    std::string os_release;
    std::string want;
  };
  for (const Case& c : std::vector<Case>{
           {"ID=debian\nVERSION_ID=\"12\"\n", "Debian:12"},
           {"ID=ubuntu\nVERSION_ID=\"22.04\"\n", "Ubuntu:22.04"},
           {"ID=alpine\nVERSION_ID=3.19.1\n", "Alpine:v3.19"},
           {"ID=\"rhel\"\nVERSION_ID=\"9.3\"\n", "Red Hat:9"},
           {"ID=\"rocky\"\nVERSION_ID=\"9.3\"\n", "Rocky Linux:9"},
           {"ID=\"almalinux\"\nVERSION_ID=\"9.4\"\n", "AlmaLinux:9"},
           {"ID=\"amzn\"\nVERSION_ID=\"2023\"\n", "Amazon Linux:2023"},
           {"ID=wolfi\nVERSION_ID=\"20230201\"\n", "Wolfi"},
           {"ID=chainguard\n", "Chainguard"},
           {"ID=\"sles\"\nVERSION_ID=\"15.5\"\nPRETTY_NAME=\"SUSE Linux Enterprise Server 15 SP5\"\n",
            "SUSE:SUSE Linux Enterprise Server 15 SP5"},
       }) {
    SCOPED_TRACE(c.os_release);
    auto d = detect_distro(Files{{"etc/os-release", c.os_release}});
    ASSERT_TRUE(d);
    EXPECT_EQ(d->namespace_, c.want);
  }
}

TEST(Distro, FallsBackToReleaseFiles) {
  EXPECT_EQ(detect_distro(Files{{"etc/alpine-release", "3.18.4\n"}})->namespace_, "Alpine:v3.18");
  EXPECT_EQ(detect_distro(Files{{"etc/debian_version", "11.7\n"}})->namespace_, "Debian:11");
  EXPECT_EQ(detect_distro(Files{{"etc/redhat-release", "Red Hat Enterprise Linux release 8.4 (Ootpa)\n"}})
                ->namespace_,
            "Red Hat:8");
  EXPECT_EQ(detect_distro(Files{{"etc/centos-release", "CentOS Linux release 7.9.2009 (Core)\n"}})
                ->namespace_,
            "CentOS:7");
  // Debian testing has no VERSION_ID; debian_version's codename gives no number either.
  auto sid = detect_distro(Files{{"etc/os-release", "ID=debian\n"}, {"etc/debian_version", "trixie/sid\n"}});
  ASSERT_TRUE(sid);
  EXPECT_EQ(sid->namespace_, "Debian");
  EXPECT_FALSE(detect_distro(Files{}));
}

TEST(DistroConformance, ClaircoreAlpineAndDebianReleases) {
  STRATA_REQUIRE_SHARED_DATA();
  namespace fs = std::filesystem;
  const std::string base = test::shared_data_dir() + "/fixtures/os/os-release/claircore";
  int checked = 0;
  for (const auto& e : fs::directory_iterator(base + "/alpine")) {
    if (e.path().filename() == "edge") continue;
    const std::string release = e.path().filename().string();  // "3.18"
    auto d = detect_distro(Files{{"etc/os-release", test::read_file(e.path() / "etc/os-release")}});
    SCOPED_TRACE(e.path().string());
    if (!fs::exists(e.path() / "etc/os-release")) continue;
    ASSERT_TRUE(d);
    EXPECT_EQ(d->namespace_, "Alpine:v" + release);
    ++checked;
  }
  for (const auto& e : fs::directory_iterator(base + "/debian")) {
    const auto os_release = e.path() / "etc/os-release";
    if (!fs::exists(os_release)) continue;
    SCOPED_TRACE(os_release.string());
    auto d = detect_distro(Files{{"etc/os-release", test::read_file(os_release)}});
    ASSERT_TRUE(d);
    EXPECT_EQ(d->id, "debian");
    EXPECT_EQ(d->namespace_, "Debian:" + d->version);
    ++checked;
  }
  EXPECT_GT(checked, 10);
}

}  // namespace
}  // namespace strata
