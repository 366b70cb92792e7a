#include "common/metrics/metrics.h"

#include <gtest/gtest.h>

namespace strata {
namespace {

TEST(Metrics, RendersTheTextFormat) {
  MetricsRegistry r;
  r.counter("strata_things_total", "Things").inc(3);
  r.gauge("strata_queue", "Queue depth", {{"class", "bulk"}}).set(7);
  r.gauge("strata_queue", "Queue depth", {{"class", "interactive"}}).set(1);
  auto& h = r.histogram("strata_seconds", "Latency", {0.1, 1});
  h.observe(0.05);
  h.observe(0.5);
  h.observe(5);
  EXPECT_EQ(&r.counter("strata_things_total", "Things"), &r.counter("strata_things_total", "Things"));
  EXPECT_EQ(r.render(),
            "# HELP strata_queue Queue depth\n# TYPE strata_queue gauge\n"
            "strata_queue{class=\"bulk\"} 7\nstrata_queue{class=\"interactive\"} 1\n"
            "# HELP strata_seconds Latency\n# TYPE strata_seconds histogram\n"
            "strata_seconds_bucket{le=\"0.10000000000000001\"} 1\nstrata_seconds_bucket{le=\"1\"} 2\n"
            "strata_seconds_bucket{le=\"+Inf\"} 3\nstrata_seconds_sum 5.5499999999999998\nstrata_seconds_count 3\n"
            "# HELP strata_things_total Things\n# TYPE strata_things_total counter\nstrata_things_total 3\n");
}

TEST(Metrics, EscapesLabelValues) {
  EXPECT_EQ(render_labels({{"path", "a\"b\\c\nd"}}), "{path=\"a\\\"b\\\\c\\nd\"}");
}

}  // namespace
}  // namespace strata
