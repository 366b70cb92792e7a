#include "loadtest/drive.h"

#include <chrono>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "common/client/api_client.h"

namespace strata::loadtest {
namespace {

double scrape(const std::string& page, const std::string& name) {
  std::istringstream in(page);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name + " ", 0) == 0) return std::stod(line.substr(name.size() + 1));
  }
  return 0;
}

}  // namespace

Result<DriveResult> drive(const DriveSpec& spec) {
  const ApiClient api(spec.server, spec.token);
  const ApiClient operator_api(spec.operator_server, "");
  auto metrics = [&]() -> Result<std::string> {
    auto r = operator_api.get("/metrics");
    if (!r) return std::unexpected(r.error());
    return r->body;
  };
  auto before = metrics();
  if (!before) return std::unexpected(before.error());
  const auto start = std::chrono::steady_clock::now();
  const std::size_t per_scan = spec.per_scan == 0 ? spec.refs.size() : spec.per_scan;
  std::vector<std::string> scans;
  for (std::size_t i = 0; i < spec.refs.size(); i += per_scan) {
    const std::vector<std::string> part(spec.refs.begin() + static_cast<std::ptrdiff_t>(i),
                                        spec.refs.begin() + static_cast<std::ptrdiff_t>(std::min(i + per_scan, spec.refs.size())));
    auto created = api.post("/v1/scans", nlohmann::json{{"images", part}, {"priority", spec.priority}}.dump());
    if (!created) return std::unexpected(created.error());
    if (created->status != 202) {
      return fail(ErrorCode::kUnavailable, "POST /v1/scans: HTTP " + std::to_string(created->status) + ": " +
                                               api_error_message(*created));
    }
    scans.push_back(nlohmann::json::parse(created->body)["id"]);
  }
  DriveResult out;
  const auto deadline = start + std::chrono::duration<double>(spec.timeout_seconds);
  for (const auto& id : scans) {
    while (true) {
      auto status = api.get("/v1/scans/" + id);
      if (!status) return std::unexpected(status.error());
      const auto doc = nlohmann::json::parse(status->body, nullptr, false);
      if (!doc.is_discarded() && doc.value("state", "") == "done") {
        out.images += doc["images"].size();
        out.images_failed += doc["counts"].value("failed", 0);
        break;
      }
      if (std::chrono::steady_clock::now() > deadline) return fail(ErrorCode::kUnavailable, "scan " + id + " did not finish in time");
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  auto after = metrics();
  if (!after) return std::unexpected(after.error());
  out.layers_analyzed = scrape(*after, "strata_layers_analyzed_total") - scrape(*before, "strata_layers_analyzed_total");
  out.cache_hits = scrape(*after, "strata_layer_cache_hits_total") - scrape(*before, "strata_layer_cache_hits_total");
  out.cache_misses = scrape(*after, "strata_layer_cache_misses_total") - scrape(*before, "strata_layer_cache_misses_total");
  out.layer_references = out.cache_hits + out.cache_misses;
  return out;
}

}  // namespace strata::loadtest
