// Bulk work in PostgreSQL gives way to interactive scans. A rescan (and the refresh of the report
// documents it made stale) shares the cluster's cores and disk with the scans people wait for;
// before each of its statements it asks the gate, which waits while an interactive scan of any
// tenant, on any coordinator, is unfinished (the scans table is the one place all coordinators
// see), until none has been for `quiet`, and at most `at_most` a time. So interactive scans that
// arrive back to back slow a rescan down but never stop it, and an idle cluster costs it one
// indexed query a statement. A scan created longer than `recent` ago no longer counts: one stuck
// on a registry must not hold bulk work back for its whole life.
#pragma once

#include <chrono>
#include <string>

#include "common/error.h"
#include "coordinator/store/pg.h"

namespace strata::coordinator {

struct InteractiveGateConfig {
  std::chrono::milliseconds at_most{1000};  // zero: never waits
  std::chrono::milliseconds quiet{100};
  std::chrono::milliseconds poll{10};
  std::chrono::seconds recent{300};
};

class InteractiveGate {
 public:
  explicit InteractiveGate(InteractiveGateConfig config = {});
  // Returns when the cluster has no interactive scan under way, has had none for `quiet`, or
  // after `at_most`; the time it waited. Safe inside a transaction (each check is a statement
  // of its own, at READ COMMITTED).
  Result<std::chrono::milliseconds> give_way(PgConnection& db) const;

 private:
  InteractiveGateConfig config_;
  std::string busy_sql_;  // whether an interactive scan is under way
};

}  // namespace strata::coordinator
