#include "common/wire/curve_key.h"

#include <fstream>
#include <sstream>
#include <string_view>

namespace strata {

Result<std::string> read_curve_key(const std::string& path) {
  static constexpr std::string_view kAlphabet =
      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
  std::ifstream in(path);
  if (!in) return fail(ErrorCode::kNotFound, path + ": cannot read the key file");
  std::stringstream text;
  text << in.rdbuf();
  std::string key = text.str();
  const auto first = key.find_first_not_of(" \t\r\n");
  const auto last = key.find_last_not_of(" \t\r\n");
  key = first == std::string::npos ? std::string() : key.substr(first, last - first + 1);
  if (key.size() != kZ85KeyLength || key.find_first_not_of(kAlphabet) != std::string::npos) {
    return fail(ErrorCode::kInvalidInput, path + ": not a CURVE key (40 characters of Z85)");
  }
  return key;
}

}  // namespace strata
