#include "coordinator/tenancy/registry_credentials.h"

#include <nlohmann/json.hpp>

#include "common/image/reference.h"
#include "common/json_fields.h"
#include "coordinator/store/sql.h"
#include "coordinator/tenancy/reseal.h"

namespace strata::coordinator {

using sql::bytea_param;
using sql::bytea_value;
using sql::err;

namespace {

// The box's plaintext binds the credential to its row.
std::string plaintext(TenantId tenant, const std::string& registry, const RegistryCredential& c) {
  return nlohmann::json{{"tenant", tenant}, {"registry", registry}, {"username", c.username}, {"password", c.password}}
      .dump();
}

}  // namespace

Result<std::string> registry_api_host(std::string_view text) {
  std::string_view name = text;
  for (const std::string_view scheme : {"https://", "http://"}) {
    if (name.starts_with(scheme)) name.remove_prefix(scheme.size());
  }
  while (name.ends_with('/')) name.remove_suffix(1);
  if (name.empty() || name.find('/') != std::string_view::npos) {
    return fail(ErrorCode::kInvalidInput, "'" + std::string(text) + "' is not a registry's host[:port]");
  }
  auto parsed = parse_repository_name(name);
  if (!parsed || !parsed->repository.empty()) {
    return fail(ErrorCode::kInvalidInput, "'" + std::string(text) + "' is not a registry's host[:port]");
  }
  return parsed->registry;
}

Result<void> RegistryCredentials::put(TenantId tenant, const std::string& registry, const RegistryCredential& c) {
  if (!vault_) return fail(ErrorCode::kUnsupported, "this coordinator stores no registry credentials (no credentials key)");
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec(
      "INSERT INTO registry_credentials (tenant_id, registry, sealed, key_id) VALUES ($1, $2, $3::bytea, $4) "
      "ON CONFLICT (tenant_id, registry) DO UPDATE SET sealed = EXCLUDED.sealed, key_id = EXCLUDED.key_id, "
      "updated_at = now()",
      {std::to_string(tenant), registry, bytea_param(vault_->seal(plaintext(tenant, registry, c))), vault_->key_id()});
  if (!r) return err(r);
  return {};
}

Result<std::vector<StoredRegistry>> RegistryCredentials::list(TenantId tenant) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec("SELECT registry, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
                       "to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
                       "FROM registry_credentials WHERE tenant_id = $1 ORDER BY registry",
                       {std::to_string(tenant)});
  if (!r) return err(r);
  std::vector<StoredRegistry> out;
  for (int i = 0; i < r->rows(); ++i) {
    out.push_back({std::string(r->get(i, 0)), std::string(r->get(i, 1)), std::string(r->get(i, 2))});
  }
  return out;
}

Result<bool> RegistryCredentials::remove(TenantId tenant, const std::string& registry) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec("DELETE FROM registry_credentials WHERE tenant_id = $1 AND registry = $2",
                       {std::to_string(tenant), registry});
  if (!r) return err(r);
  return r->affected() > 0;
}

Result<RegistryCredential> RegistryCredentials::open(TenantId tenant, const std::string& registry,
                                                     const std::string& key_id, std::string_view sealed_hex) {
  const std::string where = "the stored credential of tenant " + std::to_string(tenant) + " for " + registry;
  const auto sealed = bytea_value(sealed_hex);
  if (!sealed) return fail(ErrorCode::kCorrupt, where + " is not a sealed value");
  auto plain = vault_->open(key_id, *sealed);
  if (!plain) return std::unexpected(plain.error().with_context(where));
  const auto doc = nlohmann::json::parse(*plain, nullptr, false);
  if (!doc.is_object() || !doc.contains("tenant") || !doc["tenant"].is_number_integer()) {
    return fail(ErrorCode::kCorrupt, where + " does not hold a credential");
  }
  // A box moved from another row opens (same key) but names its own tenant and registry.
  if (doc["tenant"].get<std::int64_t>() != tenant || json_fields::string_or(doc, "registry") != registry) {
    return fail(ErrorCode::kDenied, where + " was sealed for another row");
  }
  return RegistryCredential{json_fields::string_or(doc, "username"), json_fields::string_or(doc, "password")};
}

Result<std::optional<RegistryCredential>> RegistryCredentials::get(TenantId tenant, const std::string& registry) {
  if (!vault_) return std::optional<RegistryCredential>();
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec("SELECT key_id, sealed FROM registry_credentials WHERE tenant_id = $1 AND registry = $2",
                       {std::to_string(tenant), registry});
  if (!r) return err(r);
  if (r->rows() == 0) return std::optional<RegistryCredential>();
  auto c = open(tenant, registry, std::string(r->get(0, 0)), r->get(0, 1));
  if (!c) return err(c);
  return std::optional<RegistryCredential>(std::move(*c));
}

Result<std::map<std::string, RegistryCredential>> RegistryCredentials::all(TenantId tenant) {
  std::map<std::string, RegistryCredential> out;
  if (!vault_) return out;
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec("SELECT registry, key_id, sealed FROM registry_credentials WHERE tenant_id = $1",
                       {std::to_string(tenant)});
  if (!r) return err(r);
  for (int i = 0; i < r->rows(); ++i) {
    const std::string registry(r->get(i, 0));
    auto c = open(tenant, registry, std::string(r->get(i, 1)), r->get(i, 2));
    if (!c) return err(c);
    out.emplace(registry, std::move(*c));
  }
  return out;
}

Result<std::size_t> RegistryCredentials::rekey() {
  if (!vault_) return fail(ErrorCode::kInvalidInput, "rekeying needs the credentials key");
  return reseal_rows(pool_, *vault_, {"registry_credentials", "registry", "sealed"},
                     [&](TenantId tenant, const std::string& registry, const std::string& key_id,
                         std::string_view sealed) -> Result<std::string> {
                       auto c = open(tenant, registry, key_id, sealed);
                       if (!c) return std::unexpected(c.error());
                       return plaintext(tenant, registry, *c);
                     });
}

}  // namespace strata::coordinator
