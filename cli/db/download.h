// HTTP(S) downloads with libcurl for feed updates: redirects followed, retries with backoff on
// connection failures, 5xx and 429 (honouring Retry-After), timeouts, and the file written
// under a temporary name and renamed only when complete, so an interrupted download never
// replaces a good file.
#pragma once

#include <string>

#include "common/error.h"

namespace strata::cli {

struct DownloadOptions {
  int attempts = 4;
  long connect_timeout_seconds = 20;
  long low_speed_seconds = 60;  // abort when under 1 KB/s for this long
};

// kNotFound for 404, kUnavailable for other failures; messages name the URL (credentials are
// never part of feed URLs) and the HTTP status or libcurl's reason.
Result<void> download_file(const std::string& url, const std::string& destination, const DownloadOptions& options = {});

}  // namespace strata::cli
