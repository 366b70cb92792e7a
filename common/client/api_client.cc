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

std::size_t append(char* data, std::size_t size, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

constexpr int kAttempts = 8;

}  // namespace

Result<ApiResponse> ApiClient::get(const std::string& path) const { return request(path, nullptr); }

Result<ApiResponse> ApiClient::post(const std::string& path, const std::string& json) const {
  return request(path, &json);
}

Result<ApiResponse> ApiClient::request(const std::string& path, const std::string* body) const {
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
    list = curl_slist_append(list, "Accept: application/json");
    headers.reset(list);
    ApiResponse response;
    char error[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, 120L);
    curl_easy_setopt(curl.get(), CURLOPT_USERAGENT, "strata/0.1.0");
    curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, append);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &response.body);
    if (body != nullptr) {
      curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, body->c_str());
      curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE, static_cast<long>(body->size()));
    }
    const CURLcode rc = curl_easy_perform(curl.get());
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &response.status);
    // A POST that reached the server is not repeated: the scan may exist already.
    const bool transient = rc == CURLE_COULDNT_CONNECT || (rc == CURLE_OK && (response.status == 502 || response.status == 503));
    if (rc == CURLE_OK && !transient) return response;
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
