#include "coordinator/notify/webhook_sender.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/socket.h>

#include <array>
#include <cstring>

#include "common/log.h"
#include "common/net/address_policy.h"

namespace strata::coordinator {
namespace {

struct SocketPolicy {
  bool public_only = false;
  std::string refused;  // why the address was refused
};

curl_socket_t open_socket(void* policy_ptr, curlsocktype, curl_sockaddr* address) {
  auto* policy = static_cast<SocketPolicy*>(policy_ptr);
  if (policy->public_only) {
    std::string reason = "not an internet address";
    if (address->family == AF_INET && address->addrlen >= sizeof(sockaddr_in)) {
      std::array<std::uint8_t, 4> bytes;
      std::memcpy(bytes.data(), &reinterpret_cast<const sockaddr_in*>(&address->addr)->sin_addr, 4);
      reason = non_public_reason_v4(bytes);
    } else if (address->family == AF_INET6 && address->addrlen >= sizeof(sockaddr_in6)) {
      std::array<std::uint8_t, 16> bytes;
      std::memcpy(bytes.data(), &reinterpret_cast<const sockaddr_in6*>(&address->addr)->sin6_addr, 16);
      reason = non_public_reason_v6(bytes);
    }
    if (!reason.empty()) {
      policy->refused = reason;
      return CURL_SOCKET_BAD;
    }
  }
  return ::socket(address->family, address->socktype, address->protocol);
}

std::size_t discard(char*, std::size_t size, std::size_t n, void*) { return size * n; }

}  // namespace

std::string webhook_signature(const std::string& secret, const std::string& body) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), reinterpret_cast<const unsigned char*>(body.data()),
       body.size(), mac.data(), &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "sha256=";
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[mac[i] >> 4];
    out += kHex[mac[i] & 15];
  }
  return out;
}

std::string webhook_url_problem(const std::string& url) {
  CURLU* parsed = curl_url();
  const CURLUcode rc = curl_url_set(parsed, CURLUPART_URL, url.c_str(), 0);
  std::string problem;
  if (rc != CURLUE_OK) {
    problem = "is not a URL";
  } else {
    char* scheme = nullptr;
    char* host = nullptr;
    char* user = nullptr;
    curl_url_get(parsed, CURLUPART_SCHEME, &scheme, 0);
    curl_url_get(parsed, CURLUPART_HOST, &host, 0);
    curl_url_get(parsed, CURLUPART_USER, &user, 0);
    if (scheme == nullptr || (std::strcmp(scheme, "https") != 0 && std::strcmp(scheme, "http") != 0)) {
      problem = "must be http:// or https://";
    } else if (host == nullptr || *host == '\0') {
      problem = "names no host";
    } else if (user != nullptr) {
      problem = "must not carry user information (sign with the secret instead)";
    }
    curl_free(scheme);
    curl_free(host);
    curl_free(user);
  }
  curl_url_cleanup(parsed);
  return problem;
}

WebhookSender::WebhookSender(WebhookSenderConfig config, WebhookStore& store, EventStore& events, MetricsRegistry& m)
    : config_(config),
      store_(store),
      events_(events),
      delivered_(m.counter("strata_webhook_deliveries_total", "Webhook batches a receiver took")),
      failed_(m.counter("strata_webhook_failures_total", "Webhook batch attempts that failed (tried again later)")) {}

void WebhookSender::start() {
  for (unsigned i = 0; i < std::max(1u, config_.threads); ++i) threads_.emplace_back([this, i] { run(/*fills=*/i == 0); });
}

void WebhookSender::stop() {
  stopping_.store(true);
  for (auto& t : threads_) t.join();
  threads_.clear();
}

Result<void> WebhookSender::send(const WebhookDelivery& d) const {
  CURL* easy = curl_easy_init();
  if (easy == nullptr) return fail(ErrorCode::kInternal, "libcurl failed to initialize");
  SocketPolicy policy{!config_.allow_private_addresses, {}};
  curl_slist* headers = nullptr;
  for (const std::string& h : {std::string("Content-Type: application/json"), "X-Strata-Webhook: " + d.webhook_id,
                               "X-Strata-Delivery: " + std::to_string(d.id),
                               "X-Strata-Signature: " + webhook_signature(d.secret, d.body)}) {
    headers = curl_slist_append(headers, h.c_str());
  }
  std::array<char, CURL_ERROR_SIZE> error{};
  curl_easy_setopt(easy, CURLOPT_URL, d.url.c_str());
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(easy, CURLOPT_POST, 1L);
  curl_easy_setopt(easy, CURLOPT_POSTFIELDS, d.body.data());
  curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(d.body.size()));
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT, static_cast<long>(config_.timeout.count()));
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &discard);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error.data());
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &open_socket);
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, &policy);
  const CURLcode rc = curl_easy_perform(easy);
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(easy);
  if (!policy.refused.empty()) {
    return fail(ErrorCode::kDenied, "the receiver is at a " + policy.refused + " address; webhooks reach public ones only");
  }
  if (rc != CURLE_OK) return fail(ErrorCode::kUnavailable, error[0] ? error.data() : curl_easy_strerror(rc));
  if (status < 200 || status > 299) return fail(ErrorCode::kUnavailable, "the receiver answered HTTP " + std::to_string(status));
  return {};
}

void WebhookSender::run(bool fills) {
  while (!stopping_.load()) {
    if (fills) {
      if (auto queued = store_.fill_outbox(events_, config_.events_per_batch); !queued) {
        log_warn("webhook", "queuing events failed (tried again shortly): " + queued.error().message());
      }
    }
    // Batches one at a time while any is due, so that a stop is seen between two of them.
    bool any_due = true;
    while (any_due && !stopping_.load()) {
      auto outcome = store_.deliver_next(
          [this](const WebhookDelivery& d) {
            auto sent = send(d);
            if (!sent) {
              failed_.inc();
              log_warn("webhook", "tenant " + std::to_string(d.tenant) + " webhook " + d.webhook_id + " batch " +
                                      std::to_string(d.id) + " (attempt " + std::to_string(d.attempts + 1) +
                                      "): " + sent.error().message());
            }
            return sent;
          },
          config_.retry_base, in_flight_);
      if (!outcome) log_warn("webhook", "delivering failed (tried again shortly): " + outcome.error().message());
      any_due = outcome && outcome->has_value();
      if (any_due && **outcome) delivered_.inc();
    }
    for (auto waited = std::chrono::milliseconds(0); waited < config_.poll && !stopping_.load();
         waited += std::chrono::milliseconds(50)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
}

}  // namespace strata::coordinator
