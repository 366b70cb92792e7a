// An Analyzer finds one kind of thing in a layer (a package database, the distro's release
// files). It says which entries it wants from metadata alone (and, where names cannot tell, from
// the first bytes), and turns each wanted entry into entries of the LayerAnalysis. Analyzers hold
// no state between calls, so one instance serves any number of walks at once.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "common/bytes.h"
#include "common/error.h"
#include "common/image/layer_analysis.h"
#include "worker/walk/entry.h"

namespace strata::worker {

enum class Want {
  kNo,
  kYes,
  kIfMagic,  // decide from the first bytes: wants_magic() is asked
};

class Analyzer {
 public:
  virtual ~Analyzer() = default;
  // Names it in warnings, and with version() in the analyzer set's version.
  virtual std::string_view name() const = 0;
  // Bump when the same bytes give a different result: it changes the layer cache key.
  virtual std::uint32_t version() const = 0;
  virtual Want wants(const EntryInfo& entry) const = 0;
  virtual bool wants_magic(std::span<const std::byte> /*head*/) const { return false; }
  // Adds what `entry` holds to `out`. An error is about this entry only: the walk records it as
  // a warning naming the entry and goes on.
  virtual Result<void> analyze(const EntryInfo& entry, EntryContent& content,
                               LayerAnalysis& out) const = 0;
};

}  // namespace strata::worker
