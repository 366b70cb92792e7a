// Packagist versions: a leading "v" dropped as Composer's normalizer does, then PHP's
// version_compare (php-src ext/standard/versioning.c): the version is canonicalized ('-', '_',
// '+' and other punctuation become '.', and '.' is put between digits and letters), then parts
// compare as numbers, or by the special forms dev < alpha = a < beta = b < RC = rc < # (a
// number) < pl = p, each matched as a prefix; anything else sorts below dev. A longer version
// with equal leading parts is greater when its next part is a number.
#include <cctype>
#include <string>

#include "common/version/numeric.h"
#include "common/version/schemes.h"

namespace strata {

STRATA_DECLARE_COMPARATOR(ComposerComparator);  // Composer normalize + version_compare

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_dig(char c) { return is_digit(c) && c != '.'; }
bool is_ndig(char c) { return !is_digit(c) && c != '.'; }

std::string canonicalize(std::string_view v) {
  std::string q;
  if (v.empty()) return q;
  char lp = v[0];
  q += lp;
  for (std::size_t i = 1; i < v.size(); ++i) {
    const char c = v[i];
    const char lq = q.back();
    if (c == '-' || c == '_' || c == '+') {
      if (lq != '.') q += '.';
    } else if ((is_ndig(lp) && is_dig(c)) || (is_dig(lp) && is_ndig(c))) {
      if (lq != '.') q += '.';
      q += c;
    } else if (!std::isalnum(static_cast<unsigned char>(c))) {
      if (lq != '.') q += '.';
    } else {
      q += c;
    }
    lp = c;
  }
  return q;
}

int special_form(std::string_view form) {
  static constexpr std::pair<std::string_view, int> kForms[] = {
      {"dev", 0}, {"alpha", 1}, {"a", 1}, {"beta", 2}, {"b", 2}, {"RC", 3},
      {"rc", 3},  {"#", 4},     {"pl", 5}, {"p", 5}};
  for (const auto& [name, order] : kForms) {
    if (form.starts_with(name)) return order;
  }
  return -1;
}

int compare_forms(std::string_view a, std::string_view b) {
  const int x = special_form(a), y = special_form(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

int php_version_compare(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) {
    if (a.empty() && b.empty()) return 0;
    return a.empty() ? -1 : 1;
  }
  const std::string v1 = a.front() == '#' ? std::string(a) : canonicalize(a);
  const std::string v2 = b.front() == '#' ? std::string(b) : canonicalize(b);
  std::string_view p1 = v1, p2 = v2;
  bool more1 = true, more2 = true;
  int result = 0;
  while (more1 && more2) {
    const auto d1 = p1.find('.'), d2 = p2.find('.');
    more1 = d1 != std::string_view::npos;
    more2 = d2 != std::string_view::npos;
    const std::string_view part1 = p1.substr(0, d1), part2 = p2.substr(0, d2);
    const bool n1 = !part1.empty() && is_digit(part1[0]), n2 = !part2.empty() && is_digit(part2[0]);
    if (n1 && n2) {
      std::size_t e1 = 0, e2 = 0;  // strtol reads the leading digits
      while (e1 < part1.size() && is_digit(part1[e1])) ++e1;
      while (e2 < part2.size() && is_digit(part2[e2])) ++e2;
      const auto c = compare_digits(part1.substr(0, e1), part2.substr(0, e2));
      result = c < 0 ? -1 : c > 0 ? 1 : 0;
    } else if (!n1 && !n2) {
      result = compare_forms(part1, part2);
    } else if (n1) {
      result = compare_forms("#N#", part2);
    } else {
      result = compare_forms(part1, "#N#");
    }
    if (result != 0) break;
    if (more1) p1 = p1.substr(d1 + 1);
    if (more2) p2 = p2.substr(d2 + 1);
  }
  if (result == 0) {
    if (more1) {
      result = !p1.empty() && is_digit(p1[0]) ? 1 : php_version_compare(p1, "#N#");
    } else if (more2) {
      result = !p2.empty() && is_digit(p2[0]) ? -1 : php_version_compare("#N#", p2);
    }
  }
  return result;
}

std::string_view strip(std::string_view v) {
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.remove_prefix(1);
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.remove_suffix(1);
  if (!v.empty() && (v.front() == 'v' || v.front() == 'V')) v.remove_prefix(1);
  return v;
}

}  // namespace

Result<void> ComposerComparator::validate(std::string_view version) const {
  const std::string_view v = strip(version);
  if (v.empty()) return fail(ErrorCode::kInvalidInput, "empty Composer version");
  // Composer's VersionParser takes letters, digits and the separators . - _ + only.
  for (const char c : v) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_' && c != '+') {
      return fail(ErrorCode::kInvalidInput,
                  "'" + std::string(version) + "' is not a Composer version: character '" + c + "'");
    }
  }
  return {};
}

Result<std::strong_ordering> ComposerComparator::compare(std::string_view a, std::string_view b) const {
  for (const auto v : {a, b}) {
    if (auto r = validate(v); !r) return std::unexpected(r.error());
  }
  return ordering_of(php_version_compare(strip(a), strip(b)));
}

STRATA_COMPARATOR_INSTANCE(ComposerComparator, composer_version_order)

}  // namespace strata
