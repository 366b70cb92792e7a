#include "coordinator/tenancy/tenants.h"

#include "common/digest.h"
#include "coordinator/store/random_hex.h"

namespace strata::coordinator {
namespace {

constexpr const char* kTime = "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'";

std::string utc(const std::string& column) { return "to_char(" + column + " AT TIME ZONE 'UTC', " + kTime + ")"; }

// bytea literal in hex form, as a parameter value.
std::string key_hash(const std::string& key) { return "\\x" + Sha256::of(std::as_bytes(std::span(key))).hex(); }

std::string scopes_literal(Scopes scopes) {
  std::string out = "{";
  for (const auto& name : scope_names(scopes)) out += (out.size() > 1 ? "," : "") + name;
  return out + "}";
}

// PostgreSQL's text form of a TEXT[]: {read,scan}.
Scopes parse_scopes_literal(std::string_view text) {
  Scopes out = 0;
  if (text.size() >= 2) text = text.substr(1, text.size() - 2);
  while (!text.empty()) {
    const auto comma = text.find(',');
    if (auto s = parse_scope(text.substr(0, comma))) out |= *s;
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
  }
  return out;
}

const std::string kKeyColumns = "id, name, prefix, scopes, " + utc("created_at") + ", " + utc("expires_at") + ", " +
                                utc("last_used_at") + ", " + utc("revoked_at") + ", replaced_by";

KeyRow key_row(const PgResult& r, int i) {
  KeyRow k;
  k.id = r.integer(i, 0);
  k.name = std::string(r.get(i, 1));
  k.prefix = std::string(r.get(i, 2));
  k.scopes = parse_scopes_literal(r.get(i, 3));
  k.created_at = std::string(r.get(i, 4));
  k.expires_at = r.optional(i, 5);
  k.last_used_at = r.optional(i, 6);
  k.revoked_at = r.optional(i, 7);
  if (!r.null(i, 8)) k.replaced_by = r.integer(i, 8);
  return k;
}

template <class T>
std::unexpected<Error> err(const Result<T>& r) {
  return std::unexpected(r.error());
}

// Inserts a key for `tenant` on `db` (inside the caller's transaction, if any).
Result<NewKey> insert_key(PgConnection& db, TenantId tenant, const std::string& name, Scopes scopes,
                          std::optional<std::chrono::seconds> lifetime) {
  if ((scopes & kAllScopes) == 0 || (scopes & ~kAllScopes) != 0) {
    return fail(ErrorCode::kInvalidInput, "a key needs at least one scope of read, scan, admin");
  }
  if (name.size() > 200) return fail(ErrorCode::kInvalidInput, "a key's name is at most 200 characters");
  auto secret = random_hex(24);
  if (!secret) return err(secret);
  NewKey out;
  out.secret = "stk_" + *secret;
  const PgParam expires = lifetime ? PgParam(std::to_string(lifetime->count())) : std::nullopt;
  auto r = db.exec("INSERT INTO api_keys (tenant_id, key_sha256, prefix, name, scopes, expires_at) "
                   "VALUES ($1, $2::bytea, $3, $4, $5::text[], now() + make_interval(secs => $6::bigint)) "
                   "RETURNING " + kKeyColumns,
                   {std::to_string(tenant), key_hash(out.secret), out.secret.substr(0, 12), name,
                    scopes_literal(scopes), expires});
  if (!r) return err(r);
  out.row = key_row(*r, 0);
  return out;
}

}  // namespace

Result<Scope> parse_scope(std::string_view word) {
  if (word == "read") return kScopeRead;
  if (word == "scan") return kScopeScan;
  if (word == "admin") return kScopeAdmin;
  return fail(ErrorCode::kInvalidInput, "unknown scope '" + std::string(word) + "' (known: read, scan, admin)");
}

std::vector<std::string> scope_names(Scopes scopes) {
  std::vector<std::string> out;
  if (scopes & kScopeRead) out.emplace_back("read");
  if (scopes & kScopeScan) out.emplace_back("scan");
  if (scopes & kScopeAdmin) out.emplace_back("admin");
  return out;
}

Result<NewTenant> Tenants::create(const std::string& name) {
  if (name.empty() || name.size() > 200) return fail(ErrorCode::kInvalidInput, "a tenant's name is 1 to 200 characters");
  auto db = pool_.acquire();
  if (!db) return err(db);
  NewTenant out;
  auto r = in_transaction(**db, [&]() -> Result<void> {
    auto t = (*db)->exec("INSERT INTO tenants (name) VALUES ($1) ON CONFLICT (name) DO NOTHING RETURNING id", {name});
    if (!t) return err(t);
    if (t->rows() == 0) return fail(ErrorCode::kInvalidInput, "tenant '" + name + "' exists already");
    out.id = t->integer(0, 0);
    auto key = insert_key(**db, out.id, "initial", kAllScopes, std::nullopt);
    if (!key) return err(key);
    out.key = key->secret;
    return {};
  });
  if (!r) return std::unexpected(r.error());
  return out;
}

Result<std::optional<TenantId>> Tenants::named(const std::string& name) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec("SELECT id FROM tenants WHERE name = $1", {name});
  if (!r) return err(r);
  if (r->rows() == 0) return std::optional<TenantId>();
  return std::optional<TenantId>(r->integer(0, 0));
}

Result<std::vector<TenantRow>> Tenants::list() {
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec("SELECT id, name, " + utc("created_at") + " FROM tenants ORDER BY id");
  if (!r) return err(r);
  std::vector<TenantRow> out;
  for (int i = 0; i < r->rows(); ++i) out.push_back({r->integer(i, 0), std::string(r->get(i, 1)), std::string(r->get(i, 2))});
  return out;
}

Result<NewKey> Tenants::create_key(TenantId tenant, const std::string& name, Scopes scopes,
                                   std::optional<std::chrono::seconds> lifetime) {
  if (lifetime && lifetime->count() <= 0) return fail(ErrorCode::kInvalidInput, "a key's lifetime must be positive");
  auto db = pool_.acquire();
  if (!db) return err(db);
  return insert_key(**db, tenant, name, scopes, lifetime);
}

Result<std::vector<KeyRow>> Tenants::keys(TenantId tenant) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec("SELECT " + kKeyColumns + " FROM api_keys WHERE tenant_id = $1 ORDER BY id",
                       {std::to_string(tenant)});
  if (!r) return err(r);
  std::vector<KeyRow> out;
  for (int i = 0; i < r->rows(); ++i) out.push_back(key_row(*r, i));
  return out;
}

Result<bool> Tenants::revoke_key(TenantId tenant, std::int64_t key_id) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec("UPDATE api_keys SET revoked_at = now() WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL",
                       {std::to_string(tenant), std::to_string(key_id)});
  if (!r) return err(r);
  return r->affected() > 0;
}

Result<std::optional<NewKey>> Tenants::rotate_key(TenantId tenant, std::int64_t key_id, std::chrono::seconds grace) {
  if (grace.count() < 0) return fail(ErrorCode::kInvalidInput, "a rotation's grace period cannot be negative");
  auto db = pool_.acquire();
  if (!db) return err(db);
  std::optional<NewKey> out;
  auto r = in_transaction(**db, [&]() -> Result<void> {
    // FOR UPDATE: two rotations of one key at once make one successor, not two.
    auto old = (*db)->exec("SELECT name, scopes, extract(epoch FROM expires_at - created_at)::bigint FROM api_keys "
                           "WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL AND replaced_by IS NULL "
                           "AND (expires_at IS NULL OR expires_at > now()) FOR UPDATE",
                           {std::to_string(tenant), std::to_string(key_id)});
    if (!old) return err(old);
    if (old->rows() == 0) return {};
    // The successor lives as long as its predecessor was meant to.
    std::optional<std::chrono::seconds> lifetime;
    if (!old->null(0, 2)) lifetime = std::chrono::seconds(std::max<std::int64_t>(1, old->integer(0, 2)));
    auto key = insert_key(**db, tenant, std::string(old->get(0, 0)), parse_scopes_literal(old->get(0, 1)), lifetime);
    if (!key) return err(key);
    auto ended = (*db)->exec(
        "UPDATE api_keys SET replaced_by = $3, expires_at = LEAST(COALESCE(expires_at, 'infinity'), "
        "now() + make_interval(secs => $4::bigint)), revoked_at = CASE WHEN $4::bigint = 0 THEN now() END "
        "WHERE tenant_id = $1 AND id = $2",
        {std::to_string(tenant), std::to_string(key_id), std::to_string(key->row.id), std::to_string(grace.count())});
    if (!ended) return err(ended);
    out = std::move(*key);
    return {};
  });
  if (!r) return std::unexpected(r.error());
  return out;
}

Result<std::optional<Caller>> Tenants::authenticate(const std::string& key) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec(
      "SELECT id, tenant_id, scopes, last_used_at IS NULL OR last_used_at < now() - interval '1 minute' "
      "FROM api_keys WHERE key_sha256 = $1::bytea AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())",
      {key_hash(key)});
  if (!r) return err(r);
  if (r->rows() == 0) return std::optional<Caller>();
  Caller caller{r->integer(0, 1), r->integer(0, 0), parse_scopes_literal(r->get(0, 2))};
  // Last use to the minute: a write per minute per key, not per request.
  if (r->get(0, 3) == "t") {
    (void)(*db)->exec("UPDATE api_keys SET last_used_at = now() WHERE id = $1", {std::to_string(caller.key_id)});
  }
  return std::optional<Caller>(caller);
}

}  // namespace strata::coordinator
