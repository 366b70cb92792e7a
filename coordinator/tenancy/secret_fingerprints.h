// Secret fingerprints as one tenant sees them (issue 14, defect 13). A worker's fingerprint is
// SHA-256 over the rule and the secret — what `strata image` prints, so that an ignore file
// works the same in CI and in the cluster. Unkeyed, anyone holding a fingerprint can test
// guesses of the secret offline, and two tenants' reports show the same print for the same
// secret. The coordinator therefore gives each tenant its own: HMAC-SHA256 of the worker's
// fingerprint under a key derived from the operator's fingerprint secret and the tenant's id.
// Equal secrets still have equal prints within a tenant (its ignore files keep working), never
// across tenants, and no print can be checked without the operator's secret.
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"
#include "coordinator/store/tenant_id.h"

namespace strata::coordinator {

class SecretFingerprints {
 public:
  // `secret` empty: fingerprints are left as workers made them.
  explicit SecretFingerprints(std::string secret) : secret_(std::move(secret)) {}

  // The secret from `file` (its bytes, a trailing newline dropped), else STRATA_FINGERPRINT_SECRET;
  // "" when neither is set; at least 16 bytes.
  static Result<std::string> load(const std::string& file);

  bool keyed() const { return !secret_.empty(); }
  // The tenant's fingerprint for a worker's `fingerprint` (64 hex digits, as the worker's).
  std::string for_tenant(TenantId tenant, std::string_view fingerprint) const;

 private:
  std::string secret_;
};

}  // namespace strata::coordinator
