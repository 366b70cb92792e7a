// The parts of tenancy that need no server: sealing credentials (and refusing altered or foreign
// boxes), credentials keys read from files, registry names, and the per-tenant rate limiter.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "coordinator/api/rate_limiter.h"
#include "coordinator/tenancy/credential_vault.h"
#include "coordinator/tenancy/registry_credentials.h"
#include "tests/support/image_builder.h"

namespace strata::coordinator {
namespace {

CredentialVault::Key key_of(unsigned char fill) {
  CredentialVault::Key k;
  k.fill(fill);
  return k;
}

TEST(CredentialVault, SealsOpensAndRefusesAlteredBoxesAndUnknownKeys) {
  const CredentialVault vault(key_of(1));
  const auto sealed = vault.seal("hunter2");
  // Nothing of the plaintext is in the box.
  const std::string bytes(reinterpret_cast<const char*>(sealed.data()), sealed.size());
  EXPECT_EQ(bytes.find("hunter2"), std::string::npos);
  EXPECT_EQ(vault.open(vault.key_id(), sealed).value(), "hunter2");
  // Two seals of one secret differ (a fresh nonce each).
  EXPECT_NE(vault.seal("hunter2"), sealed);
  auto altered = sealed;
  altered.back() ^= std::byte{1};
  EXPECT_EQ(vault.open(vault.key_id(), altered).error().code(), ErrorCode::kCorrupt);
  EXPECT_FALSE(vault.open(vault.key_id(), std::vector<std::byte>(10)));
  const CredentialVault other(key_of(2));
  const auto refused = other.open(vault.key_id(), sealed);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message().find("--previous-credentials-key"), std::string::npos);
}

TEST(CredentialVault, RotationOpensOldBoxesWithThePreviousKey) {
  const CredentialVault old_vault(key_of(1));
  const auto sealed = old_vault.seal("s3cret");
  const CredentialVault rotated(key_of(2), {key_of(1)});
  EXPECT_NE(rotated.key_id(), old_vault.key_id());
  EXPECT_EQ(rotated.open(old_vault.key_id(), sealed).value(), "s3cret");
  EXPECT_EQ(rotated.open(rotated.key_id(), rotated.seal("new")).value(), "new");
}

TEST(CredentialVault, KeyFilesAreWrittenPrivateAndBadOnesNamed) {
  const std::string dir = test::temp_dir();
  ASSERT_TRUE(CredentialVault::write_key_file(dir + "/k"));
  EXPECT_EQ(std::filesystem::status(dir + "/k").permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  EXPECT_TRUE(CredentialVault::read_key_file(dir + "/k"));
  std::ofstream(dir + "/short") << "abcd\n";
  const auto bad = CredentialVault::read_key_file(dir + "/short");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find(dir + "/short"), std::string::npos);
  EXPECT_EQ(bad.error().message().find("abcd"), std::string::npos);  // never the contents
  EXPECT_FALSE(CredentialVault::read_key_file(dir + "/absent"));
  std::filesystem::remove_all(dir);
}

TEST(RegistryApiHost, NamesNormalizeAndNonRegistriesAreRefused) {
  EXPECT_EQ(registry_api_host("docker.io").value(), "registry-1.docker.io");
  EXPECT_EQ(registry_api_host("https://ghcr.io/").value(), "ghcr.io");
  EXPECT_EQ(registry_api_host("127.0.0.1:5000").value(), "127.0.0.1:5000");
  EXPECT_FALSE(registry_api_host("ghcr.io/team/app"));
  EXPECT_FALSE(registry_api_host(""));
  EXPECT_FALSE(registry_api_host("not a host"));
}

TEST(RateLimiter, ABurstThenTheRefillRateAndTenantsApart) {
  RateLimiter limiter(2, 4);
  const auto t0 = RateLimiter::Clock::now();
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(limiter.take(1, t0)) << i;
  const auto wait = limiter.take(1, t0);
  ASSERT_TRUE(wait);
  EXPECT_EQ(wait->count(), 500);
  EXPECT_FALSE(limiter.take(2, t0));  // another tenant has its own bucket
  EXPECT_FALSE(limiter.take(1, t0 + std::chrono::milliseconds(500)));
  EXPECT_TRUE(limiter.take(1, t0 + std::chrono::milliseconds(500)));
  EXPECT_FALSE(RateLimiter(0, 0).take(1, t0));  // 0: unlimited
}

}  // namespace
}  // namespace strata::coordinator
