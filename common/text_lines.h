// Walking text line by line without copying: each line (without its '\n') with its 1-based
// number. `visit` returns false to stop early.
#pragma once

#include <cstddef>
#include <string_view>

namespace strata {

template <class Visit>
void for_each_line(std::string_view text, Visit visit) {
  std::size_t line_no = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const auto eol = text.find('\n', pos);
    const std::string_view line =
        text.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
    pos = eol == std::string_view::npos ? text.size() : eol + 1;
    if (!visit(line, ++line_no)) return;
  }
}

}  // namespace strata
