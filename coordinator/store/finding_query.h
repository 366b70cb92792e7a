// The fleet's findings asked as a question (GET /v1/findings and its CSV export): one tenant's
// findings filtered by vulnerability (an id or any alias), severity, fixability, package,
// ecosystem, the repository and tag or the labels of the scans that stored the image, when a
// finding was first seen, and the image; in one stable order, the findings' primary key
// (vulnerability, package, image), read a page at a time after a cursor. Every query is scoped by
// the tenant: a filter, a cursor or an alias never reaches another tenant's rows.
//
// Thread safety: a FindingQueries is used from the API's threads at once; each call takes a
// connection of its own from the pool.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "common/vulndb/model.h"
#include "coordinator/store/pg.h"
#include "coordinator/store/tenant_id.h"

namespace strata::coordinator {

enum class FindingState { kOpen, kResolved, kAll };

struct LabelFilter {
  std::string name;
  std::optional<std::string> value;  // none: the label with any value
};

// Each field narrows the answer; none set: every open finding of the tenant.
struct FindingFilter {
  std::optional<std::string> vulnerability;  // an id or any alias of it
  std::optional<SeverityLevel> min_severity;
  std::optional<bool> fixable;  // a fixed version is known (true) or not (false)
  std::optional<std::string> package;
  std::optional<std::string> ecosystem;  // a row name of common/ecosystems.h ("deb", "npm")
  std::optional<std::string> repository;
  std::optional<std::string> tag;
  std::optional<std::string> first_seen_before;  // RFC 3339 (or a date), already checked
  std::optional<std::string> first_seen_after;
  std::optional<std::string> image;  // a digest
  std::optional<LabelFilter> label;
  FindingState state = FindingState::kOpen;
};

// Where a page ended: the last finding's key. Opaque to clients (encode_cursor).
struct FindingCursor {
  std::string vuln_id;
  std::string package_name;
  std::string package_version;
  std::string package_arch;
  std::string package_path;
  std::int64_t image_id = 0;
};
std::string encode_cursor(const FindingCursor& cursor);
// kInvalidInput saying what is wrong with `token` when it is not a cursor encode_cursor made.
Result<FindingCursor> decode_cursor(std::string_view token);

struct FleetFinding {
  FindingCursor key;
  std::string image_digest;
  std::vector<std::string> refs;  // "repository:tag" (or the repository alone) pointing at the image
  std::vector<std::string> aliases;
  std::string ecosystem;
  std::string installed_version;
  std::optional<std::string> fixed_version;
  std::string severity;
  std::optional<double> cvss_score;
  std::int64_t db_generation = 0;
  std::string first_seen;
  std::string last_seen;
  std::optional<std::string> resolved_at;
};

class FindingQueries {
 public:
  explicit FindingQueries(PgPool& pool) : pool_(pool) {}

  // At most `limit` findings of `tenant` that pass `filter`, in key order after `after`.
  Result<std::vector<FleetFinding>> page(TenantId tenant, const FindingFilter& filter,
                                         const std::optional<FindingCursor>& after, std::size_t limit);

 private:
  PgPool& pool_;
};

}  // namespace strata::coordinator
