#include "coordinator/store/finding_query.h"

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "common/registry/docker_config.h"
#include "coordinator/store/sql.h"

namespace strata::coordinator {

using sql::err;
using sql::string_list;

namespace {

// The severities at or above `level`, as a PostgreSQL text array literal.
std::string severities_from(SeverityLevel level) {
  std::string out = "{";
  for (auto s : {SeverityLevel::kUnknown, SeverityLevel::kLow, SeverityLevel::kMedium, SeverityLevel::kHigh,
                 SeverityLevel::kCritical}) {
    if (s < level) continue;
    if (out.size() > 1) out += ',';
    out += to_string(s);
  }
  return out + "}";
}

// The WHERE clause of `filter` for the findings `f` of tenant $1, its values appended to `params`.
std::string conditions(const FindingFilter& filter, PgParams& params) {
  auto param = [&params](std::string value) {
    params.push_back(std::move(value));
    return "$" + std::to_string(params.size());
  };
  std::string where = "f.tenant_id = $1";
  switch (filter.state) {
    case FindingState::kOpen: where += " AND f.resolved_at IS NULL"; break;
    case FindingState::kResolved: where += " AND f.resolved_at IS NOT NULL"; break;
    case FindingState::kAll: break;
  }
  if (filter.vulnerability) {
    const std::string id = param(*filter.vulnerability);
    where += " AND f.vuln_id IN (SELECT " + id + "::text UNION SELECT vuln_id FROM finding_aliases WHERE alias = " + id + ")";
  }
  if (filter.min_severity) where += " AND f.severity = ANY(" + param(severities_from(*filter.min_severity)) + "::text[])";
  if (filter.fixable) {
    where += *filter.fixable ? " AND COALESCE(f.fixed_version, '') <> ''" : " AND COALESCE(f.fixed_version, '') = ''";
  }
  if (filter.package) where += " AND f.package_name = " + param(*filter.package);
  if (filter.ecosystem) where += " AND f.ecosystem = " + param(*filter.ecosystem);
  if (filter.repository || filter.tag) {
    where += " AND f.image_id IN (SELECT r.image_id FROM image_refs r WHERE r.tenant_id = $1";
    if (filter.repository) where += " AND r.repository = " + param(*filter.repository);
    if (filter.tag) where += " AND r.tag = " + param(*filter.tag);
    where += ")";
  }
  if (filter.label) {
    where += " AND f.image_id IN (SELECT l.image_id FROM image_labels l WHERE l.tenant_id = $1 AND l.name = " +
             param(filter.label->name);
    if (filter.label->value) where += " AND l.value = " + param(*filter.label->value);
    where += ")";
  }
  if (filter.image) {
    where += " AND f.image_id = (SELECT id FROM images WHERE tenant_id = $1 AND digest = " + param(*filter.image) + ")";
  }
  if (filter.first_seen_before) where += " AND f.first_seen < " + param(*filter.first_seen_before) + "::timestamptz";
  if (filter.first_seen_after) where += " AND f.first_seen > " + param(*filter.first_seen_after) + "::timestamptz";
  return where;
}

}  // namespace

std::string encode_cursor(const FindingCursor& c) {
  const nlohmann::json key = {c.vuln_id, c.package_name, c.package_version, c.package_arch, c.package_path, c.image_id};
  // base64url without padding: a cursor goes into a URL as it is.
  std::string token = base64_encode(key.dump());
  for (char& ch : token) {
    if (ch == '+') ch = '-';
    if (ch == '/') ch = '_';
  }
  while (!token.empty() && token.back() == '=') token.pop_back();
  return token;
}

Result<FindingCursor> decode_cursor(std::string_view token) {
  auto bad = [] { return fail(ErrorCode::kInvalidInput, "cursor: not a cursor this API returned (take \"next\" of a page)"); };
  if (token.empty() || token.size() > 4096) return bad();
  std::string text(token);
  for (char& ch : text) {
    if (ch == '-') ch = '+';
    else if (ch == '_') ch = '/';
    else if (ch == '+' || ch == '/' || ch == '=') return bad();
  }
  while (text.size() % 4 != 0) text += '=';
  auto bytes = base64_decode(text);
  if (!bytes) return bad();
  const auto key = nlohmann::json::parse(*bytes, nullptr, /*allow_exceptions=*/false);
  if (!key.is_array() || key.size() != 6 || !key[5].is_number_integer()) return bad();
  for (std::size_t i = 0; i < 5; ++i) {
    if (!key[i].is_string()) return bad();
  }
  return FindingCursor{key[0].get<std::string>(), key[1].get<std::string>(), key[2].get<std::string>(),
                       key[3].get<std::string>(), key[4].get<std::string>(), key[5].get<std::int64_t>()};
}

Result<std::vector<FleetFinding>> FindingQueries::page(TenantId tenant, const FindingFilter& filter,
                                                       const std::optional<FindingCursor>& after, std::size_t limit) {
  PgParams params{std::to_string(tenant)};
  std::string where = conditions(filter, params);
  if (after) {
    // A row comparison in the primary key's order: the index reads on from the cursor.
    const std::size_t n = params.size();
    for (const std::string* v : {&after->vuln_id, &after->package_name, &after->package_version, &after->package_arch,
                                 &after->package_path}) {
      params.push_back(*v);
    }
    params.push_back(std::to_string(after->image_id));
    auto p = [n](std::size_t k) { return "$" + std::to_string(n + k); };
    where += " AND (f.vuln_id, f.package_name, f.package_version, f.package_arch, f.package_path, f.image_id) > (" +
             p(1) + ", " + p(2) + ", " + p(3) + ", " + p(4) + ", " + p(5) + ", " + p(6) + "::bigint)";
  }
  params.push_back(std::to_string(limit));
  auto db = pool_.acquire();
  if (!db) return err(db);
  auto r = (*db)->exec(
      std::string("SELECT f.vuln_id, f.package_name, f.package_version, f.package_arch, f.package_path, f.image_id, "
                  "f.ecosystem, f.installed_version, f.fixed_version, f.severity, f.cvss_score, f.db_generation, "
                  "to_char(f.first_seen AT TIME ZONE 'UTC', ") + sql::kUtcTimestamp + "), to_char(f.last_seen AT TIME ZONE 'UTC', " +
          sql::kUtcTimestamp + "), to_char(f.resolved_at AT TIME ZONE 'UTC', " + sql::kUtcTimestamp + ") FROM findings f WHERE " + where +
          " ORDER BY f.vuln_id, f.package_name, f.package_version, f.package_arch, f.package_path, f.image_id LIMIT $" +
          std::to_string(params.size()),
      params);
  if (!r) return err(r);
  std::vector<FleetFinding> out;
  out.reserve(static_cast<std::size_t>(r->rows()));
  std::set<std::int64_t> image_ids;
  std::set<std::string> vuln_ids;
  for (int i = 0; i < r->rows(); ++i) {
    FleetFinding f;
    f.key = {std::string(r->get(i, 0)), std::string(r->get(i, 1)), std::string(r->get(i, 2)),
             std::string(r->get(i, 3)), std::string(r->get(i, 4)), r->integer(i, 5)};
    f.ecosystem = r->get(i, 6);
    f.installed_version = r->get(i, 7);
    f.fixed_version = r->optional(i, 8);
    f.severity = r->get(i, 9);
    if (!r->null(i, 10)) f.cvss_score = std::stod(std::string(r->get(i, 10)));
    f.db_generation = r->integer(i, 11);
    f.first_seen = r->get(i, 12);
    f.last_seen = r->get(i, 13);
    f.resolved_at = r->optional(i, 14);
    image_ids.insert(f.key.image_id);
    vuln_ids.insert(f.key.vuln_id);
    out.push_back(std::move(f));
  }
  if (out.empty()) return out;
  // Each image's digest and refs, and each vulnerability's aliases, once a page rather than once
  // a row: a page of 5,000 findings names a few hundred images and vulnerabilities.
  auto images = (*db)->exec("SELECT i.id, i.digest, COALESCE((SELECT json_agg(r.repository || CASE WHEN r.tag = '' THEN "
                            "'' ELSE ':' || r.tag END ORDER BY r.repository, r.tag) FROM image_refs r WHERE r.image_id = "
                            "i.id), '[]') FROM images i WHERE i.tenant_id = $1 AND i.id IN (SELECT "
                            "json_array_elements_text($2::json)::bigint)",
                            {std::to_string(tenant), nlohmann::json(image_ids).dump()});
  if (!images) return err(images);
  std::map<std::int64_t, std::pair<std::string, std::vector<std::string>>> by_image;
  for (int i = 0; i < images->rows(); ++i) {
    by_image[images->integer(i, 0)] = {std::string(images->get(i, 1)), string_list(images->get(i, 2))};
  }
  auto aliases = (*db)->exec("SELECT vuln_id, json_agg(alias ORDER BY alias) FROM finding_aliases WHERE vuln_id IN "
                             "(SELECT json_array_elements_text($1::json)) GROUP BY vuln_id",
                             {nlohmann::json(vuln_ids).dump()});
  if (!aliases) return err(aliases);
  std::map<std::string, std::vector<std::string>, std::less<>> by_vuln;
  for (int i = 0; i < aliases->rows(); ++i) by_vuln[std::string(aliases->get(i, 0))] = string_list(aliases->get(i, 1));
  for (FleetFinding& f : out) {
    if (auto it = by_image.find(f.key.image_id); it != by_image.end()) {
      f.image_digest = it->second.first;
      f.refs = it->second.second;
    }
    if (auto it = by_vuln.find(f.key.vuln_id); it != by_vuln.end()) f.aliases = it->second;
  }
  return out;
}

}  // namespace strata::coordinator
