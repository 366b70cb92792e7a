#include "cli/findings_command.h"

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/fleet_table.h"
#include "common/client/api_client.h"
#include "common/json_fields.h"

namespace strata::cli {
namespace {

using Json = nlohmann::ordered_json;

struct FindingsArgs {
  std::string server;
  std::string token;
  std::string vulnerability, severity, package, ecosystem, repository, tag, label, first_seen_before, first_seen_after,
      image, state;
  bool fixable = false;
  bool not_fixable = false;
  std::size_t limit = 100;
  bool all = false;
  std::string format = "table";
};

int error(const std::string& message) {
  std::cerr << "strata: error: " << message << "\n";
  return 2;
}

std::vector<std::pair<std::string, std::string>> filters(const FindingsArgs& a) {
  std::vector<std::pair<std::string, std::string>> out;
  const std::pair<const char*, const std::string*> named[] = {
      {"vulnerability", &a.vulnerability}, {"severity", &a.severity},   {"package", &a.package},
      {"ecosystem", &a.ecosystem},         {"repository", &a.repository}, {"tag", &a.tag},
      {"label", &a.label},                 {"first_seen_before", &a.first_seen_before},
      {"first_seen_after", &a.first_seen_after}, {"image", &a.image}, {"state", &a.state}};
  for (const auto& [name, value] : named) {
    if (!value->empty()) out.emplace_back(name, *value);
  }
  if (a.fixable) out.emplace_back("fixable", "true");
  if (a.not_fixable) out.emplace_back("fixable", "false");
  return out;
}

std::vector<std::string> table_row(const Json& f) {
  const Json image = f.value("image", Json::object());
  const Json refs = image.value("refs", Json::array());
  const Json package = f.value("package", Json::object());
  const std::string digest = json_fields::string_or(image, "digest");
  return {json_fields::string_or(f, "severity"), json_fields::string_or(f.value("vulnerability", Json::object()), "id"),
          json_fields::string_or(package, "name"), json_fields::string_or(f, "installed_version"),
          f.value("fixed_version", Json()).is_string() ? f["fixed_version"].get<std::string>() : "",
          !refs.empty() && refs[0].is_string() ? refs[0].get<std::string>() : digest.substr(0, 19)};
}

int run(const FindingsArgs& args) {
  if (args.server.empty()) return error("no server: pass --server URL or set STRATA_SERVER");
  if (args.token.empty()) return error("no API key: pass --token KEY or set STRATA_TOKEN");
  if (args.fixable && args.not_fixable) return error("--fixable and --not-fixable exclude each other");
  const ApiClient api(args.server, args.token);
  auto params = filters(args);
  if (args.format == "csv") {
    // The server streams every finding the filters keep; --limit caps it unless --all.
    if (!args.all) params.emplace_back("limit", std::to_string(args.limit));
    params.emplace_back("format", "csv");
    auto answer = api.download("/v1/findings" + query_string(params), std::cout, "text/csv");
    if (!answer) return error(answer.error().message());
    if (answer->status != 200) return error("HTTP " + std::to_string(answer->status) + ": " + api_error_message(*answer));
    return 0;
  }
  FleetTable table({"SEVERITY", "VULNERABILITY", "PACKAGE", "INSTALLED", "FIXED", "IMAGE"});
  std::string cursor;
  std::size_t shown = 0;
  do {
    auto page_params = params;
    page_params.emplace_back("limit", std::to_string(args.all ? 1000 : std::min<std::size_t>(args.limit - shown, 1000)));
    if (!cursor.empty()) page_params.emplace_back("cursor", cursor);
    auto answer = api.get("/v1/findings" + query_string(page_params));
    if (!answer) return error(answer.error().message());
    if (answer->status != 200) return error("HTTP " + std::to_string(answer->status) + ": " + api_error_message(*answer));
    const Json page = Json::parse(answer->body, nullptr, false);
    if (!page.is_object() || !page.contains("findings") || !page["findings"].is_array()) {
      return error("the server's answer is not a page of findings");
    }
    for (const Json& f : page["findings"]) {
      if (args.format == "json") {
        std::cout << f.dump() << "\n";  // one finding per line
      } else {
        table.add(table_row(f));
      }
      ++shown;
    }
    cursor = page.value("next", Json()).is_string() ? page["next"].get<std::string>() : "";
  } while (!cursor.empty() && (args.all || shown < args.limit));
  if (args.format == "table") table.print(std::cout);
  return 0;
}

}  // namespace

void add_findings_command(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<FindingsArgs>();
  CLI::App* cmd = app.add_subcommand("findings", "Query the findings of a strata cluster's whole fleet");
  cmd->add_option("--server", args->server, "the coordinator's URL")->envname("STRATA_SERVER");
  cmd->add_option("--token", args->token, "the tenant's API key")->envname("STRATA_TOKEN");
  cmd->add_option("--vulnerability", args->vulnerability, "a vulnerability id or any alias of it");
  cmd->add_option("--severity", args->severity, "at least this severity")
      ->check(CLI::IsMember({"critical", "high", "medium", "low", "unknown"}, CLI::ignore_case));
  cmd->add_flag("--fixable", args->fixable, "only findings with a known fixed version");
  cmd->add_flag("--not-fixable", args->not_fixable, "only findings without one");
  cmd->add_option("--package", args->package, "a package name");
  cmd->add_option("--ecosystem", args->ecosystem, "deb, rpm, apk, pypi, npm, golang, maven, … (or what people call it)");
  cmd->add_option("--repository", args->repository, "REGISTRY/REPO the images were scanned as");
  cmd->add_option("--tag", args->tag, "a tag the images were scanned as");
  cmd->add_option("--label", args->label, "NAME or NAME=VALUE: a label of the scans that stored the images");
  cmd->add_option("--first-seen-before", args->first_seen_before, "RFC 3339 time or date");
  cmd->add_option("--first-seen-after", args->first_seen_after, "RFC 3339 time or date");
  cmd->add_option("--image", args->image, "an image digest (sha256:…)");
  cmd->add_option("--state", args->state, "open (default), resolved or all")
      ->check(CLI::IsMember({"open", "resolved", "all"}));
  cmd->add_option("--limit", args->limit, "at most this many findings")->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_flag("--all", args->all, "every finding the filters keep, page after page");
  cmd->add_option("--format,-f", args->format, "table, json (one finding a line) or csv (the server's export)")
      ->capture_default_str()
      ->check(CLI::IsMember({"table", "json", "csv"}));
  cmd->callback([args, exit_code] { *exit_code = run(*args); });
}

}  // namespace strata::cli
