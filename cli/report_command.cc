#include "cli/report_command.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/fleet_table.h"
#include "common/client/api_client.h"
#include "common/json_fields.h"

namespace strata::cli {
namespace {

using Json = nlohmann::ordered_json;

struct ReportArgs {
  std::string server;
  std::string token;
  std::string format = "table";
  std::string pdf;  // a file, or "-" for standard output
  std::size_t rows = 10;
};

int error(const std::string& message) {
  std::cerr << "strata: error: " << message << "\n";
  return 2;
}

std::string number(const Json& doc, const char* key) {
  const auto it = doc.find(key);
  return it != doc.end() && it->is_number_integer() ? std::to_string(it->get<long long>()) : "0";
}

int download_pdf(const ApiClient& api, const ReportArgs& args) {
  const std::string path = "/v1/reports/fleet.pdf" + query_string({{"rows", std::to_string(args.rows)}});
  if (args.pdf == "-") {
    auto answer = api.download(path, std::cout, "application/pdf");
    if (!answer) return error(answer.error().message());
    if (answer->status != 200) return error("HTTP " + std::to_string(answer->status) + ": " + api_error_message(*answer));
    return 0;
  }
  // Written beside the file and renamed into place: a failed download leaves no half a PDF.
  const std::string partial = args.pdf + ".partial";
  std::ofstream out(partial, std::ios::binary);
  if (!out) return error("cannot write " + partial);
  auto answer = api.download(path, out, "application/pdf");
  out.close();
  if (!answer || answer->status != 200 || !out) {
    std::filesystem::remove(partial);
    if (!answer) return error(answer.error().message());
    if (answer->status != 200) return error("HTTP " + std::to_string(answer->status) + ": " + api_error_message(*answer));
    return error("cannot write " + args.pdf);
  }
  std::error_code ec;
  std::filesystem::rename(partial, args.pdf, ec);
  if (ec) return error("cannot write " + args.pdf + ": " + ec.message());
  std::cerr << "strata: wrote the fleet report to " << args.pdf << "\n";
  return 0;
}

int run(const ReportArgs& args) {
  if (args.server.empty()) return error("no server: pass --server URL or set STRATA_SERVER");
  if (args.token.empty()) return error("no API key: pass --token KEY or set STRATA_TOKEN");
  const ApiClient api(args.server, args.token);
  if (!args.pdf.empty()) return download_pdf(api, args);
  const std::string n = std::to_string(args.rows);
  Json parts = Json::object();
  for (const auto& [name, path] : std::vector<std::pair<std::string, std::string>>{
           {"summary", "/v1/summary"},
           {"vulnerabilities", "/v1/vulnerabilities?limit=" + n},
           {"images", "/v1/images?order=risk&limit=" + n},
           {"layers", "/v1/layers/top?limit=" + n}}) {
    auto answer = api.get(path);
    if (!answer) return error(answer.error().message());
    if (answer->status != 200) return error(path + ": HTTP " + std::to_string(answer->status) + ": " + api_error_message(*answer));
    Json doc = Json::parse(answer->body, nullptr, false);
    if (!doc.is_object()) return error(path + ": the server's answer is not a JSON object");
    parts[name] = std::move(doc);
  }
  if (args.format == "json") {
    std::cout << parts.dump(2) << "\n";
    return 0;
  }
  const Json& s = parts["summary"];
  const Json open = s.value("open", Json::object());
  const Json fixable = s.value("fixable", Json::object());
  std::cout << "Images: " << number(s, "images") << "   Open findings: " << number(open, "total")
            << "   Fixable: " << number(fixable, "total") << "\n\n";
  FleetTable severities({"SEVERITY", "OPEN", "FIXABLE"});
  for (const char* k : {"critical", "high", "medium", "low", "unknown"}) severities.add({k, number(open, k), number(fixable, k)});
  severities.print(std::cout);
  std::cout << "\nTop vulnerabilities (by images affected)\n";
  FleetTable vulns({"VULNERABILITY", "SEVERITY", "IMAGES", "FINDINGS", "FIXABLE"});
  for (const Json& v : parts["vulnerabilities"].value("vulnerabilities", Json::array())) {
    vulns.add({json_fields::string_or(v, "id"), json_fields::string_or(v, "severity"), number(v, "images"),
               number(v, "findings"), number(v, "fixable")});
  }
  vulns.print(std::cout);
  std::cout << "\nImages with the most severe findings\n";
  FleetTable images({"IMAGE", "CRITICAL", "HIGH", "MEDIUM", "LOW", "FIXABLE"});
  for (const Json& i : parts["images"].value("images", Json::array())) {
    const Json refs = i.value("refs", Json::array());
    const Json c = i.value("open", Json::object());
    images.add({!refs.empty() && refs[0].is_string() ? refs[0].get<std::string>() : json_fields::string_or(i, "digest"),
                number(c, "critical"), number(c, "high"), number(c, "medium"), number(c, "low"), number(i, "fixable")});
  }
  images.print(std::cout);
  std::cout << "\nLayers whose package upgrades remove the most findings\n";
  FleetTable layers({"LAYER", "IMAGES", "FINDINGS", "FIXABLE"});
  for (const Json& l : parts["layers"].value("layers", Json::array())) {
    layers.add({json_fields::string_or(l, "diff_id"), number(l, "images"), number(l, "findings"), number(l, "fixable")});
  }
  layers.print(std::cout);
  return 0;
}

}  // namespace

void add_report_command(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ReportArgs>();
  CLI::App* cmd = app.add_subcommand("report", "The fleet of a strata cluster at a glance, or its PDF report");
  cmd->add_option("--server", args->server, "the coordinator's URL")->envname("STRATA_SERVER");
  cmd->add_option("--token", args->token, "the tenant's API key")->envname("STRATA_TOKEN");
  cmd->add_option("--format,-f", args->format, "table or json")->capture_default_str()->check(CLI::IsMember({"table", "json"}));
  cmd->add_option("--pdf", args->pdf, "FILE: write the server's PDF fleet report there ('-': standard output)");
  cmd->add_option("--rows", args->rows, "vulnerabilities, images and layers shown")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  cmd->callback([args, exit_code] { *exit_code = run(*args); });
}

}  // namespace strata::cli
