// How each comparator file (one per version scheme, named after it) declares its class and the
// one instance the ecosystem table (common/ecosystems.cc) refers to.
#pragma once

#include "common/version/comparator.h"

namespace strata {

#define STRATA_DECLARE_COMPARATOR(Name)                                                        \
  class Name final : public VersionComparator {                                                \
   public:                                                                                     \
    Result<void> validate(std::string_view version) const override;                            \
    Result<std::strong_ordering> compare(std::string_view a, std::string_view b) const override; \
  }

#define STRATA_COMPARATOR_INSTANCE(Name, accessor) \
  const VersionComparator& accessor() {            \
    static const Name instance;                    \
    return instance;                               \
  }

}  // namespace strata
