// strata-coordinator: the cluster's scheduler, HTTP API and store. Configuration by flags, by
// STRATA_* environment variables, or by a TOML/INI file (--config), in that order of precedence.
//
//   strata-coordinator serve                       run (the default)
//   strata-coordinator migrate                     apply the SQL migrations and exit
//   strata-coordinator tenant create|list|quota    tenants; `create` prints the first API key last
//   strata-coordinator key create|list|revoke|rotate TENANT ...   a tenant's API keys
//   strata-coordinator keys DIR --name N           a CURVE key pair for the worker channel
//   strata-coordinator credentials-key FILE        the key that seals tenants' registry credentials
//   strata-coordinator registry-credentials rekey  seal them again under a new key
//   strata-coordinator quarantine list|lift        layers quarantined after verified failures
#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>
#include <thread>

#include "common/ecosystems.h"
#include "common/log.h"
#include "coordinator/admin/commands.h"
#include "coordinator/api/http_api.h"
#include "coordinator/dispatch/curve_auth.h"
#include "coordinator/dispatch/dispatcher.h"
#include "coordinator/feeds/feed_watcher.h"
#include "coordinator/feeds/pg_vuln_db.h"
#include "coordinator/feeds/rescanner.h"
#include "coordinator/notify/webhook_sender.h"
#include "coordinator/notify/webhook_store.h"
#include "coordinator/store/event_store.h"
#include "coordinator/store/finding_query.h"
#include "coordinator/store/fleet_queries.h"
#include "coordinator/store/fleet_stats.h"
#include "coordinator/store/fleet_stats_refresher.h"
#include "common/vulndb/feed_download.h"
#include "coordinator/scan/scan_runner.h"
#include "coordinator/store/job_log.h"
#include "coordinator/store/migrations.h"
#include "coordinator/store/job_store.h"
#include "coordinator/store/scan_store.h"
#include "coordinator/tenancy/credential_vault.h"
#include "worker/api/analyzer_registry.h"
#include "common/cache/layer_cache.h"
#include "common/wire/curve_key.h"

namespace strata::coordinator {
namespace {

std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop.store(true); }

struct Options {
  std::string database_url;
  std::string redis_url;
  std::string redis_ca_file;
  std::string vulndb;
  ApiConfig api;
  std::string worker_bind = "tcp://127.0.0.1:7601";
  unsigned assemblers = 2;
  unsigned lease_seconds = 300;
  unsigned worker_timeout_ms = 5000;
  unsigned heartbeat_ms = 1000;
  unsigned cache_ttl_hours = 14 * 24;
  std::uint64_t max_entry_mib = 64;
  std::uint64_t max_layer_gib = 32;
  std::vector<std::string> insecure_registries;
  std::vector<std::string> oci_roots;
  bool allow_private_registries = false;
  unsigned quarantine_hours = 24;
  std::string cache_secret_file;
  std::string curve_key_file;
  std::string authorized_workers_dir;
  std::vector<std::string> credential_registries;
  std::string credentials_key_file;
  std::string fingerprint_secret_file;
  std::size_t max_images_in_flight = 256;
  unsigned listing_threads = 4;
  std::vector<std::string> previous_credentials_keys;
  QuotaLimits quotas;
  unsigned feed_poll_ms = 5000;
  std::size_t rescan_chunk = 2000;
  std::size_t rescan_connections = 2;
  unsigned rescan_give_way_ms = 1000;
  unsigned webhook_retry_ms = 2000;
  unsigned fleet_stats_max_age_s = 60;
  unsigned fleet_stats_interval_ms = 10000;
  bool allow_private_webhooks = false;
};

int fail_with(const Error& e) {
  std::cerr << "strata-coordinator: error: " << e.message() << "\n";
  return 2;
}

int serve(const Options& o) {
  if (auto db = admin::migrated(o.database_url); !db) return fail_with(db.error());
  PgPool pool(o.database_url, o.assemblers + 6);
  ScanStore scans(pool);
  JobStore jobs(pool);
  const std::chrono::seconds quarantine_for(std::uint64_t{o.quarantine_hours} * 3600);
  auto quarantined = jobs.quarantined_layers(quarantine_for);
  if (!quarantined) return fail_with(quarantined.error());
  auto max_job = jobs.max_job_id();
  if (!max_job) return fail_with(max_job.error());

  MetricsRegistry metrics;
  const std::uint64_t analyzer_set = worker::builtin_analyzers().set_version();
  WalkLimits limits;
  limits.max_entry_bytes = o.max_entry_mib << 20;
  limits.stream.max_uncompressed_bytes = o.max_layer_gib << 30;
  LayerCacheConfig cache_config;
  cache_config.url = o.redis_url;
  cache_config.ca_file = o.redis_ca_file;
  auto secret = load_cache_secret(o.cache_secret_file);
  if (!secret) return fail_with(secret.error());
  if (!o.redis_url.empty() && secret->empty()) {
    return fail_with(Error(ErrorCode::kInvalidInput, "--redis needs the cluster's cache secret (--cache-secret-file or "
                                                     "STRATA_CACHE_SECRET), the same on the coordinator and every worker"));
  }
  cache_config.secret = std::move(*secret);
  cache_config.ttl_seconds = o.cache_ttl_hours * 3600;
  LayerCache cache(cache_config, metrics);
  if (!cache.enabled()) log_warn("cache", "no Redis URL: every layer is analysed on every scan");

  JobLog job_log(jobs);
  DispatcherConfig dc;
  dc.bind = o.worker_bind;
  dc.scheduler.lease = std::chrono::seconds(o.lease_seconds);
  dc.scheduler.quarantine_for = quarantine_for;
  if (o.curve_key_file.empty() != o.authorized_workers_dir.empty()) {
    return fail_with(Error(ErrorCode::kInvalidInput, "--curve-key and --authorized-workers go together"));
  }
  if (!o.curve_key_file.empty()) {
    auto key = read_curve_key(o.curve_key_file);
    if (!key) return fail_with(key.error());
    auto workers = read_authorized_keys(o.authorized_workers_dir);
    if (!workers) return fail_with(workers.error());
    dc.curve_secret_key = *key;
    dc.authorized_workers = std::move(*workers);
  }
  dc.scheduler.worker_timeout = std::chrono::milliseconds(o.worker_timeout_ms);
  dc.heartbeat = std::chrono::milliseconds(o.heartbeat_ms);
  dc.limits = limits;
  dc.cache_ttl_seconds = cache_config.ttl_seconds;
  dc.analyzer_set = analyzer_set;
  Dispatcher dispatcher(dc, metrics, &job_log, *max_job + 1, *quarantined);
  if (auto r = dispatcher.start(); !r) return fail_with(r.error());

  // Registry credentials come from the coordinator's environment or Docker config; workers only
  // ever see short-lived pull tokens.
  worker::RegistryOptions registry_options;
  registry_options.insecure_registries = o.insecure_registries;
  registry_options.public_addresses_only = !o.allow_private_registries;
  // The coordinator's own credentials (environment, Docker config) serve every tenant's scans of
  // a registry, so they are used only where the operator said so; elsewhere scans are anonymous.
  registry_options.credentials.only_registries = o.credential_registries;
  // Tenants' own registry credentials, sealed under the operator's key.
  auto vault = CredentialVault::load(o.credentials_key_file, o.previous_credentials_keys);
  if (!vault) return fail_with(vault.error());
  if (!*vault) log_warn("api", "no credentials key (--credentials-key-file): tenants cannot store registry credentials");
  RegistryCredentials stored_credentials(pool, vault->get());
  Tenants tenants(pool);
  AuditLog audit(pool);
  Quotas quotas(pool, o.quotas);
  SecretRulesStore secret_rules(pool);
  auto fingerprint_secret = SecretFingerprints::load(o.fingerprint_secret_file);
  if (!fingerprint_secret) return fail_with(fingerprint_secret.error());
  const SecretFingerprints fingerprints(*fingerprint_secret);
  if (!fingerprints.keyed()) {
    log_warn("scan", "no fingerprint secret (--fingerprint-secret-file): secret fingerprints are the same for every "
                     "tenant and can be checked against guesses");
  }
  ScanRunnerConfig runner_config;
  runner_config.threads = o.assemblers;
  // The feed store in PostgreSQL (`feeds import`), kept current by rescans; or, on one machine,
  // a SQLite file `strata db` wrote, which nothing rescans.
  PgVulnDb feed_store(pool);
  if (o.vulndb.empty()) {
    runner_config.vulndb = [&feed_store]() -> Result<VulnDb*> { return &feed_store; };
  } else {
    runner_config.vulndb = sqlite_per_thread(o.vulndb);
    log_info("scan", "matching with " + o.vulndb + "; images are not rescanned when it changes (the feed store is "
                     "used without --db)");
  }
  runner_config.limits = limits;
  runner_config.analyzer_set = analyzer_set;
  runner_config.registries = std::make_shared<TenantRegistries>(registry_options, &stored_credentials);
  runner_config.quotas = &quotas;
  runner_config.secret_rules = &secret_rules;
  runner_config.fingerprints = &fingerprints;
  runner_config.max_images_in_flight = o.max_images_in_flight;
  runner_config.listing_threads = o.listing_threads;
  runner_config.max_images_per_scan = o.api.max_images_per_scan;
  runner_config.oci_roots = o.oci_roots;
  ScanRunner runner(runner_config, scans, cache, dispatcher, metrics);

  // Rescans after every feed generation (with the feed store only).
  FeedWatcher watcher({.database_url = o.database_url, .poll = std::chrono::milliseconds(o.feed_poll_ms),
                       .documents_per_batch = 50},
                      metrics);
  RescanConfig rescan_config;
  rescan_config.analyzer_set = analyzer_set;
  rescan_config.pairs_per_chunk = o.rescan_chunk;
  rescan_config.apply_connections = o.rescan_connections;
  rescan_config.give_way.at_most = std::chrono::milliseconds(o.rescan_give_way_ms);
  rescan_config.stop = watcher.stop_flag();
  rescan_config.progress = watcher.progress();
  rescan_config.scan_created = [&scans, &runner](TenantId tenant, const std::string& id) {
    if (auto scan = scans.scan(tenant, id); scan && *scan) runner.submit(**scan);
  };
  Rescanner rescanner(pool, feed_store, scans, rescan_config);
  EventStore events(pool);
  WebhookStore webhooks(pool, vault->get());
  // Deliveries hold a connection while a receiver answers: their own, so that receivers that
  // stall never leave the API waiting for one.
  PgPool delivery_pool(o.database_url, 6);
  EventStore delivery_events(delivery_pool);
  WebhookStore delivery_webhooks(delivery_pool, vault->get());
  WebhookSender sender({.poll = std::chrono::milliseconds(500), .retry_base = std::chrono::milliseconds(o.webhook_retry_ms),
                        .timeout = std::chrono::seconds(5), .threads = 4, .events_per_batch = 100,
                        .allow_private_addresses = o.allow_private_webhooks},
                       delivery_webhooks, delivery_events, metrics);

  ApiConfig api_config = o.api;
  api_config.oci_roots = o.oci_roots;
  FindingQueries finding_queries(pool);
  // The fleet's aggregates: counted on a request when older than the maximum age and stale, and
  // between requests by the refresher, over a connection of its own (a count of a large tenant
  // holds one for as long as it reads every open finding).
  FleetStats fleet_stats(pool, std::chrono::seconds(o.fleet_stats_max_age_s));
  FleetQueries fleet_queries(pool, fleet_stats);
  PgPool stats_pool(o.database_url, 1);
  FleetStats background_stats(stats_pool, std::chrono::seconds(o.fleet_stats_max_age_s));
  FleetStatsRefresher refresher(background_stats, std::chrono::milliseconds(o.fleet_stats_interval_ms));
  HttpApi api(api_config, scans, runner, tenants, audit, quotas, stored_credentials, secret_rules, finding_queries,
              fleet_queries, metrics,
              {.documents = o.vulndb.empty() ? &rescanner : nullptr, .events = &events, .webhooks = &webhooks});
  auto port = api.start();
  if (!port) return fail_with(port.error());

  // Scans acknowledged before a restart resume where they stopped.
  auto unfinished = scans.unfinished_scans();
  if (!unfinished) return fail_with(unfinished.error());
  for (const auto& scan : *unfinished) runner.submit(scan);
  if (!unfinished->empty()) log_info("scan", "resuming " + std::to_string(unfinished->size()) + " unfinished scans");
  if (o.vulndb.empty()) watcher.start(rescanner);
  sender.start();
  refresher.start();

  while (!g_stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  log_info("coordinator", "stopping: no new requests; unfinished scans resume at the next start");
  api.stop();
  watcher.stop();
  sender.stop();
  refresher.stop();
  runner.stop();
  dispatcher.stop();
  job_log.stop();
  log_info("coordinator", "stopped");
  return 0;
}

}  // namespace
}  // namespace strata::coordinator

int main(int argc, char** argv) {
  using namespace strata::coordinator;
  Options o;
  CLI::App app("strata-coordinator: schedules layer analysis across workers and serves scan results");
  app.set_version_flag("--version", "strata-coordinator 0.1.0");
  app.set_config("--config", "", "read options from this TOML or INI file");
  app.add_option("--database-url", o.database_url, "PostgreSQL URL (postgresql://USER@HOST:PORT/DB)")
      ->envname("STRATA_DATABASE_URL");
  CLI::App* serve_cmd = app.add_subcommand("serve", "run the coordinator (the default)");
  serve_cmd->add_option("--redis", o.redis_url, "Redis URL of the layer cache (rediss:// for TLS); none: uncached")
      ->envname("STRATA_REDIS_URL");
  serve_cmd->add_option("--redis-ca-file", o.redis_ca_file,
                        "for a rediss:// layer cache: the CA that signed its certificate; default: the system's CAs")
      ->envname("STRATA_REDIS_CA_FILE");
  serve_cmd->add_option("--curve-key", o.curve_key_file,
                        "the coordinator's CURVE secret key (from `keys`): the worker channel is encrypted and only "
                        "workers whose public keys are in --authorized-workers may connect")
      ->envname("STRATA_CURVE_KEY");
  serve_cmd->add_option("--authorized-workers", o.authorized_workers_dir,
                        "a directory of worker public keys (*.pub) the coordinator admits")
      ->envname("STRATA_AUTHORIZED_WORKERS");
  serve_cmd->add_option("--cache-secret-file", o.cache_secret_file,
                        "the cluster's cache secret (else STRATA_CACHE_SECRET): every cached analysis carries a MAC "
                        "under it, and entries that fail the check are ignored");
  serve_cmd->add_option("--db", o.vulndb,
                        "match with this SQLite file (from `strata db`) instead of the PostgreSQL feed store "
                        "(`feeds import`); nothing is rescanned when it changes");
  serve_cmd->add_option("--webhook-retry-ms", o.webhook_retry_ms,
                        "the first wait before a failed webhook batch is sent again; it doubles each time, to 10 min")
      ->check(CLI::Range(10u, 600'000u))
      ->capture_default_str();
  serve_cmd->add_flag("--allow-private-webhooks", o.allow_private_webhooks,
                      "let webhooks reach loopback, private and link-local addresses (off by default, as for registries)");
  serve_cmd->add_option("--rescan-chunk", o.rescan_chunk,
                        "changed (ecosystem, package) pairs a rescan applies per transaction; a rescan cut short "
                        "resumes at its last whole chunk")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}))
      ->capture_default_str();
  serve_cmd->add_option("--rescan-connections", o.rescan_connections,
                        "PostgreSQL connections that write a rescan's changes at the same time, each for a share of "
                        "the changed packages")
      ->check(CLI::Range(std::size_t{1}, std::size_t{16}))
      ->capture_default_str();
  serve_cmd->add_option("--rescan-give-way-ms", o.rescan_give_way_ms,
                        "longest a rescan waits, before each of its statements, for interactive scans under way "
                        "(0: never waits)")
      ->check(CLI::Range(0u, 60'000u))
      ->capture_default_str();
  serve_cmd->add_option("--fleet-stats-max-age", o.fleet_stats_max_age_s,
                        "seconds the fleet's aggregates (summary, top vulnerabilities, images by risk, top layers) "
                        "may lag the findings before a request counts them again itself")
      ->check(CLI::Range(0u, 86'400u))
      ->capture_default_str();
  serve_cmd->add_option("--fleet-stats-interval-ms", o.fleet_stats_interval_ms,
                        "how often the fleet's aggregates of tenants whose findings changed are counted again")
      ->check(CLI::Range(100u, 3'600'000u))
      ->capture_default_str();
  serve_cmd->add_option("--feed-poll-ms", o.feed_poll_ms,
                        "how often to look for a new feed generation besides its notification")
      ->check(CLI::Range(100u, 3'600'000u))
      ->capture_default_str();
  serve_cmd->add_option("--http-host", o.api.host, "API address")->envname("STRATA_HTTP_HOST")->capture_default_str();
  serve_cmd->add_option("--http-port", o.api.port, "API port; 0 picks a free one")->envname("STRATA_HTTP_PORT")->capture_default_str();
  serve_cmd->add_option("--worker-bind", o.worker_bind, "ZeroMQ address workers connect to")
      ->envname("STRATA_WORKER_BIND")
      ->capture_default_str();
  serve_cmd->add_option("--insecure-registry", o.insecure_registries,
                        "a registry reached over plain http (loopback always is); repeatable")
      ->envname("STRATA_INSECURE_REGISTRIES");
  serve_cmd->add_option("--oci-root", o.oci_roots,
                        "a directory under which tenants may name oci: layouts (shared storage); repeatable. "
                        "None by default: tenants name registry images only")
      ->envname("STRATA_OCI_ROOTS");
  serve_cmd->add_option("--credentials-for", o.credential_registries,
                        "a registry (API host[:port]) whose scans may use this coordinator's own credentials, for "
                        "every tenant; repeatable. None by default: tenants' scans are anonymous")
      ->envname("STRATA_CREDENTIALS_FOR");
  serve_cmd->add_flag("--allow-private-registries", o.allow_private_registries,
                      "let tenants name registries at loopback, private and link-local addresses (off by default: "
                      "a tenant could otherwise reach this network's internal services)");
  serve_cmd->add_option("--assemblers", o.assemblers, "threads that plan, match and store images")
      ->envname("STRATA_ASSEMBLERS")
      ->check(CLI::Range(1u, 256u))
      ->capture_default_str();
  serve_cmd->add_option("--lease-seconds", o.lease_seconds, "a layer job's lease, extended by heartbeats")
      ->envname("STRATA_LEASE_SECONDS")
      ->capture_default_str();
  serve_cmd->add_option("--worker-timeout-ms", o.worker_timeout_ms, "silence after which a worker's jobs are re-queued")
      ->envname("STRATA_WORKER_TIMEOUT_MS")
      ->capture_default_str();
  serve_cmd->add_option("--heartbeat-ms", o.heartbeat_ms, "how often workers report")
      ->envname("STRATA_HEARTBEAT_MS")
      ->capture_default_str();
  serve_cmd->add_option("--cache-ttl-hours", o.cache_ttl_hours, "lifetime of a cached layer analysis")
      ->envname("STRATA_CACHE_TTL_HOURS")
      ->capture_default_str();
  serve_cmd->add_option("--max-body-bytes", o.api.max_body_bytes, "largest API request body")
      ->envname("STRATA_MAX_BODY_BYTES")
      ->capture_default_str();
  serve_cmd->add_option("--max-entry-mib", o.max_entry_mib, "largest file read from a layer")->capture_default_str();
  serve_cmd->add_option("--max-layer-gib", o.max_layer_gib, "largest uncompressed layer")->capture_default_str();
  serve_cmd->add_option("--quarantine-hours", o.quarantine_hours,
                        "how long a layer whose verified bytes keep failing stays quarantined")
      ->capture_default_str();
  serve_cmd->add_option("--tls-cert", o.api.tls_cert_file, "serve the API over TLS with this PEM certificate (chain)")
      ->envname("STRATA_TLS_CERT");
  serve_cmd->add_option("--tls-key", o.api.tls_key_file, "the TLS certificate's PEM private key")->envname("STRATA_TLS_KEY");
  serve_cmd->add_option("--operator-host", o.api.operator_host, "the operator's listener (/metrics, /healthz)")
      ->envname("STRATA_OPERATOR_HOST")
      ->capture_default_str();
  serve_cmd->add_option("--operator-port", o.api.operator_port, "its port; 0 picks a free one, -1 turns it off")
      ->envname("STRATA_OPERATOR_PORT")
      ->capture_default_str();
  serve_cmd->add_option("--http-threads", o.api.connections.threads, "threads serving API connections")
      ->check(CLI::Range(1u, 4096u))
      ->capture_default_str();
  serve_cmd->add_option("--http-max-queued", o.api.connections.max_queued,
                        "API connections that may wait for a thread; more are refused")
      ->capture_default_str();
  serve_cmd->add_option("--http-max-per-address", o.api.connections.max_per_address,
                        "API connections one client address may hold; 0: unlimited (behind a proxy)")
      ->capture_default_str();
  int header_deadline_ms = static_cast<int>(o.api.connections.header_deadline.count());
  int body_deadline_ms = static_cast<int>(o.api.connections.body_deadline.count());
  serve_cmd->add_option("--http-header-deadline-ms", header_deadline_ms,
                        "a request's head (and TLS handshake) must arrive whole within this")
      ->check(CLI::Range(100, 600'000))
      ->capture_default_str();
  serve_cmd->add_option("--http-body-deadline-ms", body_deadline_ms, "and its body within this after the head")
      ->check(CLI::Range(100, 3'600'000))
      ->capture_default_str();
  serve_cmd->add_option("--http-read-timeout", o.api.read_timeout_seconds,
                        "seconds a request may pause while it is being received")
      ->check(CLI::Range(1, 300))
      ->capture_default_str();
  serve_cmd->add_option("--max-images-in-flight", o.max_images_in_flight,
                        "images planned and not yet stored, at most; the rest of accepted scans wait their turn")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100'000}))
      ->capture_default_str();
  serve_cmd->add_option("--listing-threads", o.listing_threads,
                        "threads listing scans' repositories and registries (tenants in turn), apart from the API's")
      ->check(CLI::Range(1u, 256u))
      ->capture_default_str();
  serve_cmd->add_option("--requests-per-second", o.api.requests_per_second,
                        "each tenant's API requests per second (a burst of twice that); 0: unlimited")
      ->capture_default_str();
  serve_cmd->add_option("--credentials-key-file", o.credentials_key_file,
                        "the key that seals tenants' registry credentials (else STRATA_CREDENTIALS_KEY); none: tenants "
                        "cannot store credentials")
      ->envname("STRATA_CREDENTIALS_KEY_FILE");
  serve_cmd->add_option("--fingerprint-secret-file", o.fingerprint_secret_file,
                        "the secret that makes each tenant's secret fingerprints its own (else "
                        "STRATA_FINGERPRINT_SECRET); none: fingerprints as `strata image` prints them")
      ->envname("STRATA_FINGERPRINT_SECRET_FILE");
  serve_cmd->add_option("--previous-credentials-key-file", o.previous_credentials_keys,
                        "a former credentials key, still accepted for reading while rows are rekeyed; repeatable");
  auto quota_flags = [&o](CLI::App* cmd, QuotaOverrides* overrides) {
    if (overrides == nullptr) {
      cmd->add_option("--quota-scans-per-minute", o.quotas.scans_per_minute, "default scans per minute per tenant")
          ->capture_default_str();
      cmd->add_option("--quota-images-per-scan", o.quotas.images_per_scan, "default images per scan")->capture_default_str();
      cmd->add_option("--quota-stored-images", o.quotas.stored_images, "default images a tenant may store")
          ->capture_default_str();
      cmd->add_option("--quota-bytes-pulled-per-day", o.quotas.bytes_pulled_per_day,
                      "default layer bytes a tenant's scans may pull per UTC day")
          ->capture_default_str();
      return;
    }
    cmd->add_option("--scans-per-minute", overrides->scans_per_minute, "this tenant's scans per minute");
    cmd->add_option("--images-per-scan", overrides->images_per_scan, "this tenant's images per scan");
    cmd->add_option("--stored-images", overrides->stored_images, "images this tenant may store");
    cmd->add_option("--bytes-pulled-per-day", overrides->bytes_pulled_per_day, "layer bytes per UTC day");
  };
  quota_flags(serve_cmd, nullptr);
  app.add_subcommand("migrate", "apply the SQL migrations and exit");
  CLI::App* keys_cmd = app.add_subcommand("keys", "make a CURVE key pair: DIR/NAME.key (secret) and DIR/NAME.pub");
  std::string keys_dir;
  std::string keys_name = "coordinator";
  keys_cmd->add_option("dir", keys_dir, "where to write them")->required();
  keys_cmd->add_option("--name", keys_name, "the pair's name (coordinator, or a worker's)")->capture_default_str();
  CLI::App* quarantine_cmd = app.add_subcommand("quarantine", "layers quarantined after verified failures");
  quarantine_cmd->require_subcommand(1);
  quarantine_cmd->add_option("--quarantine-hours", o.quarantine_hours, "as for serve")->capture_default_str();
  CLI::App* list_cmd = quarantine_cmd->add_subcommand("list", "print the quarantined layers, one a line");
  std::string lift_diff_id;
  CLI::App* lift_cmd = quarantine_cmd->add_subcommand("lift", "end a layer's quarantine now (running coordinators "
                                                              "see it within seconds)");
  lift_cmd->add_option("diff_id", lift_diff_id, "the layer's diff_id (sha256:…)")->required();

  CLI::App* tenant_cmd = app.add_subcommand("tenant", "manage tenants");
  tenant_cmd->require_subcommand(1);
  std::string tenant_name;
  CLI::App* create_cmd = tenant_cmd->add_subcommand("create", "make a tenant and print its first API key (once)");
  create_cmd->add_option("name", tenant_name, "the tenant's name")->required();
  CLI::App* tenant_list_cmd = tenant_cmd->add_subcommand("list", "print every tenant");
  QuotaOverrides overrides;
  CLI::App* quota_cmd = tenant_cmd->add_subcommand("quota", "print a tenant's quotas and usage; set them with flags");
  quota_cmd->add_option("name", tenant_name, "the tenant")->required();
  quota_flags(quota_cmd, &overrides);

  CLI::App* key_cmd = app.add_subcommand("key", "manage a tenant's API keys");
  key_cmd->require_subcommand(1);
  admin::KeyOptions key_options;
  std::string key_id;
  CLI::App* key_create_cmd = key_cmd->add_subcommand("create", "make a key and print it (once)");
  key_create_cmd->add_option("tenant", tenant_name, "the tenant")->required();
  key_create_cmd->add_option("--name", key_options.name, "what the key is for");
  key_create_cmd->add_option("--scope", key_options.scopes, "read, scan or admin; repeatable (default: read and scan)");
  key_create_cmd->add_option("--expires-days", key_options.expires_days, "the key stops working after this many days");
  CLI::App* key_list_cmd = key_cmd->add_subcommand("list", "print a tenant's keys (never the secrets)");
  key_list_cmd->add_option("tenant", tenant_name, "the tenant")->required();
  CLI::App* key_revoke_cmd = key_cmd->add_subcommand("revoke", "stop a key working now");
  key_revoke_cmd->add_option("tenant", tenant_name, "the tenant")->required();
  key_revoke_cmd->add_option("id", key_id, "the key's id (key list)")->required();
  CLI::App* key_rotate_cmd = key_cmd->add_subcommand("rotate", "make a successor with the same name and scopes");
  key_rotate_cmd->add_option("tenant", tenant_name, "the tenant")->required();
  key_rotate_cmd->add_option("id", key_id, "the key's id (key list)")->required();
  key_rotate_cmd->add_option("--grace-hours", key_options.grace_hours, "the old key keeps working this long")
      ->capture_default_str();

  std::string credentials_key_path;
  CLI::App* credentials_key_cmd =
      app.add_subcommand("credentials-key", "write a new key that seals tenants' registry credentials (mode 0600)");
  credentials_key_cmd->add_option("file", credentials_key_path, "where to write it")->required();
  CLI::App* rc_cmd = app.add_subcommand("registry-credentials", "tenants' stored registry credentials");
  rc_cmd->require_subcommand(1);
  CLI::App* rekey_cmd = rc_cmd->add_subcommand("rekey", "seal every stored credential and webhook secret again under the current key");
  rekey_cmd->add_option("--credentials-key-file", o.credentials_key_file, "the new key (else STRATA_CREDENTIALS_KEY)");
  rekey_cmd->add_option("--previous-credentials-key-file", o.previous_credentials_keys, "a former key; repeatable");
  std::vector<std::string> feed_paths;
  std::size_t show_skipped = 20;
  CLI::App* feeds_cmd = app.add_subcommand("feeds", "the cluster's vulnerability feeds, in PostgreSQL");
  feeds_cmd->require_subcommand(1);
  CLI::App* feeds_import_cmd = feeds_cmd->add_subcommand(
      "import", "import OSV JSON (files, directories, all.zip), Alpine secdb JSON, the Debian tracker JSON and "
                "DSA/DLA lists as one generation (none when nothing changed)");
  feeds_import_cmd->add_option("paths", feed_paths, "files or directories")->required();
  feeds_import_cmd->add_option("--show-skipped", show_skipped, "skipped records to list")->capture_default_str();
  std::string feeds_mirror = strata::kOsvMirror;
  std::vector<std::string> feeds_ecosystems = strata::default_osv_archives();
  int feeds_attempts = 4;
  std::string feeds_download_dir;
  CLI::App* feeds_update_cmd = feeds_cmd->add_subcommand(
      "update", "download the OSV archives of the chosen ecosystems and import them as one generation");
  feeds_update_cmd->add_option("--mirror", feeds_mirror, "base URL serving ECOSYSTEM/all.zip (an internal mirror for "
                                                          "air-gapped sites)")
      ->capture_default_str();
  feeds_update_cmd->add_option("--ecosystem", feeds_ecosystems, "OSV ecosystems to fetch (repeatable)")->capture_default_str();
  feeds_update_cmd->add_option("--attempts", feeds_attempts, "tries per archive, with backoff, on network errors, 5xx and 429")
      ->check(CLI::Range(1, 10))
      ->capture_default_str();
  feeds_update_cmd->add_option("--download-dir", feeds_download_dir,
                               "keep the archives here (default: a temporary directory, removed afterwards)");
  feeds_update_cmd->add_option("--show-skipped", show_skipped, "skipped records to list")->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  o.api.connections.header_deadline = std::chrono::milliseconds(header_deadline_ms);
  o.api.connections.body_deadline = std::chrono::milliseconds(body_deadline_ms);
  if (app.got_subcommand("migrate")) {
    auto db = admin::migrated(o.database_url);
    return db ? 0 : fail_with(db.error());
  }
  if (keys_cmd->parsed()) {
    auto key = write_key_pair(keys_dir, keys_name);
    if (!key) return fail_with(key.error());
    std::cout << keys_dir << "/" << keys_name << ".key (secret) and " << keys_dir << "/" << keys_name
              << ".pub: " << *key << "\n";
    return 0;
  }
  if (list_cmd->parsed()) return admin::quarantine_list(o.database_url, o.quarantine_hours);
  if (lift_cmd->parsed()) return admin::quarantine_lift(o.database_url, lift_diff_id);
  if (create_cmd->parsed()) return admin::tenant_create(o.database_url, tenant_name);
  if (tenant_list_cmd->parsed()) return admin::tenant_list(o.database_url);
  if (quota_cmd->parsed()) return admin::tenant_quota(o.database_url, tenant_name, overrides, o.quotas);
  if (key_create_cmd->parsed()) return admin::key_create(o.database_url, tenant_name, key_options);
  if (key_list_cmd->parsed()) return admin::key_list(o.database_url, tenant_name);
  if (key_revoke_cmd->parsed()) return admin::key_revoke(o.database_url, tenant_name, key_id);
  if (key_rotate_cmd->parsed()) return admin::key_rotate(o.database_url, tenant_name, key_id, key_options);
  if (credentials_key_cmd->parsed()) return admin::credentials_key(credentials_key_path);
  if (feeds_import_cmd->parsed()) return admin::feeds_import(o.database_url, feed_paths, show_skipped);
  if (feeds_update_cmd->parsed()) {
    return admin::feeds_update(o.database_url, feeds_mirror, feeds_ecosystems, feeds_attempts, feeds_download_dir, show_skipped);
  }
  if (rekey_cmd->parsed()) {
    return admin::credentials_rekey(o.database_url, o.credentials_key_file, o.previous_credentials_keys);
  }
  std::signal(SIGTERM, on_signal);
  std::signal(SIGINT, on_signal);
  std::signal(SIGPIPE, SIG_IGN);
  return serve(o);
}
