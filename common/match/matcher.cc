#include "common/match/matcher.h"

#include <algorithm>
#include <map>
#include <set>

#include "common/vulndb/cvss.h"
#include "common/vulndb/cvss4.h"
#include "common/vulndb/ecosystem.h"

namespace strata {
namespace {

bool is_zero(const std::string& v) { return v == "0"; }

// -1, 0, 1, or the comparator's error (which names the version it refused): the caller turns it
// into a warning on the report, never drops it.
Result<int> cmp(const VersionComparator& c, std::string_view a, std::string_view b) {
  auto r = c.compare(a, b);
  if (!r) return std::unexpected(r.error());
  return *r < 0 ? -1 : *r > 0 ? 1 : 0;
}

std::unexpected<Error> not_comparable(const Error& why) {
  return fail(ErrorCode::kInvalidInput, "version cannot be compared: " + why.message());
}

// OSV's evaluation: walk the events in version order; introduced opens, fixed closes at that
// version, last_affected closes after it; a limit bounds the range from above.
Result<AffectedVerdict> evaluate_range(const AffectedRange& range, std::string_view version,
                                       const VersionComparator& c) {
  std::vector<RangeEvent> events;
  std::vector<std::string> limits;
  for (const auto& e : range.events) {
    if (e.kind == RangeEvent::kLimit) {
      if (e.version != "*") limits.push_back(e.version);
    } else {
      events.push_back(e);
    }
  }
  std::optional<Error> bad;
  std::stable_sort(events.begin(), events.end(), [&](const RangeEvent& a, const RangeEvent& b) {
    if (is_zero(a.version) && a.kind == RangeEvent::kIntroduced) return !(is_zero(b.version) && b.kind == RangeEvent::kIntroduced);
    if (is_zero(b.version) && b.kind == RangeEvent::kIntroduced) return false;
    const auto r = cmp(c, a.version, b.version);
    if (!r) {
      if (!bad) bad = r.error();
      return false;
    }
    return *r < 0;
  });
  if (bad) return fail(ErrorCode::kInvalidInput, "a range names a version the ecosystem does not accept: " + bad->message());
  AffectedVerdict verdict;
  bool affected = false;
  for (const auto& e : events) {
    if (e.kind == RangeEvent::kIntroduced) {
      const auto r = is_zero(e.version) ? Result<int>(1) : cmp(c, version, e.version);
      if (!r) return not_comparable(r.error());
      if (*r >= 0) affected = true;
    } else if (e.kind == RangeEvent::kFixed) {
      const auto r = cmp(c, version, e.version);
      if (!r) return not_comparable(r.error());
      if (*r >= 0) {
        affected = false;
      } else if (affected && !verdict.fixed_version) {
        verdict.fixed_version = e.version;
      }
    } else if (e.kind == RangeEvent::kLastAffected) {
      const auto r = cmp(c, version, e.version);
      if (!r) return not_comparable(r.error());
      if (*r > 0) affected = false;
    }
  }
  for (const auto& limit : limits) {
    const auto r = cmp(c, version, limit);
    if (!r) return not_comparable(r.error());
    if (*r >= 0) affected = false;
  }
  verdict.affected = affected;
  if (!affected) verdict.fixed_version.reset();
  return verdict;
}

}  // namespace

Result<AffectedVerdict> evaluate_affected(const Affected& affected, std::string_view version,
                                          const VersionComparator& comparator) {
  AffectedVerdict verdict;
  for (const auto& listed : affected.versions) {
    const auto r = cmp(comparator, version, listed);
    if ((r && *r == 0) || listed == version) verdict.affected = true;
  }
  std::optional<Error> last_error;
  for (const auto& range : affected.ranges) {
    if (range.type == AffectedRange::kGit) continue;
    const VersionComparator& c =
        range.type == AffectedRange::kSemver && &comparator != &ecosystem_info(Ecosystem::kGolang).comparator()
            ? semver_version_order()
            : comparator;
    auto r = evaluate_range(range, version, c);
    if (!r) {
      last_error = r.error();
      continue;
    }
    if (r->affected) {
      verdict.affected = true;
      if (r->fixed_version && !verdict.fixed_version) {
        verdict.fixed_version = r->fixed_version;
      } else if (r->fixed_version) {
        // The lower fix of two ranges; both were compared with the version already, so they parse.
        const auto order = cmp(c, *r->fixed_version, *verdict.fixed_version);
        if (!order || *order < 0) verdict.fixed_version = r->fixed_version;
      }
    }
  }
  if (!verdict.affected && last_error) return std::unexpected(*last_error);
  return verdict;
}

RecordSeverity record_severity(const Vulnerability& v, const Affected* affected) {
  for (const auto& s : v.severity) {
    if (s.type == "CVSS_V3") {
      if (auto score = cvss3_base_score(s.score)) return {cvss_rating(*score), "cvss_v3", *score, s.score};
    }
  }
  for (const auto& s : v.severity) {
    if (s.type == "CVSS_V4") {
      if (auto score = cvss4_score(s.score)) return {cvss_rating(*score), "cvss_v4", *score, s.score};
    }
  }
  if (!v.source_severity.empty()) {
    if (auto level = parse_severity_level(v.source_severity)) {
      return {*level, v.id.starts_with("GHSA-") ? "ghsa" : "advisory", std::nullopt, ""};
    }
  }
  for (const auto& s : v.severity) {
    if (s.type != "CVSS_V3" && s.type != "CVSS_V2" && s.type != "CVSS_V4") {
      if (auto level = parse_severity_level(s.score)) {
        std::string source = s.type;
        for (auto& ch : source) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        return {*level, source, std::nullopt, ""};
      }
    }
  }
  if (affected != nullptr && !affected->severity.empty()) {
    if (auto level = parse_severity_level(affected->severity)) {
      const std::string base = affected->ecosystem.substr(0, affected->ecosystem.find(':'));
      std::string source;
      for (const char ch : base) source += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      return {*level, source, std::nullopt, ""};
    }
  }
  return {};
}

std::vector<Finding> match_package(const ImagePackage& ip, const MatchQuery& query,
                                   const std::vector<Vulnerability>& records, std::vector<std::string>& warnings) {
  std::vector<Finding> out;
  // Per package: each matching record, then merged by alias.
  std::vector<Finding> hits;
  for (const auto& v : records) {
    if (v.withdrawn) continue;
    for (const auto& a : v.affected) {
      if (ecosystem_key(a.ecosystem) != query.ecosystem_key ||
          normalize_package_name(query.ecosystem_key, a.package) != query.package) {
        continue;
      }
      const EcosystemInfo* ordered_by = ecosystem_of_osv(a.ecosystem);
      if (ordered_by == nullptr) continue;
      auto verdict = evaluate_affected(a, query.version, ordered_by->comparator());
      if (!verdict) {
        warnings.push_back(v.id + " for " + ip.package.name + " " + query.version + ": " +
                                  verdict.error().message());
        continue;
      }
      if (!verdict->affected) continue;
      Finding f;
      f.id = v.id;
      f.aliases = v.aliases;
      f.summary = v.summary;
      f.package = ip;
      f.installed_version = query.version;
      f.fixed_version = verdict->fixed_version;
      const RecordSeverity s = record_severity(v, &a);
      f.severity = s.level;
      f.severity_source = s.source;
      f.cvss_score = s.score;
      f.cvss_vector = s.vector;
      hits.push_back(std::move(f));
      break;
    }
  }
  // Union records whose id sets meet.
  std::vector<std::size_t> parent(hits.size());
  for (std::size_t i = 0; i < hits.size(); ++i) parent[i] = i;
  auto find = [&](std::size_t i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  };
  std::map<std::string, std::size_t> owner;
  for (std::size_t i = 0; i < hits.size(); ++i) {
    std::vector<std::string> ids = hits[i].aliases;
    ids.push_back(hits[i].id);
    for (const auto& id : ids) {
      const auto [it, fresh] = owner.emplace(id, i);
      if (!fresh) parent[find(i)] = find(it->second);
    }
  }
  std::map<std::size_t, std::vector<const Finding*>> groups;
  for (std::size_t i = 0; i < hits.size(); ++i) groups[find(i)].push_back(&hits[i]);
  for (const auto& [root, members] : groups) {
    std::set<std::string> ids;
    for (const Finding* f : members) {
      ids.insert(f->id);
      ids.insert(f->aliases.begin(), f->aliases.end());
    }
    Finding merged = *members.front();
    const auto cve = std::find_if(ids.begin(), ids.end(), [](const std::string& id) { return id.starts_with("CVE-"); });
    merged.id = cve != ids.end() ? *cve : *ids.begin();
    merged.aliases.assign(ids.begin(), ids.end());
    std::erase(merged.aliases, merged.id);
    for (const Finding* f : members) {
      if (f->severity > merged.severity) {
        merged.severity = f->severity;
        merged.severity_source = f->severity_source;
        merged.cvss_score = f->cvss_score;
        merged.cvss_vector = f->cvss_vector;
      }
      if (!merged.fixed_version && f->fixed_version) merged.fixed_version = f->fixed_version;
      if (merged.summary.empty()) merged.summary = f->summary;
    }
    out.push_back(std::move(merged));
  }
  return out;
}

MatchReport match_image(const ImageView& view, VulnerabilitySource& source) {
  MatchReport report;
  const auto os_packages = std::count_if(view.packages.begin(), view.packages.end(),
                                         [](const ImagePackage& ip) { return is_os_ecosystem(ip.package.ecosystem); });
  if (os_packages > 0 && (!view.distro || view.distro->namespace_.empty())) {
    // Without a distro there is no feed whose fixes apply: say so rather than report nothing.
    report.warnings.push_back("no known distribution detected (no usable /etc/os-release); " +
                              std::to_string(os_packages) + " OS packages were not matched");
  }
  std::map<std::pair<std::string, std::string>, Result<std::vector<Vulnerability>>> lookups;
  for (const auto& ip : view.packages) {
    const auto query = match_query(ip.package, view.distro);
    if (!query) continue;
    // Several binary packages share one source package: look each source up once per image.
    auto cached = lookups.find({query->ecosystem_key, query->package});
    if (cached == lookups.end()) {
      cached = lookups.emplace(std::pair{query->ecosystem_key, query->package},
                               source.candidates(query->ecosystem_key, query->package)).first;
    }
    const auto& records = cached->second;
    if (!records) {
      report.warnings.push_back(ip.package.name + ": " + records.error().message());
      continue;
    }
    for (auto& f : match_package(ip, *query, *records, report.warnings)) report.findings.push_back(std::move(f));
  }
  std::sort(report.findings.begin(), report.findings.end(), [](const Finding& a, const Finding& b) {
    if (a.package.package.name != b.package.package.name) return a.package.package.name < b.package.package.name;
    if (a.severity != b.severity) return a.severity > b.severity;
    return a.id < b.id;
  });
  return report;
}

}  // namespace strata
