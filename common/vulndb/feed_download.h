// Feed downloads with libcurl, for `strata db update` and `strata-coordinator feeds update`: each
// ecosystem's OSV all.zip from a mirror; redirects followed, retries with backoff on connection
// failures, 5xx and 429 (honouring Retry-After), timeouts, and each file written under a
// temporary name and renamed only when complete, so an interrupted download never replaces a
// good file.
#pragma once

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "common/error.h"

namespace strata {

struct DownloadOptions {
  int attempts = 4;
  long connect_timeout_seconds = 20;
  long low_speed_seconds = 60;  // abort when under 1 KB/s for this long
};

// kNotFound for 404, kUnavailable for other failures; messages name the URL (credentials are
// never part of feed URLs) and the HTTP status or libcurl's reason.
Result<void> download_file(const std::string& url, const std::string& destination, const DownloadOptions& options = {});

// OSV's own bucket, which serves ECOSYSTEM/all.zip for every ecosystem.
inline constexpr const char* kOsvMirror = "https://osv-vulnerabilities.storage.googleapis.com";

// Every ecosystem's default OSV archives (the ecosystem table's default_feeds), in its order.
std::vector<std::string> default_osv_archives();

struct ArchiveDownload {
  std::vector<std::string> archives;  // the files that arrived
  std::vector<std::string> errors;    // "ECOSYSTEM: why", one per archive that did not
};

// MIRROR/ECOSYSTEM/all.zip for each ecosystem, into DIR/ECOSYSTEM/all.zip (the name as a path
// segment: "Red Hat" → "Red%20Hat"), naming each URL on `progress`. A failed download does not
// stop the others.
ArchiveDownload download_osv_archives(const std::string& mirror, const std::vector<std::string>& ecosystems,
                                      const std::filesystem::path& dir, const DownloadOptions& options,
                                      std::ostream& progress);

}  // namespace strata
