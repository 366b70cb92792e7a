#include "coordinator/admin/commands.h"

#include <stdlib.h>

#include <charconv>
#include <filesystem>
#include <iostream>

#include "common/log.h"
#include "common/vulndb/feed_download.h"
#include "common/vulndb/feed_files.h"
#include "coordinator/feeds/pg_vuln_db.h"
#include "coordinator/store/migrations.h"
#include "coordinator/tenancy/audit_log.h"
#include "coordinator/tenancy/credential_vault.h"
#include "coordinator/notify/webhook_store.h"
#include "coordinator/tenancy/registry_credentials.h"
#include "coordinator/store/job_store.h"
#include "coordinator/tenancy/tenants.h"

namespace strata::coordinator::admin {
namespace {

int fail_with(const Error& e) {
  std::cerr << "strata-coordinator: error: " << e.message() << "\n";
  return 2;
}

// A migrated database and a one-connection pool on it.
struct Db {
  std::unique_ptr<PgPool> pool;
};

Result<Db> open_db(const std::string& url) {
  if (auto db = migrated(url); !db) return std::unexpected(db.error());
  return Db{std::make_unique<PgPool>(url, 1)};
}

// The tenant a name (or a numeric id) stands for.
Result<TenantId> find_tenant(Tenants& tenants, const std::string& name) {
  auto id = tenants.named(name);
  if (!id) return std::unexpected(id.error());
  if (*id) return **id;
  return fail(ErrorCode::kNotFound, "no tenant named '" + name + "' (strata-coordinator tenant list)");
}

Result<std::int64_t> parse_key_id(const std::string& text) {
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    return fail(ErrorCode::kInvalidInput, "'" + text + "' is not a key id (strata-coordinator key list TENANT)");
  }
  return id;
}

void audit(PgPool& pool, TenantId tenant, const std::string& action, const std::string& target) {
  AuditLog log(pool);
  if (auto r = log.record({0, tenant, std::nullopt, action, target, 0, "command line", {}}); !r) {
    std::cerr << "strata-coordinator: warning: the audit log did not record " << action << ": " << r.error().message()
              << "\n";
  }
}

void print_key(const KeyRow& k) {
  std::string scopes;
  for (const auto& s : scope_names(k.scopes)) scopes += (scopes.empty() ? "" : ",") + s;
  std::cout << k.id << "  " << k.prefix << "…  " << (k.name.empty() ? "-" : k.name) << "  " << scopes << "  created "
            << k.created_at << "  expires " << k.expires_at.value_or("never") << "  last used "
            << k.last_used_at.value_or("never")
            << (k.revoked_at ? "  revoked " + *k.revoked_at : std::string())
            << (k.replaced_by ? "  replaced by " + std::to_string(*k.replaced_by) : std::string()) << "\n";
}

Result<Scopes> parse_scopes(const std::vector<std::string>& words) {
  if (words.empty()) return Scopes{kScopeRead | kScopeScan};
  Scopes out = 0;
  for (const auto& w : words) {
    auto s = parse_scope(w);
    if (!s) return std::unexpected(s.error());
    out |= *s;
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<PgConnection>> migrated(const std::string& url) {
  if (url.empty()) {
    return fail(ErrorCode::kInvalidInput, "no PostgreSQL URL: pass --database-url or set STRATA_DATABASE_URL");
  }
  auto db = PgConnection::connect(url);
  if (!db) return std::unexpected(db.error());
  auto applied = apply_migrations(**db, builtin_migrations());
  if (!applied) return std::unexpected(applied.error());
  for (const auto& name : *applied) log_info("store", "applied migration " + name);
  return db;
}

int tenant_create(const std::string& url, const std::string& name) {
  auto db = open_db(url);
  if (!db) return fail_with(db.error());
  Tenants tenants(*db->pool);
  auto tenant = tenants.create(name);
  if (!tenant) return fail_with(tenant.error());
  audit(*db->pool, tenant->id, "tenant.create", name);
  std::cout << "tenant " << name << " (id " << tenant->id << ") created; its API key, shown only now:\n"
            << tenant->key << "\n";
  return 0;
}

int tenant_list(const std::string& url) {
  auto db = open_db(url);
  if (!db) return fail_with(db.error());
  Tenants tenants(*db->pool);
  auto rows = tenants.list();
  if (!rows) return fail_with(rows.error());
  for (const auto& t : *rows) std::cout << t.id << "  " << t.name << "  created " << t.created_at << "\n";
  return 0;
}

int tenant_quota(const std::string& url, const std::string& name, const QuotaOverrides& overrides,
                 const QuotaLimits& defaults) {
  auto db = open_db(url);
  if (!db) return fail_with(db.error());
  Tenants tenants(*db->pool);
  auto tenant = find_tenant(tenants, name);
  if (!tenant) return fail_with(tenant.error());
  Quotas quotas(*db->pool, defaults);
  const bool changing = overrides.scans_per_minute || overrides.images_per_scan || overrides.stored_images ||
                        overrides.bytes_pulled_per_day;
  if (changing) {
    if (auto r = quotas.set(*tenant, overrides); !r) return fail_with(r.error());
    audit(*db->pool, *tenant, "quota.set", name);
  }
  auto usage = quotas.usage(*tenant);
  if (!usage) return fail_with(usage.error());
  const QuotaLimits& l = usage->limits;
  std::cout << "scans per minute      " << l.scans_per_minute << " (used " << usage->scans_last_minute << ")\n"
            << "images per scan       " << l.images_per_scan << "\n"
            << "stored images         " << l.stored_images << " (used " << usage->stored_images << ")\n"
            << "bytes pulled per day  " << l.bytes_pulled_per_day << " (used " << usage->bytes_pulled_today << ")\n";
  return 0;
}

int key_create(const std::string& url, const std::string& name, const KeyOptions& options) {
  auto db = open_db(url);
  if (!db) return fail_with(db.error());
  Tenants tenants(*db->pool);
  auto tenant = find_tenant(tenants, name);
  if (!tenant) return fail_with(tenant.error());
  auto scopes = parse_scopes(options.scopes);
  if (!scopes) return fail_with(scopes.error());
  std::optional<std::chrono::seconds> lifetime;
  if (options.expires_days) lifetime = std::chrono::seconds(std::int64_t{*options.expires_days} * 86400);
  auto key = tenants.create_key(*tenant, options.name, *scopes, lifetime);
  if (!key) return fail_with(key.error());
  audit(*db->pool, *tenant, "key.create", "key " + std::to_string(key->row.id));
  print_key(key->row);
  std::cout << "its API key, shown only now:\n" << key->secret << "\n";
  return 0;
}

int key_list(const std::string& url, const std::string& name) {
  auto db = open_db(url);
  if (!db) return fail_with(db.error());
  Tenants tenants(*db->pool);
  auto tenant = find_tenant(tenants, name);
  if (!tenant) return fail_with(tenant.error());
  auto keys = tenants.keys(*tenant);
  if (!keys) return fail_with(keys.error());
  for (const auto& k : *keys) print_key(k);
  return 0;
}

int key_revoke(const std::string& url, const std::string& name, const std::string& key_text) {
  auto db = open_db(url);
  if (!db) return fail_with(db.error());
  Tenants tenants(*db->pool);
  auto tenant = find_tenant(tenants, name);
  if (!tenant) return fail_with(tenant.error());
  auto id = parse_key_id(key_text);
  if (!id) return fail_with(id.error());
  auto revoked = tenants.revoke_key(*tenant, *id);
  if (!revoked) return fail_with(revoked.error());
  if (!*revoked) return fail_with(Error(ErrorCode::kNotFound, "tenant " + name + " has no live key " + key_text));
  audit(*db->pool, *tenant, "key.revoke", "key " + key_text);
  std::cout << "revoked key " << key_text << " of tenant " << name << "\n";
  return 0;
}

int key_rotate(const std::string& url, const std::string& name, const std::string& key_text, const KeyOptions& options) {
  auto db = open_db(url);
  if (!db) return fail_with(db.error());
  Tenants tenants(*db->pool);
  auto tenant = find_tenant(tenants, name);
  if (!tenant) return fail_with(tenant.error());
  auto id = parse_key_id(key_text);
  if (!id) return fail_with(id.error());
  auto rotated = tenants.rotate_key(*tenant, *id, std::chrono::hours(options.grace_hours));
  if (!rotated) return fail_with(rotated.error());
  if (!*rotated) return fail_with(Error(ErrorCode::kNotFound, "tenant " + name + " has no live key " + key_text));
  audit(*db->pool, *tenant, "key.rotate", "key " + key_text + " -> key " + std::to_string((*rotated)->row.id));
  std::cout << "key " << key_text << (options.grace_hours == 0 ? " ends now" : " ends in " + std::to_string(options.grace_hours) + " hours")
            << "; its successor:\n";
  print_key((*rotated)->row);
  std::cout << "its API key, shown only now:\n" << (*rotated)->secret << "\n";
  return 0;
}

int quarantine_list(const std::string& url, unsigned quarantine_hours) {
  auto db = open_db(url);
  if (!db) return fail_with(db.error());
  JobStore jobs(*db->pool);
  auto rows = jobs.list_quarantines(std::chrono::seconds(std::uint64_t{quarantine_hours} * 3600));
  if (!rows) return fail_with(rows.error());
  for (const auto& q : *rows) {
    std::cout << q.diff_id << "  " << q.digest << "  failures " << q.failures << "  since " << q.quarantined_at
              << "  until " << q.expires_at << "  " << q.error << "\n";
  }
  return 0;
}

int quarantine_lift(const std::string& url, const std::string& diff_id) {
  auto db = open_db(url);
  if (!db) return fail_with(db.error());
  JobStore jobs(*db->pool);
  auto lifted = jobs.lift_quarantine(diff_id);
  if (!lifted) return fail_with(lifted.error());
  if (!*lifted) return fail_with(Error(ErrorCode::kNotFound, diff_id + " is not quarantined"));
  std::cout << "lifted the quarantine of " << diff_id << "\n";
  return 0;
}

int credentials_key(const std::string& path) {
  if (auto r = CredentialVault::write_key_file(path); !r) return fail_with(r.error());
  auto key = CredentialVault::read_key_file(path);
  if (!key) return fail_with(key.error());
  std::cout << "wrote a credentials key to " << path << " (id " << CredentialVault(*key).key_id()
            << "); keep it secret and backed up: stored registry credentials cannot be read without it\n";
  return 0;
}

int credentials_rekey(const std::string& url, const std::string& key_file, const std::vector<std::string>& previous) {
  auto vault = CredentialVault::load(key_file, previous);
  if (!vault) return fail_with(vault.error());
  if (!*vault) return fail_with(Error(ErrorCode::kInvalidInput, "rekeying needs the new key (--credentials-key-file)"));
  auto db = open_db(url);
  if (!db) return fail_with(db.error());
  RegistryCredentials stored(*db->pool, vault->get());
  auto n = stored.rekey();
  if (!n) return fail_with(n.error());
  WebhookStore webhooks(*db->pool, vault->get());
  auto hooks = webhooks.rekey();
  if (!hooks) return fail_with(hooks.error());
  std::cout << "sealed " << *n << " stored credentials and " << *hooks << " webhook secrets again under key "
            << (*vault)->key_id() << "\n";
  return 0;
}

int feeds_import(const std::string& url, const std::vector<std::string>& paths, std::size_t show_skipped) {
  auto db = open_db(url);
  if (!db) return fail_with(db.error());
  PgVulnDb feeds(*db->pool);
  auto imported = feeds.import(read_feed_paths(paths));
  if (!imported) return fail_with(imported.error());
  if (imported->generation == 0) {
    std::cout << "nothing changed (" << imported->unchanged << " records as stored): no new generation\n";
  } else {
    std::cout << "generation " << imported->generation << ": " << imported->records << " records added or changed, "
              << imported->unchanged << " unchanged, " << imported->changed.size() << " packages to rescan\n";
  }
  std::cout << skipped_summary(imported->skipped, show_skipped);
  return 0;
}

int feeds_update(const std::string& url, const std::string& mirror, const std::vector<std::string>& ecosystems,
                 int attempts, const std::string& download_dir, std::size_t show_skipped) {
  namespace fs = std::filesystem;
  fs::path dir = download_dir;
  const bool temporary = dir.empty();
  if (temporary) {
    char pattern[] = "/tmp/strata-feeds.XXXXXX";
    if (::mkdtemp(pattern) == nullptr) return fail_with(Error(ErrorCode::kUnavailable, "cannot make a directory under /tmp"));
    dir = pattern;
  }
  const auto fetched = download_osv_archives(mirror, ecosystems, dir, DownloadOptions{.attempts = attempts}, std::cout);
  for (const auto& e : fetched.errors) std::cerr << "strata-coordinator: error: " << e << "\n";
  int rc = fetched.archives.empty() ? 2 : feeds_import(url, fetched.archives, show_skipped);
  if (rc == 0 && !fetched.errors.empty()) rc = 2;
  if (temporary) {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  return rc;
}

}  // namespace strata::coordinator::admin
