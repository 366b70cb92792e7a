#include "cli/submit_command.h"

#include <chrono>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/client/api_client.h"
#include "common/report/formats.h"
#include "common/json_fields.h"

namespace strata::cli {
namespace {

using Json = nlohmann::ordered_json;

struct SubmitArgs {
  std::string server;
  std::string token;
  std::vector<std::string> refs;
  std::vector<std::string> repositories;
  std::vector<std::string> registries;
  std::vector<std::string> labels;  // NAME=VALUE
  std::string priority = "interactive";
  bool wait = false;
  std::string format = "json";
  int exit_code = 0;
  unsigned timeout_seconds = 3600;
};

int error(const std::string& message) {
  std::cerr << "strata: error: " << message << "\n";
  return 2;
}

// A count from the server's summary; 0 where it holds none.
long long count(const Json& summary, const char* key) {
  const auto it = summary.find(key);
  return it != summary.end() && it->is_number_integer() ? it->get<long long>() : 0;
}

// One line per image: counts by severity, or why it failed.
std::string summary_line(const Json& image, const Json* report) {
  std::string line = json_fields::string_or(image, "ref") + "  ";
  if (report == nullptr) return line + "FAILED";
  if (!report->is_object()) return line + "(the server's report is not a JSON object)";
  const Json s = report->value("summary", Json::object());
  return line + json_fields::string_or(report->value("image", Json::object()), "digest") + "  critical " + std::to_string(count(s, "critical")) +
         ", high " + std::to_string(count(s, "high")) + ", medium " + std::to_string(count(s, "medium")) +
         ", low " + std::to_string(count(s, "low")) + ", unknown " + std::to_string(count(s, "unknown"));
}

int run(const SubmitArgs& args) {
  if (args.server.empty()) return error("no server: pass --server URL or set STRATA_SERVER");
  if (args.token.empty()) return error("no API key: pass --token KEY or set STRATA_TOKEN");
  const ApiClient api(args.server, args.token);
  if (args.refs.empty() && args.repositories.empty() && args.registries.empty()) {
    return error("name something to scan: image references, --repository or --registry");
  }
  Json request = {{"priority", args.priority}};
  if (!args.refs.empty()) request["images"] = args.refs;
  if (!args.repositories.empty()) request["repositories"] = args.repositories;
  if (!args.registries.empty()) request["registries"] = args.registries;
  if (!args.labels.empty()) {
    Json labels = Json::object();
    for (const auto& label : args.labels) {
      const std::size_t eq = label.find('=');
      if (eq == std::string::npos || eq == 0) return error("--label '" + label + "' must be NAME=VALUE");
      labels[label.substr(0, eq)] = label.substr(eq + 1);
    }
    request["labels"] = labels;
  }
  auto created = api.post("/v1/scans", request.dump());
  if (!created) return error(created.error().message());
  if (created->status != 202) {
    return error("the server refused the scan (HTTP " + std::to_string(created->status) + "): " +
                 api_error_message(*created));
  }
  const std::string id = json_fields::string_or(Json::parse(created->body, nullptr, false), "id");
  if (id.empty()) return error("the server accepted the scan but named no scan id");
  if (!args.wait) {
    std::cout << id << "\n";
    return 0;
  }
  // Poll with a gentle backoff: quick answers for small scans, little load for large ones.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(args.timeout_seconds);
  auto pause = std::chrono::milliseconds(100);
  Json scan;
  while (true) {
    auto status = api.get("/v1/scans/" + id);
    if (!status) return error(status.error().message());
    if (status->status != 200) return error("scan " + id + ": HTTP " + std::to_string(status->status) + ": " + api_error_message(*status));
    scan = Json::parse(status->body, nullptr, false);
    if (scan.is_discarded()) return error("scan " + id + ": the server's answer is not JSON");
    if (json_fields::string_or(scan, "state") == "done") break;
    if (std::chrono::steady_clock::now() >= deadline) {
      return error("scan " + id + " did not finish within " + std::to_string(args.timeout_seconds) + " s");
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(1000));
  }
  bool failed = false;
  std::size_t findings = 0;
  // The scan's repositories or registries could not be listed (its own images may have been scanned).
  if (scan.contains("error") && scan["error"].is_string()) {
    failed = true;
    std::cerr << "strata: error: scan " << id << ": " << scan["error"].get<std::string>() << "\n";
  }
  const Json images = scan.contains("images") && scan["images"].is_array() ? scan["images"] : Json::array();
  for (const Json& image : images) {
    if (json_fields::string_or(image, "state") != "done") {
      failed = true;
      // The error names the image already.
      std::cerr << "strata: error: " << (image["error"].is_string() ? image["error"].get<std::string>() : "failed") << "\n";
      if (args.format == "summary") std::cout << summary_line(image, nullptr) << "\n";
      continue;
    }
    const std::string digest = json_fields::string_or(image, "digest");
    if (digest.empty()) return error(json_fields::string_or(image, "ref") + ": the server names no digest for it");
    const std::string path = "/v1/images/" + digest;
    auto report = api.get(path);
    if (!report) return error(report.error().message());
    if (report->status != 200) return error(json_fields::string_or(image, "ref") + ": HTTP " + std::to_string(report->status) + ": " + api_error_message(*report));
    const Json doc = Json::parse(report->body, nullptr, false);
    if (doc.is_discarded()) return error(json_fields::string_or(image, "ref") + ": the report is not JSON");
    for (const char* kind : {"vulnerabilities", "secrets", "misconfigurations"}) {
      if (doc.is_object() && doc.contains(kind)) findings += doc[kind].size();
    }
    if (args.format == "summary") {
      std::cout << summary_line(image, &doc) << "\n";
    } else if (args.format == "json") {
      std::cout << doc.dump() << "\n";  // one document per line
    } else {
      // The server renders the other formats exactly as `strata image --format` does.
      auto rendered = api.get(path + "?format=" + args.format);
      if (!rendered) return error(rendered.error().message());
      if (rendered->status != 200) {
        return error(json_fields::string_or(image, "ref") + ": HTTP " + std::to_string(rendered->status) + ": " + api_error_message(*rendered));
      }
      std::cout << rendered->body;
    }
  }
  if (failed) return 1;
  return findings > 0 ? args.exit_code : 0;
}

}  // namespace

void add_submit_command(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<SubmitArgs>();
  CLI::App* cmd = app.add_subcommand("submit", "Scan images on a strata cluster");
  cmd->add_option("refs", args->refs,
                  "image references: [REGISTRY/]REPO[:TAG|@DIGEST], or oci:DIR[:TAG] on storage the cluster shares");
  cmd->add_option("--repository", args->repositories, "REGISTRY/REPO: every tag of it (repeatable)");
  cmd->add_option("--registry", args->registries, "REGISTRY: every tag of every repository its catalog lists (repeatable)");
  cmd->add_option("--label", args->labels, "NAME=VALUE carried by every image the scan stores, for `strata findings --label` (repeatable)");
  cmd->add_option("--server", args->server, "the coordinator's URL")->envname("STRATA_SERVER");
  cmd->add_option("--token", args->token, "the tenant's API key")->envname("STRATA_TOKEN");
  cmd->add_option("--priority", args->priority, "interactive (a pipeline waits) or bulk")
      ->check(CLI::IsMember({"interactive", "bulk"}))
      ->capture_default_str();
  cmd->add_flag("--wait", args->wait, "wait for the reports and print them (else print the scan id)");
  // The report formats, each as `strata image` writes it (json: one report per line, in the order
  // given), and summary: one line per image.
  std::vector<std::string> formats = report_format_names();
  formats.emplace_back("summary");
  cmd->add_option("--format,-f", args->format,
                  "with --wait: " + report_format_list() + " (each as `strata image` writes it; json one report "
                  "per line, in the order given), or summary (one line per image)")
      ->check(CLI::IsMember(formats))
      ->capture_default_str();
  cmd->add_option("--exit-code", args->exit_code, "with --wait: exit with N when any image has findings")
      ->capture_default_str();
  cmd->add_option("--timeout", args->timeout_seconds, "with --wait: seconds to wait for the scan")->capture_default_str();
  cmd->callback([args, exit_code] { *exit_code = run(*args); });
}

}  // namespace strata::cli
