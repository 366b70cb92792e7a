#include "common/purl.h"

#include <gtest/gtest.h>

namespace strata {
namespace {

TEST(Purl, DebKeepsEpochInVersion) {
  Package p{Ecosystem::kDeb, "libgcc1", "1:5.1.1-12ubuntu1", "gcc-5", "5.1.1-12ubuntu1", "amd64", ""};
  EXPECT_EQ(package_url(p, Distro{"ubuntu", "22.04", "Ubuntu:22.04"}),
            "pkg:deb/ubuntu/libgcc1@1:5.1.1-12ubuntu1?arch=amd64&distro=ubuntu-22.04");
}

TEST(Purl, RpmMovesEpochToQualifier) {
  Package p{Ecosystem::kRpm, "hello", "1:0.0.1-rls", "hello", "1:0.0.1-rls", "x86_64", ""};
  EXPECT_EQ(package_url(p, Distro{"rhel", "9.3", "Red Hat:9"}),
            "pkg:rpm/rhel/hello@0.0.1-rls?arch=x86_64&distro=rhel-9.3&epoch=1");
}

TEST(Purl, EncodesReservedCharacters) {
  Package p{Ecosystem::kApk, "libstdc++", "12.2.1_git20220924-r10", "gcc", "", "x86_64", ""};
  EXPECT_EQ(package_url(p, Distro{"alpine", "3.17.0", "Alpine:v3.17"}),
            "pkg:apk/alpine/libstdc%2B%2B@12.2.1_git20220924-r10?arch=x86_64&distro=alpine-3.17.0");
}

}  // namespace
}  // namespace strata
