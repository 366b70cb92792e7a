// Semantic Versioning 2.0.0 (semver.org) as npm's node-semver reads it (a leading "v" or "="
// allowed, no leading zeros in numbers, build metadata ignored), also Cargo's ordering; and Go
// module versions as golang.org/x/mod/semver reads them ("v" required upstream, added here when
// missing because OSV writes Go versions without it; "v1" and "v1.2" are shorthands; no
// pre-release on a shorthand; "+incompatible" is build metadata). Pre-release identifiers:
// numeric ones compare as numbers and sort before alphanumeric ones; a release beats its
// pre-releases; fewer identifiers sort first when all before are equal.
#include <cctype>
#include <string>
#include <vector>

#include "common/version/numeric.h"
#include "common/version/schemes.h"
#include "common/version/semver_version.h"

namespace strata {

STRATA_DECLARE_COMPARATOR(SemverComparator);  // SemVer 2.0.0
STRATA_DECLARE_COMPARATOR(GoComparator);  // golang.org/x/mod/semver

namespace {

bool ident_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

// A number: "0" or digits without a leading zero (unless loose).
bool take_number(std::string_view& s, std::string_view& out, bool loose) {
  std::size_t n = 0;
  while (n < s.size() && s[n] >= '0' && s[n] <= '9') ++n;
  if (n == 0 || (!loose && n > 1 && s[0] == '0')) return false;
  out = s.substr(0, n);
  s.remove_prefix(n);
  return true;
}

// Dot-separated identifiers up to the first character that cannot be in one.
bool take_identifiers(std::string_view& s, std::vector<std::string_view>& out, bool numeric_rule) {
  for (;;) {
    std::size_t n = 0;
    while (n < s.size() && ident_char(s[n])) ++n;
    if (n == 0) return false;
    const std::string_view id = s.substr(0, n);
    if (numeric_rule && all_digits(id) && id.size() > 1 && id[0] == '0') return false;
    out.push_back(id);
    s.remove_prefix(n);
    if (s.empty() || s[0] != '.') return true;
    s.remove_prefix(1);
  }
}

// What follows MAJOR.MINOR.PATCH: an optional pre-release (after '-', or straight after the
// patch in node-semver's loose mode), optional build metadata after '+', then nothing.
bool take_suffix(std::string_view text, SemverVersion& v, bool loose) {
  if (!text.empty() && (text[0] == '-' || (loose && text[0] != '+' && ident_char(text[0])))) {
    if (text[0] == '-') text.remove_prefix(1);
    if (!take_identifiers(text, v.prerelease, !loose)) return false;
  }
  if (!text.empty() && text[0] == '+') {
    text.remove_prefix(1);
    std::vector<std::string_view> build;
    if (!take_identifiers(text, build, false)) return false;
  }
  return text.empty();
}

std::strong_ordering compare_prerelease(const std::vector<std::string_view>& a,
                                        const std::vector<std::string_view>& b,
                                        bool ignore_case) {
  if (a.empty() || b.empty()) {
    if (a.empty() && b.empty()) return std::strong_ordering::equal;
    return a.empty() ? std::strong_ordering::greater : std::strong_ordering::less;
  }
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    const bool na = all_digits(a[i]), nb = all_digits(b[i]);
    if (na && nb) {
      if (const auto c = compare_digits(a[i], b[i]); c != 0) return c;
    } else if (na != nb) {
      return na ? std::strong_ordering::less : std::strong_ordering::greater;
    } else {
      std::string x(a[i]), y(b[i]);
      if (ignore_case) {
        for (auto& c : x) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        for (auto& c : y) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      if (const int r = x.compare(y); r != 0) return r <=> 0;
    }
  }
  return a.size() <=> b.size();
}

}  // namespace

std::optional<SemverVersion> SemverVersion::parse(std::string_view text, bool loose) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (loose) {
    while (!text.empty() && (text.front() == '=' || text.front() == 'v' || text.front() == ' ')) {
      text.remove_prefix(1);
    }
  } else if (!text.empty() && (text.front() == 'v' || text.front() == '=')) {
    text.remove_prefix(1);
  }
  SemverVersion v;
  if (!take_number(text, v.major, loose) || text.empty() || text[0] != '.') return std::nullopt;
  text.remove_prefix(1);
  if (!take_number(text, v.minor, loose) || text.empty() || text[0] != '.') return std::nullopt;
  text.remove_prefix(1);
  if (!take_number(text, v.patch, loose) || !take_suffix(text, v, loose)) return std::nullopt;
  return v;
}

std::strong_ordering SemverVersion::operator<=>(const SemverVersion& o) const {
  if (const auto c = compare_digits(major, o.major); c != 0) return c;
  if (const auto c = compare_digits(minor, o.minor); c != 0) return c;
  if (const auto c = compare_digits(patch, o.patch); c != 0) return c;
  return compare_prerelease(prerelease, o.prerelease, false);
}

Result<void> SemverComparator::validate(std::string_view version) const {
  if (!SemverVersion::parse(version)) {
    return fail(ErrorCode::kInvalidInput, "'" + std::string(version) + "' is not a SemVer version");
  }
  return {};
}

Result<std::strong_ordering> SemverComparator::compare(std::string_view a, std::string_view b) const {
  const auto va = SemverVersion::parse(a);
  if (!va) return fail(ErrorCode::kInvalidInput, "'" + std::string(a) + "' is not a SemVer version");
  const auto vb = SemverVersion::parse(b);
  if (!vb) return fail(ErrorCode::kInvalidInput, "'" + std::string(b) + "' is not a SemVer version");
  return *va <=> *vb;
}

std::optional<SemverVersion> parse_go_version(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text.front() == 'v') text.remove_prefix(1);
  SemverVersion v;
  if (!take_number(text, v.major, false)) return std::nullopt;
  v.minor = "0";
  v.patch = "0";
  if (text.empty()) return v;  // "v1" shorthand
  if (text[0] != '.') return std::nullopt;
  text.remove_prefix(1);
  if (!take_number(text, v.minor, false)) return std::nullopt;
  if (text.empty()) return v;  // "v1.2" shorthand
  if (text[0] != '.') return std::nullopt;
  text.remove_prefix(1);
  if (!take_number(text, v.patch, false) || !take_suffix(text, v, /*loose=*/false)) return std::nullopt;
  return v;
}

Result<void> GoComparator::validate(std::string_view version) const {
  if (!parse_go_version(version)) {
    return fail(ErrorCode::kInvalidInput, "'" + std::string(version) + "' is not a Go module version");
  }
  return {};
}

Result<std::strong_ordering> GoComparator::compare(std::string_view a, std::string_view b) const {
  const auto va = parse_go_version(a);
  if (!va) return fail(ErrorCode::kInvalidInput, "'" + std::string(a) + "' is not a Go module version");
  const auto vb = parse_go_version(b);
  if (!vb) return fail(ErrorCode::kInvalidInput, "'" + std::string(b) + "' is not a Go module version");
  return *va <=> *vb;
}

std::strong_ordering compare_prerelease_labels(const std::vector<std::string_view>& a,
                                               const std::vector<std::string_view>& b,
                                               bool ignore_case) {
  return compare_prerelease(a, b, ignore_case);
}

STRATA_COMPARATOR_INSTANCE(SemverComparator, semver_version_order)
STRATA_COMPARATOR_INSTANCE(GoComparator, go_version_order)

}  // namespace strata
