// The fleet's findings, for a key with the read scope:
//   GET /v1/findings[?FILTER=VALUE...][&cursor=C][&limit=N][&format=json|csv]
// Filters (each at most once; anything else is a 400 naming it):
//   vulnerability=ID        the id or any alias ("CVE-2024-1", "GHSA-…")
//   severity=LEVEL          at least: critical, high, medium, low, unknown
//   fixable=true|false      a fixed version is known, or not
//   package=NAME  ecosystem=NAME (deb, rpm, apk, pypi, npm, golang, maven, … or an alias)
//   repository=REPO  tag=TAG  of the refs the tenant's scans stored the image as
//   label=NAME[=VALUE]      a label of a scan that stored the image
//   first_seen_before=T  first_seen_after=T   RFC 3339 ("2026-11-30T12:00:00Z") or a date
//   image=sha256:…          state=open (default)|resolved|all
// JSON: {"findings": [...], "next": CURSOR or null, "limit": N} in one stable order (vulnerability,
// package, image); a limit over 1000 is capped, and "notice" says so. CSV (format=csv, or
// "Accept: text/csv"): every finding from the cursor on (at most `limit` when given), streamed a
// batch at a time, so an export of millions of rows holds one batch in memory.
#include <charconv>
#include <cstdio>
#include <limits>
#include <memory>
#include <set>

#include "common/digest.h"
#include "common/ecosystems.h"
#include "common/log.h"
#include "common/report/csv_row.h"
#include "coordinator/api/api_json.h"
#include "coordinator/api/routes.h"
#include "coordinator/store/finding_query.h"

namespace strata::coordinator {
namespace {

constexpr std::size_t kDefaultPage = 100;
constexpr std::size_t kMaxPage = 1000;
constexpr std::size_t kCsvBatch = 5000;

struct FindingRequest {
  FindingFilter filter;
  std::optional<FindingCursor> after;
  std::size_t limit = kDefaultPage;
  std::optional<std::size_t> csv_limit;  // CSV: a total, only when asked
  bool csv = false;
  std::optional<std::string> notice;
};

// `digits` decimal digits of `text` at `at`, as a number within [low, high]; nullopt otherwise.
std::optional<int> field(std::string_view text, std::size_t at, std::size_t digits, int low, int high) {
  if (at + digits > text.size()) return std::nullopt;
  int n = 0;
  for (std::size_t i = at; i < at + digits; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    n = n * 10 + (text[i] - '0');
  }
  if (n < low || n > high) return std::nullopt;
  return n;
}

// RFC 3339: YYYY-MM-DD, then optionally [T ]HH:MM:SS[.fraction](Z|±HH:MM). A date alone means
// its midnight UTC. What PostgreSQL then reads is always a whole, zoned time.
bool rfc3339(std::string_view t) {
  if (!field(t, 0, 4, 0, 9999) || t.size() < 10 || t[4] != '-' || !field(t, 5, 2, 1, 12) || t[7] != '-' ||
      !field(t, 8, 2, 1, 31)) {
    return false;
  }
  if (t.size() == 10) return true;
  if ((t[10] != 'T' && t[10] != 't' && t[10] != ' ') || !field(t, 11, 2, 0, 23) || t.size() < 19 || t[13] != ':' ||
      !field(t, 14, 2, 0, 59) || t[16] != ':' || !field(t, 17, 2, 0, 60)) {
    return false;
  }
  std::size_t at = 19;
  if (at < t.size() && t[at] == '.') {
    const std::size_t start = ++at;
    while (at < t.size() && t[at] >= '0' && t[at] <= '9') ++at;
    if (at == start || at - start > 6) return false;
  }
  if (at < t.size() && (t[at] == 'Z' || t[at] == 'z')) return at + 1 == t.size();
  return at + 6 == t.size() && (t[at] == '+' || t[at] == '-') && field(t, at + 1, 2, 0, 23) && t[at + 3] == ':' &&
         field(t, at + 4, 2, 0, 59);
}

Result<std::string> timestamp(const std::string& name, const std::string& value) {
  if (!rfc3339(value)) {
    return fail(ErrorCode::kInvalidInput, name + " '" + value + "' is not an RFC 3339 time (2026-11-30T12:00:00Z) or a date");
  }
  return value.size() == 10 ? value + "T00:00:00Z" : value;
}

Result<FindingRequest> parse_request(const httplib::Request& req) {
  FindingRequest out;
  FindingFilter& f = out.filter;
  auto bad = [](std::string why) { return fail(ErrorCode::kInvalidInput, std::move(why)); };
  std::set<std::string> seen;
  for (const auto& [name, value] : query_params(req)) {
    if (!seen.insert(name).second) return bad(name + " is given more than once");
    if (value.empty()) return bad(name + " is empty");
    if (name == "vulnerability") {
      f.vulnerability = value;
    } else if (name == "severity") {
      f.min_severity = parse_severity_level(value);
      if (!f.min_severity) return bad("severity '" + value + "' is not one of critical, high, medium, low, unknown");
    } else if (name == "fixable") {
      if (value != "true" && value != "false") return bad("fixable must be true or false, not '" + value + "'");
      f.fixable = value == "true";
    } else if (name == "package") {
      f.package = value;
    } else if (name == "ecosystem") {
      const EcosystemInfo* e = find_ecosystem(value);
      if (e == nullptr) return bad("ecosystem '" + value + "' is not one of " + ecosystem_names());
      f.ecosystem = std::string(e->name);
    } else if (name == "repository") {
      f.repository = value;
    } else if (name == "tag") {
      f.tag = value;
    } else if (name == "label") {
      const std::size_t eq = value.find('=');
      if (eq == 0) return bad("label '" + value + "' must be NAME or NAME=VALUE");
      f.label = eq == std::string::npos ? LabelFilter{value, std::nullopt}
                                        : LabelFilter{value.substr(0, eq), value.substr(eq + 1)};
    } else if (name == "first_seen_before" || name == "first_seen_after") {
      auto t = timestamp(name, value);
      if (!t) return std::unexpected(t.error());
      (name == "first_seen_before" ? f.first_seen_before : f.first_seen_after) = *t;
    } else if (name == "image") {
      if (!Digest::parse(value)) return bad("image '" + value + "' is not a digest (sha256: and 64 hex digits)");
      f.image = value;
    } else if (name == "state") {
      if (value == "open") f.state = FindingState::kOpen;
      else if (value == "resolved") f.state = FindingState::kResolved;
      else if (value == "all") f.state = FindingState::kAll;
      else return bad("state must be open, resolved or all, not '" + value + "'");
    } else if (name == "cursor") {
      auto cursor = decode_cursor(value);
      if (!cursor) return std::unexpected(cursor.error());
      out.after = std::move(*cursor);
    } else if (name == "limit") {
      std::int64_t n = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec == std::errc::result_out_of_range) n = std::numeric_limits<std::int64_t>::max();
      else if (ec != std::errc() || end != value.data() + value.size() || n < 1) return bad("limit must be a whole number from 1");
      out.csv_limit = static_cast<std::size_t>(n);
      out.limit = std::min(static_cast<std::size_t>(n), kMaxPage);
      if (static_cast<std::size_t>(n) > kMaxPage) {
        out.notice = "limit " + value + " is over the maximum of " + std::to_string(kMaxPage) + "; a page holds at most " +
                     std::to_string(kMaxPage) + " findings";
      }
    } else if (name == "format") {
      if (value != "json" && value != "csv") return bad("format must be json or csv, not '" + value + "'");
      out.csv = value == "csv";
    } else {
      return bad("unknown parameter '" + name + "' (known: vulnerability, severity, fixable, package, ecosystem, "
                 "repository, tag, label, first_seen_before, first_seen_after, image, state, cursor, limit, format)");
    }
  }
  if (!seen.contains("format") && req.get_header_value("Accept").find("text/csv") != std::string::npos) out.csv = true;
  if (!out.csv) out.csv_limit.reset();
  return out;
}

Json finding_json(const FleetFinding& f) {
  return {{"image", {{"digest", f.image_digest}, {"refs", f.refs}}},
          {"vulnerability", {{"id", f.key.vuln_id}, {"aliases", f.aliases}}},
          {"package", {{"name", f.key.package_name}, {"version", f.key.package_version}, {"arch", f.key.package_arch},
                       {"path", f.key.package_path}, {"ecosystem", f.ecosystem}}},
          {"installed_version", f.installed_version},
          {"fixed_version", f.fixed_version ? Json(*f.fixed_version) : Json(nullptr)},
          {"severity", f.severity},
          {"cvss_score", f.cvss_score ? Json(*f.cvss_score) : Json(nullptr)},
          {"db_generation", f.db_generation},
          {"first_seen", f.first_seen},
          {"last_seen", f.last_seen},
          {"resolved_at", f.resolved_at ? Json(*f.resolved_at) : Json(nullptr)}};
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : " ") + item;
  return out;
}

constexpr std::string_view kCsvHeader =
    "image,refs,vulnerability,aliases,severity,cvss_score,ecosystem,package,version,arch,path,installed_version,"
    "fixed_version,first_seen,last_seen,resolved_at,db_generation\r\n";

void append_csv(std::string& out, const FleetFinding& f) {
  char score[16] = "";
  if (f.cvss_score) std::snprintf(score, sizeof score, "%.1f", *f.cvss_score);
  append_csv_row(out, {f.image_digest, join(f.refs), f.key.vuln_id, join(f.aliases), f.severity, score, f.ecosystem,
                       f.key.package_name, f.key.package_version, f.key.package_arch, f.key.package_path,
                       f.installed_version, f.fixed_version.value_or(""), f.first_seen, f.last_seen,
                       f.resolved_at.value_or(""), std::to_string(f.db_generation)});
}

// The CSV answer, produced batch by batch as the client reads it. A store error after the first
// batch can only cut the stream short: the status line has gone out.
void stream_csv(FindingQueries& queries, TenantId tenant, FindingRequest request, httplib::Response& res) {
  struct Export {
    FindingRequest request;
    std::size_t sent = 0;
    bool header = false;
  };
  // The first batch is read now, so that a store that cannot answer gets a 503, not an empty file.
  auto first = queries.page(tenant, request.filter, request.after, std::min(kCsvBatch, request.csv_limit.value_or(kCsvBatch)));
  if (!first) {
    log_error("api", "reading findings: " + first.error().message());
    return send_error(res, 503, "the findings cannot be read now; try again shortly");
  }
  auto state = std::make_shared<Export>(Export{std::move(request)});
  auto pending = std::make_shared<std::vector<FleetFinding>>(std::move(*first));
  res.set_header("Content-Disposition", "attachment; filename=\"findings.csv\"");
  res.set_chunked_content_provider("text/csv", [&queries, tenant, state, pending](std::size_t, httplib::DataSink& sink) {
    std::string out;
    if (!state->header) {
      out += kCsvHeader;
      state->header = true;
    }
    std::vector<FleetFinding> batch = std::move(*pending);
    pending->clear();
    const bool last_batch = batch.size() < kCsvBatch;
    for (const auto& f : batch) append_csv(out, f);
    state->sent += batch.size();
    if (!batch.empty()) state->request.after = batch.back().key;
    if (!out.empty() && !sink.write(out.data(), out.size())) return false;
    const std::size_t cap = state->request.csv_limit.value_or(std::numeric_limits<std::size_t>::max());
    if (last_batch || state->sent >= cap) {
      sink.done();
      return true;
    }
    auto next = queries.page(tenant, state->request.filter, state->request.after, std::min(kCsvBatch, cap - state->sent));
    if (!next) {
      log_error("api", "reading findings for a CSV export: " + next.error().message());
      return false;  // cut short: the client sees a truncated chunked body, not a complete file
    }
    *pending = std::move(*next);
    return true;
  });
}

}  // namespace

void add_finding_routes(Routes& routes, ApiServices& s) {
  routes.add(Method::kGet, "/v1/findings", kScopeRead, "", [&s](Call& call) {
    auto request = parse_request(call.req);
    if (!request) return send_error(call.res, 400, request.error().message());
    if (request->csv) return stream_csv(s.findings, call.caller.tenant, std::move(*request), call.res);
    auto page = s.findings.page(call.caller.tenant, request->filter, request->after, request->limit);
    if (!page) {
      log_error("api", "reading findings: " + page.error().message());
      return send_error(call.res, 503, "the findings cannot be read now; try again shortly");
    }
    Json list = Json::array();
    for (const auto& f : *page) list.push_back(finding_json(f));
    Json body = {{"findings", list},
                 {"next", page->size() == request->limit ? Json(encode_cursor(page->back().key)) : Json(nullptr)},
                 {"limit", request->limit}};
    if (request->notice) body["notice"] = *request->notice;
    send_json(call.res, 200, body);
  });
}

}  // namespace strata::coordinator
