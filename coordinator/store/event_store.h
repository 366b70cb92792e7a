// The tenants' finding events (finding.new, finding.resolved, finding.changed) that rescans
// write, read in id order after a cursor: by GET /v1/events and by each webhook's delivery. A
// read is scoped by tenant like every other; a foreign cursor only skips the tenant's own events.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/vulndb/model.h"
#include "coordinator/store/pg.h"
#include "coordinator/store/tenant_id.h"

namespace strata::coordinator {

// The newest event id a reader may see (SQL, a scalar subquery): every id up to it is committed,
// while a rescan's parts may still be committing later ones (migration 019).
inline constexpr const char* kPublishedEventId = "(SELECT through FROM finding_events_published)";

struct FindingEvent {
  std::int64_t id = 0;
  std::string kind;
  std::uint64_t generation = 0;
  std::string created_at;
  std::string image_digest;
  std::vector<std::string> refs;  // the refs of the tenant's scans that stored the image
  std::string vuln_id;
  std::vector<std::string> aliases;
  std::string package_name;
  std::string package_version;
  std::string package_arch;
  std::string package_path;
  std::string installed_version;
  std::optional<std::string> fixed_version;
  std::string severity;
  std::optional<std::string> previous_severity;  // finding.changed
  std::optional<std::string> previous_fixed;
};

// The event as the API and webhooks send it.
nlohmann::ordered_json event_json(const FindingEvent& event);

class EventStore {
 public:
  explicit EventStore(PgPool& pool) : pool_(pool) {}

  // The tenant's events with id > after, oldest first, at most `limit`; with `min_severity`, only
  // those whose severity (or, for a change, its previous severity) reaches it.
  Result<std::vector<FindingEvent>> after(TenantId tenant, std::int64_t after, std::size_t limit,
                                          std::optional<SeverityLevel> min_severity = std::nullopt);

 private:
  PgPool& pool_;
};

}  // namespace strata::coordinator
