// CVSS v3.0/v3.1 base scores from their vectors (https://www.first.org/cvss/v3.1/specification-
// document §7), and the qualitative rating of a score.
#pragma once

#include <optional>
#include <string_view>

#include "common/error.h"
#include "common/vulndb/model.h"

namespace strata {

// "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" → 9.8. kInvalidInput for anything else.
Result<double> cvss3_base_score(std::string_view vector);

SeverityLevel cvss_rating(double score);

}  // namespace strata
