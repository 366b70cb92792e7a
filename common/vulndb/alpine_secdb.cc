// Alpine's secdb (https://secdb.alpinelinux.org/, the format the alpine-secdb repository
// publishes): per release and repository, each package's "secfixes" map from the first fixed
// version to the ids it fixes. One record per id, as OSV's ALPINE-CVE-* records are.
#include <map>
#include <nlohmann/json.hpp>

#include "common/json_fields.h"
#include "common/vulndb/feed_batch.h"

namespace strata {

std::optional<nlohmann::json> parse_feed_object(std::string_view bytes, std::string_view name, FeedBatch& out) {
  auto doc = nlohmann::json::parse(bytes, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    out.skipped.push_back(std::string(name) + ": not a JSON object; the whole file was skipped");
    return std::nullopt;
  }
  return doc;
}

FeedBatch convert_alpine_secdb(std::string_view bytes, std::string_view name) {
  using nlohmann::json;
  FeedBatch out;
  const std::string where(name);
  const auto parsed = parse_feed_object(bytes, name, out);
  if (!parsed) return out;
  const json& doc = *parsed;
  auto distroversion = json_fields::string_field(doc, "distroversion", where);
  if (!distroversion) {
    out.skipped.push_back(distroversion.error().message() + "; the whole file was skipped");
    return out;
  }
  const std::string release = std::move(*distroversion);
  if (release.empty()) {
    out.skipped.push_back(where + ": no distroversion; the whole file was skipped");
    return out;
  }
  const std::string ecosystem = "Alpine:" + (release.starts_with("v") ? release : "v" + release);
  std::map<std::string, Vulnerability> by_id;
  const auto packages = doc.find("packages");
  if (packages == doc.end() || !packages->is_array()) {
    out.skipped.push_back(where + ": no packages array; the whole file was skipped");
    return out;
  }
  for (std::size_t i = 0; i < packages->size(); ++i) {
    const json& entry = (*packages)[i];
    const std::string at = where + ": packages[" + std::to_string(i) + "]";
    if (!entry.is_object() || !entry.contains("pkg") || !entry["pkg"].is_object()) {
      out.skipped.push_back(at + ": no pkg object");
      continue;
    }
    const json& pkg = entry["pkg"];
    auto name = json_fields::string_field(pkg, "name", at + ".pkg");
    if (!name) {
      out.skipped.push_back(name.error().message());
      continue;
    }
    const std::string package = std::move(*name);
    const auto secfixes = pkg.find("secfixes");
    if (package.empty() || secfixes == pkg.end() || !secfixes->is_object()) {
      out.skipped.push_back(at + ": no name or secfixes");
      continue;
    }
    for (const auto& [fixed, ids] : secfixes->items()) {
      if (!ids.is_array()) {
        out.skipped.push_back(at + " (" + package + " " + fixed + "): ids are not a list");
        continue;
      }
      for (const auto& id_node : ids) {
        if (!id_node.is_string()) continue;
        // An entry may name several ids ("CVE-2019-1 ALPINE-1234"); the first is the key.
        std::string ids_text = id_node.get<std::string>();
        std::vector<std::string> names;
        for (std::size_t p = 0; p < ids_text.size();) {
          const auto space = ids_text.find(' ', p);
          const std::string token = ids_text.substr(p, space == std::string::npos ? std::string::npos : space - p);
          if (!token.empty()) names.push_back(token);
          if (space == std::string::npos) break;
          p = space + 1;
        }
        if (names.empty()) continue;
        if (fixed == "0") continue;  // never affected in this release
        Vulnerability& v = by_id[names[0]];
        if (v.id.empty()) {
          v.id = "ALPINE-" + names[0];
          v.aliases = names;
        }
        Affected a;
        a.ecosystem = ecosystem;
        a.package = package;
        a.ranges.push_back({AffectedRange::kEcosystem,
                            {{RangeEvent::kIntroduced, "0"}, {RangeEvent::kFixed, fixed}}});
        v.affected.push_back(std::move(a));
      }
    }
  }
  for (auto& [id, v] : by_id) out.records.push_back(std::move(v));
  return out;
}

}  // namespace strata
