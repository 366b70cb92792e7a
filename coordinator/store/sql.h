// Helpers the stores share for building SQL (internal to coordinator/store/).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace strata::coordinator::sql {

template <class T>
inline std::unexpected<Error> err(const Result<T>& r) {
  return std::unexpected(r.error());
}

// to_char's format for a timestamptz at UTC with microseconds: "2026-12-08T03:12:19.123456Z".
inline constexpr const char* kUtcTimestamp = "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'";

// The strings of a JSON array a query built (json_agg), in order; anything else gives none.
inline std::vector<std::string> string_list(std::string_view json) {
  std::vector<std::string> out;
  const auto doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_array()) return out;
  for (const auto& item : doc) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

// Open findings of `f` by severity (critical, high, medium, low, unknown), then those with a
// known fixed version: six columns of an aggregate, named as fleet_stats' columns are.
inline constexpr const char* kOpenCounts =
    "count(*) FILTER (WHERE f.severity = 'CRITICAL') AS critical, count(*) FILTER (WHERE f.severity = 'HIGH') AS high, "
    "count(*) FILTER (WHERE f.severity = 'MEDIUM') AS medium, count(*) FILTER (WHERE f.severity = 'LOW') AS low, "
    "count(*) FILTER (WHERE f.severity NOT IN ('CRITICAL', 'HIGH', 'MEDIUM', 'LOW')) AS unknown, "
    "count(*) FILTER (WHERE COALESCE(f.fixed_version, '') <> '') AS fixable";

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

// A bytea parameter in PostgreSQL's hex text form ("\x0a1b…"), and back.
inline std::string bytea_param(const std::vector<std::byte>& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\\x";
  for (const std::byte b : bytes) {
    out += kHex[std::to_integer<unsigned>(b) >> 4];
    out += kHex[std::to_integer<unsigned>(b) & 15];
  }
  return out;
}

inline std::optional<std::vector<std::byte>> bytea_value(std::string_view text) {
  if (!text.starts_with("\\x") || text.size() % 2 != 0) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::vector<std::byte> out;
  for (std::size_t i = 2; i < text.size(); i += 2) {
    const int hi = nibble(text[i]), lo = nibble(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<std::byte>(hi << 4 | lo));
  }
  return out;
}

// Rows per multi-row statement: PostgreSQL takes at most 65,535 parameters.
constexpr std::size_t kRowsPerStatement = 400;

}  // namespace strata::coordinator::sql
