// A client of one registry's OCI Distribution API: manifests (verified against the digest asked
// for or the one the registry returns), blobs streamed as ByteSources (digest checked by the
// layer stream; a dropped connection resumed with Range), tags/list and _catalog with paging.
// Authentication follows the registry's challenge: anonymous, HTTP basic, or the bearer token
// flow (realm, service, scope; a token reused until it expires). 429 and 5xx are retried with
// backoff, honouring Retry-After; at most `max_concurrent` requests are in flight at once.
// Thread-safe: one client per registry, shared by every thread that talks to it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/digest.h"
#include "common/registry/auth_challenge.h"
#include "worker/registry/credentials.h"
#include "worker/registry/http_stream.h"
#include "worker/source/byte_source.h"

namespace strata::worker {

struct RegistryOptions {
  CredentialSources credentials;
  std::vector<std::string> insecure_registries;  // reached over plain http (loopback always is)
  HttpTimeouts timeouts;
  int max_attempts = 5;                               // per request, for 429, 5xx and lost connections
  std::chrono::milliseconds backoff{500};             // doubled per attempt, up to max_backoff
  std::chrono::milliseconds max_backoff{30'000};
  long max_retry_after_seconds = 60;                  // a longer Retry-After is cut to this
  int max_resumes = 5;                                // Range resumes of one blob
  // A blob must arrive within base + size / rate (resumes included): drip-fed blobs end.
  std::chrono::milliseconds blob_deadline_base{120'000};
  std::uint64_t blob_min_bytes_per_second = 64 << 10;
  unsigned max_concurrent = 4;                        // requests in flight to this registry
  std::uint64_t max_manifest_bytes = 4 << 20;
  // An Authorization header value a coordinator gave with the job ("Bearer …" or "Basic …"):
  // sent first; if refused, the usual flow.
  std::string given_authorization;
  // Token servers outside the registry's own domain that may receive its credentials
  // (common/registry/credential_scope.h); by host name.
  std::vector<std::string> trusted_realm_hosts;
  // Entries one tags/list or _catalog listing may hold, over all its pages (issue 14, defect 8).
  std::size_t max_listed = 100'000;
  // Reach only public addresses (common/net/address_policy.h): on for registries a tenant
  // names, unless the operator allows private ones.
  bool public_addresses_only = false;
};

struct FetchedManifest {
  std::vector<std::byte> bytes;
  std::string media_type;  // the response's Content-Type, without parameters
  Digest digest;           // sha256 of `bytes`
};

class RegistryClient {
 public:
  RegistryClient(std::string registry, RegistryOptions options);
  RegistryClient(const RegistryClient&) = delete;
  RegistryClient& operator=(const RegistryClient&) = delete;

  const std::string& registry() const { return registry_; }
  bool plain_http() const { return plain_http_; }

  // `reference` is a tag or a digest; with `expected`, the bytes must hash to it.
  Result<FetchedManifest> manifest(const std::string& repository, const std::string& reference,
                                   const std::optional<Digest>& expected);
  // A small blob (an image config) read whole and checked against its digest.
  Result<std::vector<std::byte>> blob_bytes(const std::string& repository, const Digest& digest,
                                            std::uint64_t max_bytes);
  // A blob to stream; `size` (from the descriptor) tells a clean end from a cut one. The caller's
  // stream verifies the digest. The source talks through this client: it must not outlive it.
  Result<std::unique_ptr<ByteSource>> open_blob(const std::string& repository, const Digest& digest,
                                                std::uint64_t size);
  // Whether the registry serves the blob in `repository` (a HEAD): the proof that whoever named
  // this repository holds the layer. kNotFound when it does not.
  Result<void> has_blob(const std::string& repository, const Digest& digest);
  Result<std::vector<std::string>> tags(const std::string& repository);
  Result<std::vector<std::string>> catalog();
  // The Authorization header value for pulling `repository`, for a worker to send: "Bearer …"
  // (a token good for this repository only) or "Basic …" (the registry takes nothing else); ""
  // when the registry needs none.
  Result<std::string> pull_authorization(const std::string& repository);

  // One request with authentication and retries; a 2xx response, or an error naming the registry
  // and what was asked. Public for the blob source; callers hold a permit (see acquire()).
  Result<std::unique_ptr<HttpStream>> send(const std::string& path, const std::string& scope,
                                           std::vector<std::string> headers = {}, bool head = false);

  // Waits for one of the `max_concurrent` request slots; the slot is freed when the result dies.
  class Permit;
  std::shared_ptr<Permit> acquire();
  // Requests waiting for a slot now.
  unsigned waiting_for_slot() const;

  const RegistryOptions& options() const { return options_; }

 private:
  struct Token {
    std::string value;
    std::chrono::steady_clock::time_point expires;
  };
  Result<void> authenticate(const AuthChallenge& challenge, const std::string& scope, bool already_sent);
  std::optional<std::string> authorization(const std::string& scope);
  std::string url(const std::string& path) const;
  Result<std::vector<std::string>> list(const std::string& first_path, const std::string& scope, const char* field);
  std::chrono::milliseconds backoff(int attempt) const;
  void release();

  std::string registry_;
  RegistryOptions options_;
  bool plain_http_ = false;

  mutable std::mutex mutex_;
  std::condition_variable slot_freed_;
  unsigned in_flight_ = 0;
  unsigned waiting_ = 0;
  std::map<std::string, Token> tokens_;  // by scope
  std::string basic_;                     // "Basic …" once the registry asked for it
  bool given_refused_ = false;            // options_.given_authorization was tried and refused
  std::string credential_source_;         // where the credential came from, for messages
};

// One client per registry for a whole run, all made with the same options; or, for one tenant of
// a coordinator, clients with the tenant's own credentials for some registries and `fallback`'s
// clients for every other.
class RegistryClients {
 public:
  explicit RegistryClients(RegistryOptions options) : options_(std::move(options)) {}
  RegistryClients(RegistryOptions options, std::map<std::string, RegistryCredential> own,
                  std::shared_ptr<RegistryClients> fallback);
  std::shared_ptr<RegistryClient> get(const std::string& registry);

 private:
  RegistryOptions options_;
  std::map<std::string, RegistryCredential> own_;  // by API host
  std::shared_ptr<RegistryClients> fallback_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<RegistryClient>> clients_;
};

}  // namespace strata::worker
