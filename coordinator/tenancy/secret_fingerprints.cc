#include "coordinator/tenancy/secret_fingerprints.h"

#include <sodium.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace strata::coordinator {
namespace {

std::string hmac_sha256(std::string_view key, std::string_view message) {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()), message.size());
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&state, mac);
  return std::string(reinterpret_cast<const char*>(mac), sizeof mac);
}

}  // namespace

Result<std::string> SecretFingerprints::load(const std::string& file) {
  std::string secret;
  std::string where = "STRATA_FINGERPRINT_SECRET";
  if (!file.empty()) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return fail(ErrorCode::kNotFound, "cannot read the fingerprint secret file " + file);
    std::ostringstream text;
    text << in.rdbuf();
    secret = text.str();
    where = "the fingerprint secret file " + file;
  } else if (const char* env = std::getenv("STRATA_FINGERPRINT_SECRET"); env != nullptr) {
    secret = env;
  }
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  if (!secret.empty() && secret.size() < 16) return fail(ErrorCode::kInvalidInput, where + " holds fewer than 16 bytes");
  return secret;
}

std::string SecretFingerprints::for_tenant(TenantId tenant, std::string_view fingerprint) const {
  if (secret_.empty()) return std::string(fingerprint);
  const std::string tenant_key = hmac_sha256(secret_, "strata:fingerprint:v1:tenant:" + std::to_string(tenant));
  const std::string mac = hmac_sha256(tenant_key, fingerprint);
  char hex[crypto_auth_hmacsha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, reinterpret_cast<const unsigned char*>(mac.data()), mac.size());
  return hex;
}

}  // namespace strata::coordinator
