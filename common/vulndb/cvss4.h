// CVSS v4.0 scores from vectors (https://www.first.org/cvss/v4.0/specification-document §8):
// the vector's MacroVector (EQ1–EQ6) picks an expert-assigned score, which is then lowered in
// proportion to how far the vector sits below the MacroVector's highest-severity vectors.
// Threat and environmental metrics are honoured when present; absent ones take the values the
// specification prescribes (E:A, CR/IR/AR:H, modified metrics = base metrics).
#pragma once

#include <string_view>

#include "common/error.h"

namespace strata {

// "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N" → 9.3. kInvalidInput for
// a vector that lacks a base metric, repeats one or has an unknown value.
Result<double> cvss4_score(std::string_view vector);

}  // namespace strata
