// A plain text table for the fleet verbs (`strata findings`, `strata report`): a header and rows,
// each column as wide as its widest cell (counted in UTF-8 characters), two spaces between.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace strata::cli {

class FleetTable {
 public:
  explicit FleetTable(std::vector<std::string> header) : header_(std::move(header)) {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  // "(none)" under the header when no row was added.
  void print(std::ostream& out) const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace strata::cli
