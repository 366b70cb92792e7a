// RubyGems' Gem::Version (rubygems lib/rubygems/version.rb): a version is digits and dot-
// separated alphanumerics, '-' read as ".pre."; segments are runs of digits (numbers) or of
// letters (strings, which mark a pre-release and sort below any number); trailing zeros of the
// numeric part and of the string part are dropped before comparing; missing segments are 0.
#include <cctype>
#include <string>
#include <variant>
#include <vector>

#include "common/version/numeric.h"
#include "common/version/schemes.h"

namespace strata {

STRATA_DECLARE_COMPARATOR(GemComparator);  // Gem::Version

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// Gem::Version::ANCHORED_VERSION_PATTERN:
//   [0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?   or nothing at all.
bool valid(std::string_view s) {
  if (s.empty()) return true;
  std::size_t i = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  if (i == 0) return false;
  while (i < s.size() && s[i] == '.') {
    const std::size_t start = ++i;
    while (i < s.size() && alnum(s[i])) ++i;
    if (i == start) return false;
  }
  if (i < s.size() && s[i] == '-') {
    for (;;) {
      const std::size_t start = ++i;
      while (i < s.size() && (alnum(s[i]) || s[i] == '-')) ++i;
      if (i == start) return false;
      if (i < s.size() && s[i] == '.') continue;
      break;
    }
  }
  return i == s.size();
}

struct Segment {
  bool numeric;
  std::string text;
};

std::vector<Segment> canonical_segments(std::string_view version) {
  std::string v;
  for (const char c : version) {
    if (c == '-') {
      v += ".pre.";
    } else {
      v += c;
    }
  }
  std::vector<Segment> all;
  for (std::size_t i = 0; i < v.size();) {
    const bool digit = std::isdigit(static_cast<unsigned char>(v[i])) != 0;
    const bool letter = std::isalpha(static_cast<unsigned char>(v[i])) != 0;
    if (!digit && !letter) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < v.size() && (digit ? std::isdigit(static_cast<unsigned char>(v[j]))
                                  : std::isalpha(static_cast<unsigned char>(v[j])))) {
      ++j;
    }
    all.push_back({digit, v.substr(i, j - i)});
    i = j;
  }
  // Split at the first string segment; drop trailing zeros from each part.
  std::size_t first_string = 0;
  while (first_string < all.size() && all[first_string].numeric) ++first_string;
  auto is_zero = [](const Segment& s) { return s.numeric && s.text.find_first_not_of('0') == std::string::npos; };
  std::vector<Segment> numbers(all.begin(), all.begin() + static_cast<long>(first_string));
  std::vector<Segment> strings(all.begin() + static_cast<long>(first_string), all.end());
  while (!numbers.empty() && is_zero(numbers.back())) numbers.pop_back();
  while (!strings.empty() && is_zero(strings.back())) strings.pop_back();
  numbers.insert(numbers.end(), strings.begin(), strings.end());
  return numbers;
}

}  // namespace

Result<void> GemComparator::validate(std::string_view version) const {
  if (!valid(trim(version))) {
    return fail(ErrorCode::kInvalidInput, "'" + std::string(version) + "' is not a RubyGems version");
  }
  return {};
}

Result<std::strong_ordering> GemComparator::compare(std::string_view a, std::string_view b) const {
  for (const auto v : {a, b}) {
    if (auto r = validate(v); !r) return std::unexpected(r.error());
  }
  const auto sa = canonical_segments(trim(a)), sb = canonical_segments(trim(b));
  const Segment zero{true, "0"};
  for (std::size_t i = 0; i < std::max(sa.size(), sb.size()); ++i) {
    const Segment& x = i < sa.size() ? sa[i] : zero;
    const Segment& y = i < sb.size() ? sb[i] : zero;
    if (x.numeric && y.numeric) {
      if (const auto c = compare_digits(x.text, y.text); c != 0) return c;
    } else if (x.numeric != y.numeric) {
      return x.numeric ? std::strong_ordering::greater : std::strong_ordering::less;
    } else if (const int r = x.text.compare(y.text); r != 0) {
      return r <=> 0;
    }
  }
  return std::strong_ordering::equal;
}

STRATA_COMPARATOR_INSTANCE(GemComparator, gem_version_order)

}  // namespace strata
