// A tenant's id: every tenant-owned row carries one, and every query of such rows filters by it.
#pragma once

#include <cstdint>

namespace strata::coordinator {

using TenantId = std::int64_t;

}  // namespace strata::coordinator
