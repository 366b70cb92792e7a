// Percent-encoding (RFC 3986): every byte but the unreserved characters (letters, digits, '-',
// '.', '_', '~') and those in `also_keep` becomes %XX. For package URLs and registry queries.
#pragma once

#include <string>
#include <string_view>

namespace strata {

inline std::string percent_encode(std::string_view text, std::string_view also_keep = {}) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || c == '.' || c == '-' ||
        c == '_' || c == '~' || also_keep.find(c) != std::string_view::npos) {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    }
  }
  return out;
}

}  // namespace strata
