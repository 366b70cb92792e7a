#include "common/client/api_client.h"

#include <curl/curl.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

namespace strata {
namespace {

struct CurlFree {
  void operator()(CURL* c) const noexcept { curl_easy_cleanup(c); }
};
struct SlistFree {
  void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};

// Where a response body goes: a 200's to `out` when there is one, anything else to `body`.
struct BodySink {
  CURL* curl = nullptr;
  std::ostream* out = nullptr;
  std::string* body = nullptr;
  bool wrote = false;
};

std::size_t append(char* data, std::size_t size, std::size_t n, void* closure) {
  auto* sink = static_cast<BodySink*>(closure);
  long status = 0;
  curl_easy_getinfo(sink->curl, CURLINFO_RESPONSE_CODE, &status);
  if (sink->out != nullptr && status == 200) {
    sink->wrote = true;
    sink->out->write(data, static_cast<std::streamsize>(size * n));
    return sink->out->good() ? size * n : 0;
  }
  sink->body->append(data, size * n);
  return size * n;
}

constexpr int kAttempts = 8;

}  // namespace

Result<ApiResponse> ApiClient::get(const std::string& path) const { return request(path, nullptr); }

Result<ApiResponse> ApiClient::download(const std::string& path, std::ostream& out, const std::string& accept) const {
  return request(path, nullptr, &out, accept);
}

std::string query_string(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    out += out.empty() ? "?" : "&";
    for (const std::string* part : {&name, &value}) {
      char* escaped = curl_easy_escape(nullptr, part->c_str(), static_cast<int>(part->size()));
      if (escaped != nullptr) {
        out += escaped;
        curl_free(escaped);
      }
      if (part == &name) out += '=';
    }
  }
  return out;
}

Result<ApiResponse> ApiClient::post(const std::string& path, const std::string& json) const {
  return request(path, &json);
}

Result<ApiResponse> ApiClient::request(const std::string& path, const std::string* body, std::ostream* out,
                                       const std::string& accept) const {
  static const bool initialized = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  if (!initialized) return fail(ErrorCode::kInternal, "libcurl failed to initialize");
  std::string url = server_;
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += path;
  std::string last_error;
  for (int attempt = 1; attempt <= kAttempts; ++attempt) {
    std::unique_ptr<CURL, CurlFree> curl(curl_easy_init());
    std::unique_ptr<curl_slist, SlistFree> headers;
    curl_slist* list = nullptr;
    list = curl_slist_append(list, ("Authorization: Bearer " + token_).c_str());
    list = curl_slist_append(list, "Content-Type: application/json");
    list = curl_slist_append(list, ("Accept: " + accept).c_str());
    headers.reset(list);
    ApiResponse response;
    char error[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT, 10L);
    // A download streams for as long as the export runs; a request waits two minutes at most.
    curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, out != nullptr ? 0L : 120L);
    curl_easy_setopt(curl.get(), CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_LOW_SPEED_TIME, 120L);
    curl_easy_setopt(curl.get(), CURLOPT_USERAGENT, "strata/0.1.0");
    curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, append);
    BodySink sink{curl.get(), out, &response.body};
    curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &sink);
    if (body != nullptr) {
      curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, body->c_str());
      curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE, static_cast<long>(body->size()));
    }
    const CURLcode rc = curl_easy_perform(curl.get());
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &response.status);
    // A POST that reached the server is not repeated: the scan may exist already.
    const bool transient = rc == CURLE_COULDNT_CONNECT || (rc == CURLE_OK && (response.status == 502 || response.status == 503));
    if (rc == CURLE_OK && !transient) return response;
    if (sink.wrote) {
      // Cut short after part of it was written: not repeated, or the output would hold it twice.
      return fail(ErrorCode::kUnavailable, url + ": the answer was cut short: " +
                                               std::string(error[0] ? error : curl_easy_strerror(rc)));
    }
    last_error = rc != CURLE_OK ? std::string(error[0] ? error : curl_easy_strerror(rc))
                                : "HTTP " + std::to_string(response.status) + ": " + api_error_message(response);
    if (!transient || attempt == kAttempts) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(250) * (1 << std::min(attempt - 1, 4)));
  }
  return fail(ErrorCode::kUnavailable, url + ": " + last_error);
}

std::string api_error_message(const ApiResponse& response) {
  const auto doc = nlohmann::json::parse(response.body, nullptr, false);
  if (!doc.is_discarded() && doc.is_object() && doc.contains("error") && doc["error"].is_object() &&
      doc["error"].contains("message") && doc["error"]["message"].is_string()) {
    return doc["error"]["message"].get<std::string>();
  }
  return response.body;
}

}  // namespace strata
