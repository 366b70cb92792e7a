// A client of the coordinator's HTTP API (libcurl): JSON requests with a bearer key, transient
// failures (connection refused while a coordinator restarts, 502/503) retried with backoff.
#pragma once

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"

namespace strata {

struct ApiResponse {
  long status = 0;
  std::string body;
};

class ApiClient {
 public:
  ApiClient(std::string server, std::string token) : server_(std::move(server)), token_(std::move(token)) {}

  // An answer from the server, whatever its status; an error only when none came after retries.
  Result<ApiResponse> get(const std::string& path) const;
  Result<ApiResponse> post(const std::string& path, const std::string& json) const;
  // A GET whose answer, when it is a 200, goes to `out` as it arrives (the body of the response
  // returned is then empty): an export of millions of rows is never held whole. `accept` is the
  // Accept header. Retried like get() only while nothing has been written.
  Result<ApiResponse> download(const std::string& path, std::ostream& out, const std::string& accept) const;

 private:
  Result<ApiResponse> request(const std::string& path, const std::string* body, std::ostream* out = nullptr,
                              const std::string& accept = "application/json") const;
  std::string server_;
  std::string token_;
};

// "?a=1&b=x%20y": the parameters percent-encoded, in the order given ("" when there are none).
std::string query_string(const std::vector<std::pair<std::string, std::string>>& params);

// The "message" of an API error body, or the body itself.
std::string api_error_message(const ApiResponse& response);

}  // namespace strata
