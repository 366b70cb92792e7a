// One row of RFC 4180 CSV: cells joined by ',', the row ended by CRLF, a cell quoted when it holds
// a comma, a quote or a line break (its quotes doubled). A cell that a spreadsheet would run as a
// formula (it starts with '=', '+', '-', '@', a tab or a carriage return) is prefixed with "'":
// package names, paths and versions come from image layers, that is from whoever built the image
// (OWASP's "CSV injection"). Used by the image report's CSV and the fleet findings' CSV export.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace strata {

void append_csv_row(std::string& out, std::initializer_list<std::string_view> cells);

}  // namespace strata
