#include "worker/registry/http_stream.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <mutex>

#include "common/ascii.h"
#include "common/net/address_policy.h"

namespace strata::worker {
namespace {

// The reader pauses the transfer beyond this many unread bytes.
constexpr std::size_t kHighWater = 1 << 20;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

bool curl_ready() {
  static std::once_flag once;
  static bool ok = false;
  std::call_once(once, [] { ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; });
  return ok;
}

}  // namespace

std::size_t HttpStream::on_body(char* data, std::size_t size, std::size_t n, void* self_ptr) {
  auto* self = static_cast<HttpStream*>(self_ptr);
  const std::size_t bytes = size * n;
  if (self->buffer_.size() - self->consumed_ >= kHighWater) {
    self->paused_ = true;
    return CURL_WRITEFUNC_PAUSE;  // libcurl keeps this chunk and offers it again on resume
  }
  self->buffer_.insert(self->buffer_.end(), data, data + bytes);
  return bytes;
}

std::size_t HttpStream::on_header(char* data, std::size_t size, std::size_t n, void* self_ptr) {
  auto* self = static_cast<HttpStream*>(self_ptr);
  const std::string_view line(data, size * n);
  if (line.starts_with("HTTP/")) {
    self->headers_.clear();  // a new response: a redirect's target, or after 100 Continue
  } else if (const auto colon = line.find(':'); colon != std::string_view::npos) {
    self->headers_[ascii_lower(trim(line.substr(0, colon)))] = std::string(trim(line.substr(colon + 1)));
  }
  return size * n;
}

int HttpStream::open_socket(void* self_ptr, int /*purpose*/, void* address_ptr) {
  auto* self = static_cast<HttpStream*>(self_ptr);
  auto* address = static_cast<curl_sockaddr*>(address_ptr);
  if (self->public_only_) {
    std::string reason = "not an internet address";
    if (address->family == AF_INET && address->addrlen >= sizeof(sockaddr_in)) {
      const auto* in = reinterpret_cast<const sockaddr_in*>(&address->addr);
      std::array<std::uint8_t, 4> bytes;
      std::memcpy(bytes.data(), &in->sin_addr, 4);
      reason = non_public_reason_v4(bytes);
    } else if (address->family == AF_INET6 && address->addrlen >= sizeof(sockaddr_in6)) {
      const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&address->addr);
      std::array<std::uint8_t, 16> bytes;
      std::memcpy(bytes.data(), &in6->sin6_addr, 16);
      reason = non_public_reason_v6(bytes);
    }
    if (!reason.empty()) {
      // The reason, not the address: where an internal name resolves is not the tenant's to learn.
      self->refused_address_ = reason;
      return CURL_SOCKET_BAD;
    }
  }
  return ::socket(address->family, address->socktype, address->protocol);
}

Result<std::unique_ptr<HttpStream>> HttpStream::open(const HttpRequest& request, const HttpTimeouts& timeouts) {
  if (!curl_ready()) return fail(ErrorCode::kInternal, "libcurl failed to initialize");
  std::unique_ptr<HttpStream> s(new HttpStream());
  s->url_ = request.url;
  CURL* easy = curl_easy_init();
  CURLM* multi = curl_multi_init();
  s->easy_ = easy;
  s->multi_ = multi;
  if (easy == nullptr || multi == nullptr) return fail(ErrorCode::kInternal, "libcurl: out of handles");
  const char* protocols = request.allow_http ? "http,https" : "https";
  curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, protocols);
  curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, protocols);
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(easy, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT, timeouts.connect_seconds);
  curl_easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(easy, CURLOPT_LOW_SPEED_TIME, timeouts.stall_seconds);
  curl_easy_setopt(easy, CURLOPT_USERAGENT, "strata/0.1.0");
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, s->error_);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &HttpStream::on_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, s.get());
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &HttpStream::on_header);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, s.get());
  // Registries send blobs as they are stored; asking for a transfer encoding would only add work.
  curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, nullptr);
  if (request.head) curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
  s->public_only_ = request.public_addresses_only;
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &HttpStream::open_socket);
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, s.get());
  curl_slist* headers = nullptr;
  for (const auto& h : request.headers) headers = curl_slist_append(headers, h.c_str());
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
  curl_multi_add_handle(multi, easy);
  auto pumped = s->pump();
  // libcurl copies the header list when the request is sent, which pump() has done by now.
  curl_slist_free_all(headers);
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, nullptr);
  if (!pumped) return std::unexpected(pumped.error());
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &s->status_);
  curl_off_t retry_after = 0;
  curl_easy_getinfo(easy, CURLINFO_RETRY_AFTER, &retry_after);
  s->retry_after_ = static_cast<long>(retry_after);
  if (s->done_ && s->result_ != CURLE_OK && !s->refused_address_.empty()) {
    return fail(ErrorCode::kDenied, "a " + s->refused_address_ +
                                        " address, not a public one; this server reaches only public addresses "
                                        "for the registries its tenants name");
  }
  if (s->done_ && s->result_ != CURLE_OK && s->status_ == 0) {
    return fail(ErrorCode::kUnavailable, std::string(s->error_[0] ? s->error_ : curl_easy_strerror(static_cast<CURLcode>(s->result_))));
  }
  return s;
}

HttpStream::~HttpStream() {
  if (multi_ != nullptr && easy_ != nullptr) curl_multi_remove_handle(static_cast<CURLM*>(multi_), static_cast<CURL*>(easy_));
  if (easy_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(easy_));
  if (multi_ != nullptr) curl_multi_cleanup(static_cast<CURLM*>(multi_));
}

Result<void> HttpStream::pump() {
  auto* multi = static_cast<CURLM*>(multi_);
  while (buffer_.size() == consumed_ && !done_) {
    int running = 0;
    if (const CURLMcode rc = curl_multi_perform(multi, &running); rc != CURLM_OK) {
      return fail(ErrorCode::kInternal, std::string("libcurl: ") + curl_multi_strerror(rc));
    }
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
      if (msg->msg == CURLMSG_DONE) {
        done_ = true;
        result_ = msg->data.result;
      }
    }
    if (buffer_.size() > consumed_ || done_) break;
    curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
  }
  return {};
}

std::string HttpStream::header(std::string_view name) const {
  const auto it = headers_.find(ascii_lower(name));
  return it == headers_.end() ? std::string() : it->second;
}

std::optional<std::uint64_t> HttpStream::content_length() const {
  const std::string v = header("content-length");
  if (v.empty() || !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; }) || v.size() > 19) {
    return std::nullopt;
  }
  return std::stoull(v);
}

Result<std::size_t> HttpStream::read(std::span<std::byte> out) {
  if (out.empty()) return 0;
  if (buffer_.size() == consumed_) {
    if (auto r = pump(); !r) return std::unexpected(r.error());
  }
  if (buffer_.size() == consumed_) {
    if (result_ != CURLE_OK) {
      return fail(ErrorCode::kUnavailable, "connection lost after " + std::to_string(delivered_) + " bytes: " +
                                               (error_[0] ? error_ : curl_easy_strerror(static_cast<CURLcode>(result_))));
    }
    return 0;
  }
  const std::size_t n = std::min(out.size(), buffer_.size() - consumed_);
  std::memcpy(out.data(), buffer_.data() + consumed_, n);
  consumed_ += n;
  delivered_ += n;
  if (consumed_ == buffer_.size()) {
    buffer_.clear();
    consumed_ = 0;
  } else if (consumed_ >= kHighWater) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(consumed_));
    consumed_ = 0;
  }
  if (paused_ && buffer_.size() - consumed_ < kHighWater) {
    paused_ = false;
    curl_easy_pause(static_cast<CURL*>(easy_), CURLPAUSE_CONT);
  }
  return n;
}

Result<std::string> HttpStream::read_all(std::size_t max_bytes) {
  if (const auto length = content_length(); length && *length > max_bytes) {
    return fail(ErrorCode::kLimitExceeded, std::to_string(*length) + " bytes, more than the limit of " + std::to_string(max_bytes));
  }
  std::string body;
  std::byte chunk[16384];
  for (;;) {
    auto n = read(chunk);
    if (!n) return std::unexpected(n.error());
    if (*n == 0) return body;
    if (body.size() + *n > max_bytes) {
      return fail(ErrorCode::kLimitExceeded, "more than the limit of " + std::to_string(max_bytes) + " bytes");
    }
    body.append(reinterpret_cast<const char*>(chunk), *n);
  }
}

}  // namespace strata::worker
