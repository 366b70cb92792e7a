// OSV JSON records (https://ossf.github.io/osv-schema/) into the model. Pure: bytes in.
#pragma once

#include <span>
#include <string_view>

#include "common/error.h"
#include "common/vulndb/model.h"

namespace strata {

// One record. kCorrupt, naming the field, when it is not JSON or breaks the schema in a way that
// matters for matching (no id, an affected entry without package, a range without events, an
// event that is not one of introduced/fixed/last_affected/limit).
Result<Vulnerability> parse_osv(std::string_view json);

}  // namespace strata

namespace strata {

// The record as OSV JSON again (what the local database stores); parse_osv reads it back equal.
std::string to_osv_json(const Vulnerability& v);

}  // namespace strata
