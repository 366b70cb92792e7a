#include "worker/image/config_secrets.h"

#include <algorithm>

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
  for (std::size_t i = 0; i < r.env.size(); ++i) scan("config:Env", static_cast<std::uint32_t>(i + 1), r.env[i], "");
  if (!r.entrypoint.empty()) scan("config:Entrypoint", 1, joined(r.entrypoint), "");
  if (!r.cmd.empty()) scan("config:Cmd", 1, joined(r.cmd), "");
  std::uint32_t label = 0;
  for (const auto& [key, value] : r.labels) scan("config:Labels", ++label, key + "=" + value, "");
  // The n-th step that made a layer made the n-th layer.
  std::size_t made = 0;
  const std::size_t with_layers = static_cast<std::size_t>(
      std::count_if(inv.history.begin(), inv.history.end(), [](const HistoryEntry& h) { return !h.empty_layer; }));
  const bool aligned = with_layers == inv.layers.size();
  for (std::size_t i = 0; i < inv.history.size(); ++i) {
    const HistoryEntry& h = inv.history[i];
    std::string layer;
    if (!h.empty_layer) {
      if (aligned) layer = inv.layers[made].diff_id;
      ++made;
    }
    scan("history:created_by", static_cast<std::uint32_t>(i + 1), h.created_by, layer);
  }
  return out;
}

}  // namespace strata::worker
