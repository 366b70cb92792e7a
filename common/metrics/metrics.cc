#include "common/metrics/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace strata {
namespace {

std::string format_double(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::string with_label(const std::string& rendered, const std::string& name, const std::string& value) {
  const std::string extra = name + "=\"" + value + "\"";
  if (rendered.empty()) return "{" + extra + "}";
  return rendered.substr(0, rendered.size() - 1) + "," + extra + "}";
}

}  // namespace

std::string render_labels(const Labels& labels) {
  if (labels.empty()) return "";
  std::string out = "{";
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += ',';
    out += labels[i].first + "=\"";
    for (const char c : labels[i].second) {
      if (c == '\\') out += "\\\\";
      else if (c == '"') out += "\\\"";
      else if (c == '\n') out += "\\n";
      else out += c;
    }
    out += '"';
  }
  return out + "}";
}

Histogram::Histogram(std::vector<double> upper_bounds) : bounds_(std::move(upper_bounds)) {
  std::sort(bounds_.begin(), bounds_.end());
  counts_.resize(bounds_.size() + 1);
}

void Histogram::observe(double value) {
  const auto it = std::lower_bound(bounds_.begin(), bounds_.end(), value);
  counts_[static_cast<std::size_t>(it - bounds_.begin())].fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<std::uint64_t>(std::max(0.0, value) * 1e6), std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  std::uint64_t running = 0;
  for (const auto& c : counts_) {
    running += c.load(std::memory_order_relaxed);
    s.cumulative.push_back(running);
  }
  s.count = running;
  s.sum = static_cast<double>(sum_micros_.load(std::memory_order_relaxed)) / 1e6;
  return s;
}

MetricsRegistry::Family& MetricsRegistry::family(const std::string& name, const std::string& help, Kind kind) {
  auto [it, inserted] = families_.try_emplace(name, Family{kind, help, {}});
  return it->second;
}

Counter& MetricsRegistry::counter(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  Family& f = family(name, help, Kind::kCounter);
  void*& slot = f.series[render_labels(labels)];
  if (slot == nullptr) slot = &counters_.emplace_back();
  return *static_cast<Counter*>(slot);
}

Gauge& MetricsRegistry::gauge(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  Family& f = family(name, help, Kind::kGauge);
  void*& slot = f.series[render_labels(labels)];
  if (slot == nullptr) slot = &gauges_.emplace_back();
  return *static_cast<Gauge*>(slot);
}

Histogram& MetricsRegistry::histogram(const std::string& name, const std::string& help,
                                      std::vector<double> upper_bounds, const Labels& labels) {
  std::lock_guard lock(mutex_);
  Family& f = family(name, help, Kind::kHistogram);
  void*& slot = f.series[render_labels(labels)];
  if (slot == nullptr) slot = &histograms_.emplace_back(std::move(upper_bounds));
  return *static_cast<Histogram*>(slot);
}

std::string MetricsRegistry::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, f] : families_) {
    const char* type = f.kind == Kind::kCounter ? "counter" : f.kind == Kind::kGauge ? "gauge" : "histogram";
    out += "# HELP " + name + " " + f.help + "\n";
    out += "# TYPE " + name + " " + type + "\n";
    for (const auto& [labels, metric] : f.series) {
      switch (f.kind) {
        case Kind::kCounter:
          out += name + labels + " " + std::to_string(static_cast<const Counter*>(metric)->value()) + "\n";
          break;
        case Kind::kGauge:
          out += name + labels + " " + std::to_string(static_cast<const Gauge*>(metric)->value()) + "\n";
          break;
        case Kind::kHistogram: {
          const auto* h = static_cast<const Histogram*>(metric);
          const Histogram::Snapshot s = h->snapshot();
          for (std::size_t i = 0; i < s.cumulative.size(); ++i) {
            const double bound = i < h->bounds().size() ? h->bounds()[i] : INFINITY;
            out += name + "_bucket" + with_label(labels, "le", format_double(bound)) + " " +
                   std::to_string(s.cumulative[i]) + "\n";
          }
          out += name + "_sum" + labels + " " + format_double(s.sum) + "\n";
          out += name + "_count" + labels + " " + std::to_string(s.count) + "\n";
          break;
        }
      }
    }
  }
  return out;
}

}  // namespace strata
