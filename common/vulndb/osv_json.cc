#include "common/vulndb/osv_json.h"

#include <nlohmann/json.hpp>

#include "common/json_fields.h"

namespace strata {
namespace {

using nlohmann::json;

std::string text(const json& node, const char* key) {
  const auto it = node.find(key);
  return it != node.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void add_strings(const json& node, const char* key, std::vector<std::string>& out) {
  const auto it = node.find(key);
  if (it == node.end() || !it->is_array()) return;
  for (const auto& v : *it) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
}

Result<AffectedRange> parse_range(const json& node, const std::string& where) {
  AffectedRange range;
  const std::string type = text(node, "type");
  if (type == "ECOSYSTEM") {
    range.type = AffectedRange::kEcosystem;
  } else if (type == "SEMVER") {
    range.type = AffectedRange::kSemver;
  } else if (type == "GIT") {
    range.type = AffectedRange::kGit;
  } else {
    return fail(ErrorCode::kCorrupt, where + ".type '" + type + "' is not ECOSYSTEM, SEMVER or GIT");
  }
  const auto events = node.find("events");
  if (events == node.end() || !events->is_array() || events->empty()) {
    return fail(ErrorCode::kCorrupt, where + " has no events");
  }
  for (std::size_t i = 0; i < events->size(); ++i) {
    const json& e = (*events)[i];
    if (!e.is_object() || e.size() != 1 || !e.begin()->is_string()) {
      return fail(ErrorCode::kCorrupt, where + ".events[" + std::to_string(i) + "] is not one {kind: version}");
    }
    const std::string kind = e.begin().key();
    RangeEvent ev{RangeEvent::kIntroduced, e.begin()->get<std::string>()};
    if (kind == "introduced") {
      ev.kind = RangeEvent::kIntroduced;
    } else if (kind == "fixed") {
      ev.kind = RangeEvent::kFixed;
    } else if (kind == "last_affected") {
      ev.kind = RangeEvent::kLastAffected;
    } else if (kind == "limit") {
      ev.kind = RangeEvent::kLimit;
    } else {
      return fail(ErrorCode::kCorrupt, where + ".events[" + std::to_string(i) + "] has unknown kind '" + kind + "'");
    }
    range.events.push_back(std::move(ev));
  }
  return range;
}

}  // namespace

Result<Vulnerability> parse_osv(std::string_view bytes) {
  const json doc = json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return fail(ErrorCode::kCorrupt, "not valid JSON");
  if (!doc.is_object()) return fail(ErrorCode::kCorrupt, "not a JSON object");
  Vulnerability v;
  v.id = text(doc, "id");
  if (v.id.empty()) return fail(ErrorCode::kCorrupt, "record has no id");
  const std::string at = v.id + ": ";
  add_strings(doc, "aliases", v.aliases);
  add_strings(doc, "upstream", v.aliases);
  v.summary = text(doc, "summary");
  if (v.summary.empty()) v.summary = text(doc, "details").substr(0, 200);
  v.modified = text(doc, "modified");
  v.withdrawn = !text(doc, "withdrawn").empty();
  if (const auto sev = doc.find("severity"); sev != doc.end() && sev->is_array()) {
    for (const auto& s : *sev) {
      if (s.is_object()) v.severity.push_back({text(s, "type"), text(s, "score")});
    }
  }
  if (const auto ds = doc.find("database_specific"); ds != doc.end() && ds->is_object()) {
    v.source_severity = text(*ds, "severity");
  }
  if (const auto affected = doc.find("affected"); affected != doc.end()) {
    if (!affected->is_array()) return fail(ErrorCode::kCorrupt, at + "affected is not an array");
    for (std::size_t i = 0; i < affected->size(); ++i) {
      const json& node = (*affected)[i];
      const std::string where = "affected[" + std::to_string(i) + "]";
      if (!node.is_object()) return fail(ErrorCode::kCorrupt, at + where + " is not an object");
      const auto package = node.find("package");
      if (package == node.end() || !package->is_object()) {
        // OSV allows an entry that names only commits (GIT ranges): nothing a package matches.
        bool git_only = node.contains("ranges") && node["ranges"].is_array() && !node["ranges"].empty();
        if (git_only) {
          for (const auto& r : node["ranges"]) git_only = git_only && r.is_object() && json_fields::string_or(r, "type") == "GIT";
        }
        if (git_only) continue;
        return fail(ErrorCode::kCorrupt, at + where + " has no package");
      }
      Affected a;
      a.ecosystem = text(*package, "ecosystem");
      a.package = text(*package, "name");
      if (a.ecosystem.empty() || a.package.empty()) {
        return fail(ErrorCode::kCorrupt, at + where + ".package lacks ecosystem or name");
      }
      if (const auto ranges = node.find("ranges"); ranges != node.end() && ranges->is_array()) {
        for (std::size_t r = 0; r < ranges->size(); ++r) {
          auto range = parse_range((*ranges)[r], where + ".ranges[" + std::to_string(r) + "]");
          if (!range) return std::unexpected(range.error().with_context(v.id));
          a.ranges.push_back(std::move(*range));
        }
      }
      add_strings(node, "versions", a.versions);
      for (const char* key : {"ecosystem_specific", "database_specific"}) {
        if (const auto ds = node.find(key); ds != node.end() && ds->is_object() && a.severity.empty()) {
          a.severity = text(*ds, "severity");
          if (a.severity.empty()) a.severity = text(*ds, "urgency");
        }
      }
      v.affected.push_back(std::move(a));
    }
  }
  return v;
}

}  // namespace strata

namespace strata {

std::string to_osv_json(const Vulnerability& v) {
  using nlohmann::json;
  json doc = {{"id", v.id}, {"summary", v.summary}, {"modified", v.modified}};
  if (!v.aliases.empty()) doc["aliases"] = v.aliases;
  if (v.withdrawn) doc["withdrawn"] = "withdrawn";
  if (!v.source_severity.empty()) doc["database_specific"] = {{"severity", v.source_severity}};
  json severity = json::array();
  for (const auto& s : v.severity) severity.push_back({{"type", s.type}, {"score", s.score}});
  if (!severity.empty()) doc["severity"] = severity;
  json affected = json::array();
  for (const auto& a : v.affected) {
    json node = {{"package", {{"ecosystem", a.ecosystem}, {"name", a.package}}}};
    json ranges = json::array();
    for (const auto& r : a.ranges) {
      json events = json::array();
      for (const auto& e : r.events) {
        static constexpr const char* kKinds[] = {"introduced", "fixed", "last_affected", "limit"};
        events.push_back({{kKinds[e.kind], e.version}});
      }
      static constexpr const char* kTypes[] = {"ECOSYSTEM", "SEMVER", "GIT"};
      ranges.push_back({{"type", kTypes[r.type]}, {"events", events}});
    }
    if (!ranges.empty()) node["ranges"] = ranges;
    if (!a.versions.empty()) node["versions"] = a.versions;
    if (!a.severity.empty()) node["database_specific"] = {{"severity", a.severity}};
    affected.push_back(std::move(node));
  }
  doc["affected"] = affected;
  return doc.dump();
}

}  // namespace strata
