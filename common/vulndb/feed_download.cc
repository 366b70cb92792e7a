#include "common/vulndb/feed_download.h"

#include <curl/curl.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <thread>

#include "common/ecosystems.h"

namespace strata {
namespace {

struct CurlFree {
  void operator()(CURL* c) const noexcept { curl_easy_cleanup(c); }
};
struct FileClose {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};

// "Red Hat" → "Red%20Hat": the archive URLs carry the ecosystem name as a path segment.
std::string path_segment(const std::string& s) {
  std::string out;
  for (const unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::size_t write_cb(char* data, std::size_t size, std::size_t n, void* file) {
  return std::fwrite(data, size, n, static_cast<std::FILE*>(file)) * size;
}

}  // namespace

Result<void> download_file(const std::string& url, const std::string& destination, const DownloadOptions& options) {
  static const bool initialized = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  if (!initialized) return fail(ErrorCode::kInternal, "libcurl failed to initialize");
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(fs::path(destination).parent_path(), ec);
  const std::string partial = destination + ".partial";
  std::string last_error;
  for (int attempt = 1; attempt <= options.attempts; ++attempt) {
    std::unique_ptr<std::FILE, FileClose> file(std::fopen(partial.c_str(), "wb"));
    if (!file) return fail(ErrorCode::kUnavailable, partial + ": cannot write");
    std::unique_ptr<CURL, CurlFree> curl(curl_easy_init());
    char error[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT, options.connect_timeout_seconds);
    curl_easy_setopt(curl.get(), CURLOPT_LOW_SPEED_LIMIT, 1024L);
    curl_easy_setopt(curl.get(), CURLOPT_LOW_SPEED_TIME, options.low_speed_seconds);
    curl_easy_setopt(curl.get(), CURLOPT_USERAGENT, "strata/0.1.0");
    curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, write_cb);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, file.get());
    const CURLcode rc = curl_easy_perform(curl.get());
    long status = 0;
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
    curl_off_t retry_after = 0;
    curl_easy_getinfo(curl.get(), CURLINFO_RETRY_AFTER, &retry_after);
    file.reset();
    if (rc == CURLE_OK && status >= 200 && status < 300) {
      fs::rename(partial, destination, ec);
      if (ec) return fail(ErrorCode::kUnavailable, destination + ": " + ec.message());
      return {};
    }
    fs::remove(partial, ec);
    if (rc == CURLE_OK && status == 404) return fail(ErrorCode::kNotFound, url + ": HTTP 404 Not Found");
    last_error = rc != CURLE_OK ? std::string(error[0] ? error : curl_easy_strerror(rc))
                                : "HTTP " + std::to_string(status);
    const bool retryable = rc != CURLE_OK || status == 429 || status >= 500;
    if (!retryable || attempt == options.attempts) break;
    // Backoff: 1 s, 2 s, 4 s …, or what Retry-After asks, up to a minute.
    const long wait = retry_after > 0 ? std::min<long>(static_cast<long>(retry_after), 60) : 1L << (attempt - 1);
    std::this_thread::sleep_for(std::chrono::seconds(wait));
  }
  return fail(ErrorCode::kUnavailable, url + ": " + last_error + " (after " + std::to_string(options.attempts) + " attempts)");
}

std::vector<std::string> default_osv_archives() {
  std::vector<std::string> feeds;
  for (const auto& row : ecosystems()) feeds.insert(feeds.end(), row.default_feeds.begin(), row.default_feeds.end());
  return feeds;
}

ArchiveDownload download_osv_archives(const std::string& mirror, const std::vector<std::string>& ecosystems,
                                      const std::filesystem::path& dir, const DownloadOptions& options,
                                      std::ostream& progress) {
  std::string base = mirror;
  while (base.ends_with("/")) base.pop_back();
  ArchiveDownload out;
  for (const auto& ecosystem : ecosystems) {
    const std::string url = base + "/" + path_segment(ecosystem) + "/all.zip";
    const std::string dest = (dir / path_segment(ecosystem) / "all.zip").string();
    progress << "downloading " << url << "\n" << std::flush;
    if (auto r = download_file(url, dest, options); !r) {
      out.errors.push_back(ecosystem + ": " + r.error().message());
      continue;
    }
    out.archives.push_back(dest);
  }
  return out;
}

}  // namespace strata
