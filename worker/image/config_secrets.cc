#include "worker/image/config_secrets.h"

namespace strata::worker {
namespace {

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

}  // namespace

std::vector<ImageSecret> config_secrets(const ImageInventory& inv, const SecretScanner& scanner) {
  std::vector<ImageSecret> out;
  // The pseudo path keeps path rules and path allowlists, which are about files, out of it.
  auto scan = [&](const std::string& where, std::uint32_t index, const std::string& text, const std::string& layer) {
    for (auto& hit : scanner.scan("(image config)", text)) {
      SecretFinding f{std::move(hit.rule_id), std::move(hit.description), std::move(hit.severity), where, index,
                      std::move(hit.redacted), std::move(hit.fingerprint)};
      out.push_back({std::move(f), layer, false});
    }
  };
  const RuntimeConfig& r = inv.runtime;
  // A variable is named by its name (config:Env/API_TOKEN): that is what a user looks for.
  for (std::size_t i = 0; i < r.env.size(); ++i) {
    const std::string name = r.env[i].substr(0, r.env[i].find('='));
    scan("config:Env/" + name, static_cast<std::uint32_t>(i + 1), r.env[i], "");
  }
  if (!r.entrypoint.empty()) scan("config:Entrypoint", 1, joined(r.entrypoint), "");
  if (!r.cmd.empty()) scan("config:Cmd", 1, joined(r.cmd), "");
  std::uint32_t label = 0;
  for (const auto& [key, value] : r.labels) scan("config:Labels/" + key, ++label, key + "=" + value, "");
  const std::vector<std::string> layers = history_layers(inv);
  for (std::size_t i = 0; i < inv.history.size(); ++i) {
    scan("history:created_by", static_cast<std::uint32_t>(i + 1), inv.history[i].created_by, layers[i]);
  }
  return out;
}

}  // namespace strata::worker
