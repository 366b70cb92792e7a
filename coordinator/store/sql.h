// Helpers the stores share for building SQL (internal to coordinator/store/).
#pragma once

#include <cstddef>
#include <string>

#include "common/error.h"

namespace strata::coordinator::sql {

template <class T>
inline std::unexpected<Error> err(const Result<T>& r) {
  return std::unexpected(r.error());
}

// "($1,$2,$3),($4,$5,$6)" for `rows` rows of `columns` parameters.
inline std::string placeholders(std::size_t rows, std::size_t columns) {
  std::string out;
  std::size_t n = 1;
  for (std::size_t r = 0; r < rows; ++r) {
    out += r > 0 ? ",(" : "(";
    for (std::size_t c = 0; c < columns; ++c) {
      if (c > 0) out += ',';
      out += '$' + std::to_string(n++);
    }
    out += ')';
  }
  return out;
}

// Rows per multi-row statement: PostgreSQL takes at most 65,535 parameters.
constexpr std::size_t kRowsPerStatement = 400;

}  // namespace strata::coordinator::sql
