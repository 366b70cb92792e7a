// ASCII case folding for protocol names and keywords (HTTP header names, auth schemes), where
// locale-dependent folding would be wrong.
#pragma once

#include <string>
#include <string_view>

namespace strata {

inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace strata
