#include "coordinator/store/event_store.h"

#include "coordinator/store/sql.h"

namespace strata::coordinator {

using sql::err;
using sql::string_list;

namespace {

// Severity names in rank order, for the SQL that compares them.
std::string severity_rank(const std::string& column) {
  return "CASE " + column + " WHEN 'CRITICAL' THEN 4 WHEN 'HIGH' THEN 3 WHEN 'MEDIUM' THEN 2 WHEN 'LOW' THEN 1 ELSE 0 END";
}

}  // namespace

nlohmann::ordered_json event_json(const FindingEvent& e) {
  using J = nlohmann::ordered_json;
  J out = {{"id", std::to_string(e.id)},
           {"type", e.kind},
           {"generation", e.generation},
           {"created_at", e.created_at},
           {"image", {{"digest", e.image_digest}, {"refs", e.refs}}},
           {"vulnerability", {{"id", e.vuln_id}, {"aliases", e.aliases}}},
           {"package", {{"name", e.package_name}, {"version", e.package_version}, {"arch", e.package_arch},
                        {"path", e.package_path}}},
           {"installed_version", e.installed_version},
           {"fixed_version", e.fixed_version ? J(*e.fixed_version) : J(nullptr)},
           {"severity", e.severity}};
  if (e.kind == "finding.changed") {
    out["previous"] = {{"severity", e.previous_severity ? J(*e.previous_severity) : J(nullptr)},
                       {"fixed_version", e.previous_fixed ? J(*e.previous_fixed) : J(nullptr)}};
  }
  return out;
}

Result<std::vector<FindingEvent>> EventStore::after(TenantId tenant, std::int64_t after, std::size_t limit,
                                                    std::optional<SeverityLevel> min_severity) {
  auto db = pool_.acquire();
  if (!db) return err(db);
  const std::string rank = "GREATEST(" + severity_rank("e.severity") + ", " + severity_rank("e.previous_severity") + ")";
  auto r = (*db)->exec(
      "SELECT e.id, e.kind, e.generation, to_char(e.created_at AT TIME ZONE 'UTC', "
      "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), e.image_digest, COALESCE((SELECT json_agg(DISTINCT s.ref ORDER BY s.ref) "
      "FROM scan_images s WHERE s.tenant_id = e.tenant_id AND s.image_digest = e.image_digest AND s.state = 'done'), "
      "'[]'), e.vuln_id, e.aliases, e.package_name, e.package_version, e.package_arch, e.package_path, "
      "e.installed_version, e.fixed_version, e.severity, e.previous_severity, e.previous_fixed "
      "FROM finding_events e WHERE e.tenant_id = $1 AND e.id > $2 AND e.id <= " + std::string(kPublishedEventId) +
      " AND " + rank + " >= $4 ORDER BY e.id LIMIT $3",
      {std::to_string(tenant), std::to_string(after), std::to_string(limit),
       std::to_string(min_severity ? static_cast<int>(*min_severity) : 0)});
  if (!r) return err(r);
  std::vector<FindingEvent> out;
  for (int i = 0; i < r->rows(); ++i) {
    FindingEvent e;
    e.id = r->integer(i, 0);
    e.kind = r->get(i, 1);
    e.generation = static_cast<std::uint64_t>(r->integer(i, 2));
    e.created_at = r->get(i, 3);
    e.image_digest = r->get(i, 4);
    e.refs = string_list(r->get(i, 5));
    e.vuln_id = r->get(i, 6);
    e.aliases = string_list(r->get(i, 7));
    e.package_name = r->get(i, 8);
    e.package_version = r->get(i, 9);
    e.package_arch = r->get(i, 10);
    e.package_path = r->get(i, 11);
    e.installed_version = r->get(i, 12);
    e.fixed_version = r->optional(i, 13);
    e.severity = r->get(i, 14);
    e.previous_severity = r->optional(i, 15);
    e.previous_fixed = r->optional(i, 16);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace strata::coordinator
