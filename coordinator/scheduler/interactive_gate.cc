#include "coordinator/scheduler/interactive_gate.h"

#include <optional>
#include <thread>

namespace strata::coordinator {

InteractiveGate::InteractiveGate(InteractiveGateConfig config)
    : config_(config),
      // statement_timestamp(), not now(): inside a transaction now() is the transaction's start.
      // The partial index scans_unfinished holds only unfinished scans, so this reads a few rows.
      busy_sql_("SELECT EXISTS (SELECT 1 FROM scans WHERE state <> 'done' AND priority = 'interactive' AND "
                "created_at > statement_timestamp() - make_interval(secs => " +
                std::to_string(config.recent.count()) + "))") {}

Result<std::chrono::milliseconds> InteractiveGate::give_way(PgConnection& db) const {
  using Clock = std::chrono::steady_clock;
  if (config_.at_most.count() <= 0) return std::chrono::milliseconds(0);
  const auto start = Clock::now();
  std::optional<Clock::time_point> last_busy;
  for (;;) {
    auto busy = db.exec(busy_sql_);
    if (!busy) return std::unexpected(busy.error());
    const auto now = Clock::now();
    if (busy->get(0, 0) == "t") last_busy = now;
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(now - start);
    if (!last_busy) return std::chrono::milliseconds(0);  // idle: no wait at all
    if (now - *last_busy >= config_.quiet || waited >= config_.at_most) return waited;
    std::this_thread::sleep_for(config_.poll);
  }
}

}  // namespace strata::coordinator
