// A client of the coordinator's HTTP API (libcurl): JSON requests with a bearer key, transient
// failures (connection refused while a coordinator restarts, 502/503) retried with backoff.
#pragma once

#include <string>

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

 private:
  Result<ApiResponse> request(const std::string& path, const std::string* body) const;
  std::string server_;
  std::string token_;
};

// The "message" of an API error body, or the body itself.
std::string api_error_message(const ApiResponse& response);

}  // namespace strata
