// Digit strings of any length compared as numbers, without overflow: versions carry
// timestamps and dates that do not fit 64 bits.
#pragma once

#include <compare>
#include <string_view>

namespace strata {

inline std::strong_ordering compare_digits(std::string_view a, std::string_view b) {
  while (a.size() > 1 && a.front() == '0') a.remove_prefix(1);
  while (b.size() > 1 && b.front() == '0') b.remove_prefix(1);
  if (a.size() != b.size()) return a.size() <=> b.size();
  const int r = a.compare(b);
  return r < 0 ? std::strong_ordering::less
               : r > 0 ? std::strong_ordering::greater : std::strong_ordering::equal;
}

inline bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace strata
