// One HTTP request whose response body is pulled, not pushed: libcurl's multi interface drives
// the transfer only while the reader wants bytes, and pauses it when the reader falls behind, so
// a blob streams straight into the layer analysis without being held in memory or on disk.
// Redirects are followed (to https only, unless plain http is allowed); a custom Authorization
// header is never sent to a host other than the one first asked (libcurl's rule).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/error.h"

namespace strata::worker {

struct HttpTimeouts {
  long connect_seconds = 15;
  long stall_seconds = 30;  // no byte for this long: the transfer fails (and may resume)
};

struct HttpRequest {
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  bool head = false;
  bool allow_http = false;  // plain http (loopback or an insecure registry), also for redirects
  // Connect only to public unicast addresses (address_policy.h): checked on the address about
  // to be connected to, after DNS, for the first request and every redirect.
  bool public_addresses_only = false;
};

class HttpStream {
 public:
  // Sends the request and waits for the response's status and headers (and its first bytes).
  // A transfer that fails before any response is kUnavailable.
  static Result<std::unique_ptr<HttpStream>> open(const HttpRequest& request, const HttpTimeouts& timeouts);
  ~HttpStream();
  HttpStream(const HttpStream&) = delete;
  HttpStream& operator=(const HttpStream&) = delete;

  long status() const { return status_; }
  // The final response's header (names compare case-insensitively), or "".
  std::string header(std::string_view name) const;
  std::optional<std::uint64_t> content_length() const;
  // Seconds a 429 or 503 asked to wait (Retry-After, either form), 0 when it did not say.
  long retry_after_seconds() const { return retry_after_; }
  const std::string& url() const { return url_; }

  // Fills a prefix of `out`; 0 only at the end of the body. A connection lost mid-body is
  // kUnavailable, naming how many bytes had arrived.
  Result<std::size_t> read(std::span<std::byte> out);
  // The whole body, refusing more than `max_bytes` (kLimitExceeded).
  Result<std::string> read_all(std::size_t max_bytes);

 private:
  HttpStream() = default;
  Result<void> pump();  // runs the transfer until bytes are buffered or it ends
  static std::size_t on_body(char* data, std::size_t size, std::size_t n, void* self);
  static std::size_t on_header(char* data, std::size_t size, std::size_t n, void* self);
  static int open_socket(void* self, int purpose, void* address);  // curl_opensocket_callback

  bool public_only_ = false;
  std::string refused_address_;  // the address open_socket refused, and why

  void* multi_ = nullptr;  // CURLM*
  void* easy_ = nullptr;   // CURL*
  std::vector<char> buffer_;
  std::size_t consumed_ = 0;
  bool paused_ = false;
  bool done_ = false;
  int result_ = 0;  // CURLcode
  char error_[256] = {};
  long status_ = 0;
  long retry_after_ = 0;
  std::uint64_t delivered_ = 0;
  std::string url_;
  std::map<std::string, std::string> headers_;  // lower-cased names, of the latest response
};

}  // namespace strata::worker
