// Where registry credentials come from, and that those in the environment go only to the registry
// STRATA_REGISTRY_HOST names (issue 14, defect 3).
#include "worker/registry/credentials.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace strata::worker {
namespace {

class EnvironmentCredentials : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("STRATA_REGISTRY_USERNAME", "ci", 1);
    ::setenv("STRATA_REGISTRY_PASSWORD", "s3cret", 1);
    ::unsetenv("STRATA_REGISTRY_HOST");
    sources_.docker_config = "-";
  }
  void TearDown() override {
    ::unsetenv("STRATA_REGISTRY_USERNAME");
    ::unsetenv("STRATA_REGISTRY_PASSWORD");
    ::unsetenv("STRATA_REGISTRY_HOST");
  }
  CredentialSources sources_;
};

TEST_F(EnvironmentCredentials, WithoutAHostTheyGoNowhere) {
  std::string note;
  EXPECT_FALSE(find_credential(sources_, "ghcr.io", &note));
  EXPECT_NE(note.find("STRATA_REGISTRY_HOST is not"), std::string::npos) << note;
  EXPECT_EQ(note.find("s3cret"), std::string::npos);
}

TEST_F(EnvironmentCredentials, OnlyTheNamedRegistryGetsThem) {
  ::setenv("STRATA_REGISTRY_HOST", "ghcr.io", 1);
  std::string note;
  EXPECT_FALSE(find_credential(sources_, "evil.example.com", &note));
  EXPECT_EQ(note, "the credentials in the environment are for ghcr.io, not evil.example.com");
  const auto found = find_credential(sources_, "ghcr.io");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->credential.username, "ci");
  EXPECT_EQ(found->source, "environment");
}

TEST(EnvironmentRegistry, NamesAndAliases) {
  EXPECT_TRUE(environment_registry_matches("docker.io", "registry-1.docker.io"));
  EXPECT_TRUE(environment_registry_matches("https://index.docker.io/", "registry-1.docker.io"));
  EXPECT_TRUE(environment_registry_matches("127.0.0.1:5000", "127.0.0.1:5000"));
  EXPECT_FALSE(environment_registry_matches("127.0.0.1:5000", "127.0.0.1:5001"));
  EXPECT_FALSE(environment_registry_matches("", "ghcr.io"));
  EXPECT_TRUE(environment_registry_matches("GHCR.IO", "ghcr.io"));
}

}  // namespace
}  // namespace strata::worker
