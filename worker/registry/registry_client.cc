#include "worker/api/registry_client.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <thread>

#include "common/image/reference.h"
#include "common/registry/credential_scope.h"
#include "common/registry/responses.h"
#include "common/percent_encode.h"

namespace strata::worker {
namespace {

constexpr int kMaxAuthRounds = 2;
constexpr std::size_t kMaxErrorBody = 64 << 10;
constexpr std::size_t kMaxListPage = 4 << 20;
constexpr int kMaxListPages = 10'000;
// A token is renewed this long before the server says it expires.
constexpr std::chrono::seconds kTokenMargin{10};
// A pull token handed to a worker has at least this long to live; else a fresh one is fetched.
constexpr std::chrono::seconds kTokenReuse{30};

constexpr std::string_view kManifestAccept =
    "Accept: application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.docker.distribution.manifest.v2+json, "
    "application/vnd.docker.distribution.manifest.v1+prettyjws;q=0.1, application/json;q=0.1";

// "MANIFEST_UNKNOWN: manifest unknown" from the registry's error document, or the status.
std::string describe(long status, HttpStream& response) {
  std::string what = "HTTP " + std::to_string(status);
  auto body = response.read_all(kMaxErrorBody);
  if (!body) return what;
  return what + describe_error_document(*body);
}

bool same_origin(std::string_view a, std::string_view b) {
  auto origin = [](std::string_view u) {
    const auto scheme = u.find("://");
    if (scheme == std::string_view::npos) return std::string_view();
    const auto path = u.find('/', scheme + 3);
    return u.substr(0, path);
  };
  return origin(a) == origin(b);
}

bool is_loopback_url(std::string_view url) {
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return false;
  const std::string_view rest = url.substr(scheme + 3);
  return is_loopback_registry(rest.substr(0, rest.find('/')));
}

// Streams one blob, resuming with a Range request from where a lost connection left it.
class RegistryBlobSource final : public ByteSource {
 public:
  RegistryBlobSource(RegistryClient& client, std::shared_ptr<RegistryClient::Permit> permit, std::string path,
                     std::string scope, std::uint64_t size, std::unique_ptr<HttpStream> first)
      : client_(client), permit_(std::move(permit)), path_(std::move(path)), scope_(std::move(scope)),
        size_(size), stream_(std::move(first)),
        allowed_(client.options().blob_deadline_base +
                 std::chrono::milliseconds(size * 1000 / std::max<std::uint64_t>(client.options().blob_min_bytes_per_second, 1))),
        deadline_(std::chrono::steady_clock::now() + allowed_) {}

  Result<std::size_t> read(std::span<std::byte> out) override {
    for (;;) {
      // A registry that drip-feeds a blob (a byte a second passes the stall detector) holds a
      // worker slot for ever; a whole blob gets a deadline scaled to its size, resumes included.
      if (std::chrono::steady_clock::now() > deadline_) {
        return fail(ErrorCode::kUnavailable, where() + ": the blob took longer than the " +
                                                 std::to_string((allowed_.count() + 999) / 1000) + " s allowed for " +
                                                 std::to_string(size_) + " bytes (" + std::to_string(offset_) +
                                                 " arrived)");
      }
      if (!stream_) {
        auto reopened = client_.send(path_, scope_, {"Range: bytes=" + std::to_string(offset_) + "-"});
        if (!reopened) return std::unexpected(reopened.error().with_context(resume_note()));
        stream_ = std::move(*reopened);
        // A server that ignores Range starts over: skip what was already delivered. One that
        // honours it must resume exactly where the bytes stopped.
        if (stream_->status() == 200 && offset_ > 0) {
          if (auto r = skip(offset_); !r) return std::unexpected(r.error());
        } else if (stream_->status() == 206) {
          const std::string range = stream_->header("content-range");
          if (!range.starts_with("bytes " + std::to_string(offset_) + "-")) {
            return fail(ErrorCode::kCorrupt, where() + ": asked to resume at byte " + std::to_string(offset_) +
                                                 ", the registry sent Content-Range '" + range + "'");
          }
        }
      }
      auto n = stream_->read(out);
      if (n && (*n > 0 || size_ == 0 || offset_ >= size_)) {
        offset_ += *n;
        // An endless body: more bytes than the descriptor promised are never a layer.
        if (size_ > 0 && offset_ > size_) {
          return fail(ErrorCode::kCorrupt, where() + ": the registry sent more than the descriptor's " +
                                               std::to_string(size_) + " bytes");
        }
        return n;
      }
      // A lost connection, or an end before the descriptor's size: resume if allowed.
      const std::string why = n ? "connection closed after " + std::to_string(offset_) + " of " + std::to_string(size_) + " bytes"
                                : n.error().message();
      if (resumes_ >= client_.options().max_resumes) {
        return fail(ErrorCode::kUnavailable, where() + ": " + why + " (gave up after " + std::to_string(resumes_) + " resumes)");
      }
      ++resumes_;
      stream_.reset();
      std::this_thread::sleep_for(client_.options().backoff);
    }
  }

 private:
  Result<void> skip(std::uint64_t bytes) {
    std::byte sink[16384];
    while (bytes > 0) {
      auto n = stream_->read(std::span(sink, std::min<std::uint64_t>(bytes, sizeof sink)));
      if (!n) return std::unexpected(n.error());
      if (*n == 0) return fail(ErrorCode::kCorrupt, where() + ": blob shorter on retry than before");
      bytes -= *n;
    }
    return {};
  }
  std::string where() const { return client_.registry() + path_; }
  std::string resume_note() const { return "resuming at byte " + std::to_string(offset_); }

  RegistryClient& client_;
  std::shared_ptr<RegistryClient::Permit> permit_;
  std::string path_;
  std::string scope_;
  std::uint64_t size_;
  std::uint64_t offset_ = 0;
  int resumes_ = 0;
  std::unique_ptr<HttpStream> stream_;
  std::chrono::milliseconds allowed_;
  std::chrono::steady_clock::time_point deadline_;
};

}  // namespace

class RegistryClient::Permit {
 public:
  explicit Permit(RegistryClient& client) : client_(client) {}
  ~Permit() { client_.release(); }
  Permit(const Permit&) = delete;
  Permit& operator=(const Permit&) = delete;

 private:
  RegistryClient& client_;
};

RegistryClient::RegistryClient(std::string registry, RegistryOptions options)
    : registry_(std::move(registry)), options_(std::move(options)) {
  const auto& insecure = options_.insecure_registries;
  plain_http_ = is_loopback_registry(registry_) || std::find(insecure.begin(), insecure.end(), registry_) != insecure.end();
  if (options_.max_concurrent == 0) options_.max_concurrent = 1;
}

std::shared_ptr<RegistryClient::Permit> RegistryClient::acquire() {
  std::unique_lock lock(mutex_);
  ++waiting_;
  slot_freed_.wait(lock, [&] { return in_flight_ < options_.max_concurrent; });
  --waiting_;
  ++in_flight_;
  return std::make_shared<Permit>(*this);
}

unsigned RegistryClient::waiting_for_slot() const {
  std::lock_guard lock(mutex_);
  return waiting_;
}

void RegistryClient::release() {
  {
    std::lock_guard lock(mutex_);
    --in_flight_;
  }
  slot_freed_.notify_one();
}

std::string RegistryClient::url(const std::string& path) const {
  return std::string(plain_http_ ? "http://" : "https://") + registry_ + path;
}

std::chrono::milliseconds RegistryClient::backoff(int attempt) const {
  auto wait = options_.backoff * (1LL << std::min(attempt - 1, 16));
  return std::min<std::chrono::milliseconds>(wait, options_.max_backoff);
}

std::optional<std::string> RegistryClient::authorization(const std::string& scope) {
  std::lock_guard lock(mutex_);
  if (!options_.given_authorization.empty() && !given_refused_) return "Authorization: " + options_.given_authorization;
  if (const auto it = tokens_.find(scope); it != tokens_.end() && std::chrono::steady_clock::now() < it->second.expires) {
    return "Authorization: Bearer " + it->second.value;
  }
  if (!basic_.empty()) return "Authorization: " + basic_;
  return std::nullopt;
}

Result<void> RegistryClient::authenticate(const AuthChallenge& challenge, const std::string& scope, bool already_sent) {
  if (!options_.given_authorization.empty()) {
    // A given token that is refused (it expired while the job waited) leaves the client to
    // authenticate as it would without one, with its own credentials if it has any.
    std::lock_guard lock(mutex_);
    if (!given_refused_) {
      given_refused_ = true;
      already_sent = false;
    }
  }
  std::string note;
  const auto found = find_credential(options_.credentials, registry_, &note);
  const std::string no_credentials =
      registry_ + " requires authentication and no credentials were found for it (give --username and "
                  "--password-stdin, set STRATA_REGISTRY_HOST, STRATA_REGISTRY_USERNAME and STRATA_REGISTRY_PASSWORD, or "
                  "docker login)" +
      (note.empty() ? "" : "; " + note);
  if (challenge.scheme == "basic") {
    if (!found) return fail(ErrorCode::kDenied, no_credentials);
    std::lock_guard lock(mutex_);
    if (already_sent && !basic_.empty()) {
      return fail(ErrorCode::kDenied, registry_ + " rejected the credentials from " + found->source);
    }
    basic_ = "Basic " + base64_encode(found->credential.username + ":" + found->credential.password);
    credential_source_ = found->source;
    return {};
  }
  if (challenge.scheme != "bearer") {
    return fail(ErrorCode::kUnsupported, registry_ + " asks for authentication scheme '" + challenge.scheme + "'");
  }
  const auto realm = challenge.params.find("realm");
  if (realm == challenge.params.end() || !(realm->second.starts_with("https://") || realm->second.starts_with("http://"))) {
    return fail(ErrorCode::kCorrupt, registry_ + ": bearer challenge without an http(s) realm");
  }
  if (already_sent) {
    // The registry refused a token it issued (revoked, or expired early by its clock): fetch a
    // fresh one. send() gives up if that one is refused too.
    std::lock_guard lock(mutex_);
    tokens_.erase(scope);
  }
  std::string token_url = realm->second;
  token_url += token_url.find('?') == std::string::npos ? '?' : '&';
  bool first = true;
  if (const auto service = challenge.params.find("service"); service != challenge.params.end()) {
    token_url += "service=" + percent_encode(service->second);
    first = false;
  }
  const auto asked = challenge.params.find("scope");
  const std::string want = asked != challenge.params.end() && !asked->second.empty() ? asked->second : scope;
  if (!want.empty()) token_url += std::string(first ? "" : "&") + "scope=" + percent_encode(want);
  HttpRequest request;
  request.url = token_url;
  request.allow_http = plain_http_ || is_loopback_url(token_url);
  request.public_addresses_only = options_.public_addresses_only;
  // The challenge names the token server; the registry's credentials go there only when it is
  // the registry's own host or domain, or one the operator trusts. Elsewhere the token is asked
  // for anonymously.
  const bool realm_trusted = realm_may_receive_credentials(registry_, realm->second, options_.trusted_realm_hosts);
  if (found && realm_trusted) {
    request.headers.push_back("Authorization: Basic " +
                              base64_encode(found->credential.username + ":" + found->credential.password));
  }
  const std::string where = "token server for " + registry_;
  Result<std::unique_ptr<HttpStream>> response = fail(ErrorCode::kUnavailable, "not tried");
  for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
    response = HttpStream::open(request, options_.timeouts);
    if (response && (*response)->status() != 429 && (*response)->status() < 500) break;
    if (attempt < options_.max_attempts) std::this_thread::sleep_for(backoff(attempt));
  }
  if (!response) return std::unexpected(response.error().with_context(where));
  const long status = (*response)->status();
  if (status == 401 || status == 403) {
    if (found && !realm_trusted) {
      return fail(ErrorCode::kDenied, registry_ + " sends clients to the token server " + url_host(realm->second) +
                                          ", outside its own domain; its credentials were not sent there");
    }
    return fail(ErrorCode::kDenied, found ? where + " rejected the credentials from " + found->source : no_credentials);
  }
  if (status != 200) return fail(ErrorCode::kUnavailable, where + ": " + describe(status, **response));
  auto body = (*response)->read_all(kMaxErrorBody);
  if (!body) return std::unexpected(body.error().with_context(where));
  auto token = parse_token_response(*body);
  if (!token) return std::unexpected(token.error().with_context(where));
  std::lock_guard lock(mutex_);
  const auto lifetime = std::max<std::chrono::seconds>(std::chrono::seconds(token->expires_in) - kTokenMargin, std::chrono::seconds(1));
  tokens_[scope] = Token{std::move(token->token), std::chrono::steady_clock::now() + lifetime};
  if (found) credential_source_ = found->source;
  return {};
}

Result<std::unique_ptr<HttpStream>> RegistryClient::send(const std::string& path, const std::string& scope,
                                                         std::vector<std::string> headers, bool head) {
  const std::string where = registry_ + path.substr(0, path.find('?'));
  std::string last = "not tried";
  int auth_rounds = 0;
  bool sent_auth = false;
  for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
    HttpRequest request;
    request.url = url(path);
    request.head = head;
    request.allow_http = plain_http_;
    request.public_addresses_only = options_.public_addresses_only;
    request.headers = headers;
    const auto auth = authorization(scope);
    if (auth) request.headers.push_back(*auth);
    sent_auth = auth.has_value();
    auto response = HttpStream::open(request, options_.timeouts);
    if (!response && response.error().code() == ErrorCode::kDenied) {
      return std::unexpected(response.error().with_context(registry_));  // a refused address: no retry
    }
    if (!response) {
      last = response.error().message();
      if (attempt < options_.max_attempts) std::this_thread::sleep_for(backoff(attempt));
      continue;
    }
    const long status = (*response)->status();
    if (status >= 200 && status < 300) return response;
    if (status == 401 && auth_rounds < kMaxAuthRounds) {
      ++auth_rounds;
      --attempt;  // answering a challenge is not a failed attempt
      auto challenge = parse_www_authenticate((*response)->header("www-authenticate"));
      if (!challenge) return fail(ErrorCode::kDenied, where + ": HTTP 401 without a usable challenge");
      if (auto r = authenticate(*challenge, scope, sent_auth); !r) return std::unexpected(r.error());
      continue;
    }
    if (status == 401) {
      std::string source;
      {
        std::lock_guard lock(mutex_);
        source = credential_source_;
      }
      return fail(ErrorCode::kDenied, where + ": refused after authenticating" +
                                          (source.empty() ? "" : " with the credentials from " + source) +
                                          " (" + describe(status, **response) + ")");
    }
    if (status == 403) return fail(ErrorCode::kDenied, where + ": access refused (" + describe(status, **response) + ")");
    if (status == 404) return fail(ErrorCode::kNotFound, where + ": " + describe(status, **response));
    if (status == 429 || status >= 500) {
      last = describe(status, **response);
      const long asked = (*response)->retry_after_seconds();
      const auto wait = asked > 0 ? std::chrono::milliseconds(std::min(asked, options_.max_retry_after_seconds) * 1000)
                                  : backoff(attempt);
      if (attempt < options_.max_attempts) std::this_thread::sleep_for(wait);
      continue;
    }
    return fail(ErrorCode::kUnavailable, where + ": " + describe(status, **response));
  }
  return fail(ErrorCode::kUnavailable,
              where + ": " + last + " (after " + std::to_string(options_.max_attempts) + " attempts)");
}

Result<FetchedManifest> RegistryClient::manifest(const std::string& repository, const std::string& reference,
                                                 const std::optional<Digest>& expected) {
  const auto permit = acquire();
  const std::string what = registry_ + "/" + repository + (reference.starts_with("sha256:") ? "@" : ":") + reference;
  auto response = send("/v2/" + repository + "/manifests/" + reference, "repository:" + repository + ":pull",
                       {std::string(kManifestAccept)});
  if (!response) return std::unexpected(response.error());
  auto body = (*response)->read_all(options_.max_manifest_bytes);
  if (!body) {
    if (body.error().code() == ErrorCode::kLimitExceeded) {
      return fail(ErrorCode::kLimitExceeded, what + ": manifest is larger than the limit of " +
                                                 std::to_string(options_.max_manifest_bytes) + " bytes");
    }
    return std::unexpected(body.error().with_context(what));
  }
  FetchedManifest out;
  out.bytes.resize(body->size());
  std::memcpy(out.bytes.data(), body->data(), body->size());
  out.digest = Sha256::of(out.bytes);
  std::string type = (*response)->header("content-type");
  out.media_type = type.substr(0, type.find(';'));
  while (!out.media_type.empty() && out.media_type.back() == ' ') out.media_type.pop_back();
  if (expected && out.digest != *expected) {
    return fail(ErrorCode::kDigestMismatch, what + ": manifest hashes to " + out.digest.to_string());
  }
  if (const std::string said = (*response)->header("docker-content-digest"); said.starts_with("sha256:")) {
    auto claimed = Digest::parse(said);
    if (!claimed) return fail(ErrorCode::kCorrupt, what + ": Docker-Content-Digest '" + said + "' is not a digest");
    if (*claimed != out.digest) {
      return fail(ErrorCode::kDigestMismatch, what + ": the registry says " + said + " but the manifest hashes to " +
                                                  out.digest.to_string());
    }
  }
  return out;
}

Result<std::vector<std::byte>> RegistryClient::blob_bytes(const std::string& repository, const Digest& digest,
                                                          std::uint64_t max_bytes) {
  const auto permit = acquire();
  const std::string what = registry_ + "/" + repository + "@" + digest.to_string();
  auto response = send("/v2/" + repository + "/blobs/" + digest.to_string(), "repository:" + repository + ":pull");
  if (!response) return std::unexpected(response.error());
  auto body = (*response)->read_all(max_bytes);
  if (!body) return std::unexpected(body.error().with_context(what));
  std::vector<std::byte> out(body->size());
  std::memcpy(out.data(), body->data(), body->size());
  if (const Digest actual = Sha256::of(out); actual != digest) {
    return fail(ErrorCode::kDigestMismatch, what + ": blob hashes to " + actual.to_string());
  }
  return out;
}

Result<std::unique_ptr<ByteSource>> RegistryClient::open_blob(const std::string& repository, const Digest& digest,
                                                              std::uint64_t size) {
  auto permit = acquire();
  const std::string path = "/v2/" + repository + "/blobs/" + digest.to_string();
  const std::string scope = "repository:" + repository + ":pull";
  auto response = send(path, scope);
  if (!response) return std::unexpected(response.error());
  return std::make_unique<RegistryBlobSource>(*this, std::move(permit), path, scope, size, std::move(*response));
}

Result<void> RegistryClient::has_blob(const std::string& repository, const Digest& digest) {
  const auto permit = acquire();
  auto response = send("/v2/" + repository + "/blobs/" + digest.to_string(), "repository:" + repository + ":pull", {},
                       /*head=*/true);
  if (!response) return std::unexpected(response.error());
  return {};
}

Result<std::vector<std::string>> RegistryClient::list(const std::string& first_path, const std::string& scope,
                                                      const char* field) {
  const auto permit = acquire();
  std::vector<std::string> out;
  std::string path = first_path;
  for (int page = 0; page < kMaxListPages && !path.empty(); ++page) {
    auto response = send(path, scope);
    if (!response) return std::unexpected(response.error());
    auto body = (*response)->read_all(kMaxListPage);
    if (!body) return std::unexpected(body.error().with_context(registry_ + path));
    if (auto page_read = append_listing_page(*body, field, options_.max_listed, out); !page_read) {
      return std::unexpected(page_read.error().with_context(registry_ + path));
    }
    path.clear();
    if (const auto next = next_link((*response)->header("link"))) {
      const std::string target = resolve_link(url(""), *next);
      // Paging stays on this registry: credentials are never sent where a Link points elsewhere.
      if (!same_origin(target, url("/"))) {
        return fail(ErrorCode::kCorrupt, registry_ + first_path + ": the next page is on another host (" + target + ")");
      }
      path = target.substr(url("").size());
    }
  }
  return out;
}

Result<std::vector<std::string>> RegistryClient::tags(const std::string& repository) {
  return list("/v2/" + repository + "/tags/list?n=100", "repository:" + repository + ":pull", "tags");
}

Result<std::vector<std::string>> RegistryClient::catalog() {
  auto repositories = list("/v2/_catalog?n=100", "registry:catalog:*", "repositories");
  if (!repositories && (repositories.error().code() == ErrorCode::kNotFound || repositories.error().code() == ErrorCode::kDenied)) {
    return std::unexpected(repositories.error().with_context(registry_ + " does not list its repositories to us (_catalog)"));
  }
  return repositories;
}

Result<std::string> RegistryClient::pull_authorization(const std::string& repository) {
  const std::string scope = "repository:" + repository + ":pull";
  {
    // A token still good for a while is handed out again without asking (each image of a fleet
    // scan asks for one).
    std::lock_guard lock(mutex_);
    const auto it = tokens_.find(scope);
    if (it != tokens_.end()) {
      if (std::chrono::steady_clock::now() + kTokenReuse < it->second.expires) return "Bearer " + it->second.value;
      tokens_.erase(it);  // about to expire: the request below draws a fresh challenge
    }
  }
  const auto permit = acquire();
  // Asking for one tag draws the challenge (and proves access) for the price of a small body.
  auto response = send("/v2/" + repository + "/tags/list?n=1", scope);
  if (!response) return std::unexpected(response.error());
  std::lock_guard lock(mutex_);
  if (const auto it = tokens_.find(scope); it != tokens_.end()) return "Bearer " + it->second.value;
  return basic_;
}

RegistryClients::RegistryClients(RegistryOptions options, std::map<std::string, RegistryCredential> own,
                                 std::shared_ptr<RegistryClients> fallback)
    : options_(std::move(options)), own_(std::move(own)), fallback_(std::move(fallback)) {}

std::shared_ptr<RegistryClient> RegistryClients::get(const std::string& registry) {
  const auto credential = own_.find(registry);
  if (fallback_ && credential == own_.end()) return fallback_->get(registry);
  std::lock_guard lock(mutex_);
  if (credential != own_.end()) {
    // This registry's client uses this credential and nothing else of the process's.
    auto& client = clients_[registry];
    if (!client) {
      RegistryOptions options = options_;
      options.credentials = CredentialSources{};
      options.credentials.explicit_credential = credential->second;
      options.credentials.explicit_registries = {registry};
      options.credentials.explicit_source = "the tenant's stored credentials";
      options.credentials.environment = false;
      options.credentials.docker_config = "-";
      options.credentials.only_registries = std::vector<std::string>{registry};
      client = std::make_shared<RegistryClient>(registry, std::move(options));
    }
    return client;
  }
  auto& client = clients_[registry];
  if (!client) client = std::make_shared<RegistryClient>(registry, options_);
  return client;
}

}  // namespace strata::worker
