// Tenants and their API keys. A key is "stk_" and 48 hex digits, shown once when it is made;
// only its SHA-256 is stored. Each key has scopes (what it may do), may expire, and may be
// revoked or rotated (a new key with the same name and scopes; the old one ends at once or after
// a grace period, so that a deployment can switch without an outage).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "coordinator/store/pg.h"
#include "coordinator/store/tenant_id.h"

namespace strata::coordinator {

// What a key may do: a set of these bits.
enum Scope : std::uint8_t {
  kScopeRead = 1,   // GET scans, images, inventories, the audit log, quotas
  kScopeScan = 2,   // submit scans
  kScopeAdmin = 4,  // manage keys, registry credentials, secret rules
};
using Scopes = std::uint8_t;
constexpr Scopes kAllScopes = kScopeRead | kScopeScan | kScopeAdmin;

// "read", "scan", "admin" → the bit; an error naming the word otherwise.
Result<Scope> parse_scope(std::string_view word);
// {"read","scan"} as PostgreSQL's array literal and as a list.
std::vector<std::string> scope_names(Scopes scopes);

// Who is calling: the tenant, the key's id and what the key may do.
struct Caller {
  TenantId tenant = 0;
  std::int64_t key_id = 0;
  Scopes scopes = 0;
};

struct KeyRow {
  std::int64_t id = 0;
  std::string name;
  std::string prefix;  // the key's first characters, to recognise it
  Scopes scopes = 0;
  std::string created_at;
  std::optional<std::string> expires_at;
  std::optional<std::string> last_used_at;
  std::optional<std::string> revoked_at;
  std::optional<std::int64_t> replaced_by;
};

struct NewKey {
  KeyRow row;
  std::string secret;  // the key itself, shown once
};

struct TenantRow {
  TenantId id = 0;
  std::string name;
  std::string created_at;
};

struct NewTenant {
  TenantId id = 0;
  std::string key;  // a key with every scope, shown once
};

class Tenants {
 public:
  explicit Tenants(PgPool& pool) : pool_(pool) {}

  // A tenant and its first key (every scope, named "initial").
  Result<NewTenant> create(const std::string& name);
  Result<std::optional<TenantId>> named(const std::string& name);
  Result<std::vector<TenantRow>> list();

  // `lifetime` unset: the key does not expire.
  Result<NewKey> create_key(TenantId tenant, const std::string& name, Scopes scopes,
                            std::optional<std::chrono::seconds> lifetime);
  Result<std::vector<KeyRow>> keys(TenantId tenant);
  // False when the tenant has no such key or it was revoked already.
  Result<bool> revoke_key(TenantId tenant, std::int64_t key_id);
  // A new key like `key_id`; the old one stops working after `grace` (0: now). Nothing when the
  // tenant has no such live key.
  Result<std::optional<NewKey>> rotate_key(TenantId tenant, std::int64_t key_id, std::chrono::seconds grace);

  // The caller a key stands for; nothing when it is unknown, revoked or expired.
  Result<std::optional<Caller>> authenticate(const std::string& key);

 private:
  PgPool& pool_;
};

}  // namespace strata::coordinator
