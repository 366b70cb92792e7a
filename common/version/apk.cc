// apk-tools' version ordering (apk-tools src/version.c): digit{.digit}...{letter}{_suffix{#}}...
// {~hash}{-r#}, read as tokens whose kinds must follow that order. Two versions are compared
// token by token while their kinds agree; where they part, the one that ended is smaller unless
// the other continues with a pre-release suffix (_alpha, _beta, _pre, _rc). Digit runs with a
// leading zero compare as strings, as in Gentoo. Invalid versions are still ordered, as apk does;
// validate() says whether apk-tools 3 accepts one.
#include <cstdint>
#include <string>

#include "common/version/schemes.h"

namespace strata {

STRATA_DECLARE_COMPARATOR(ApkComparator);  // apk-tools' token comparison

namespace {

enum Token { kInitialDigit, kDigit, kLetter, kSuffix, kSuffixNo, kCommitHash, kRevisionNo, kEnd, kInvalid };
// Suffix order; kNone is the pivot between pre- and post-release suffixes.
enum Suffix { kSuffixInvalid, kAlpha, kBeta, kPre, kRc, kNone, kCvs, kSvn, kGit, kHg, kP };

struct TokenState {
  Token token = kInitialDigit;
  Suffix suffix = kSuffixInvalid;
  std::uint64_t number = 0;
  std::string_view value;
};

Suffix suffix_of(std::string_view s) {
  static constexpr std::pair<std::string_view, Suffix> kSuffixes[] = {
      {"alpha", kAlpha}, {"beta", kBeta}, {"pre", kPre}, {"rc", kRc}, {"cvs", kCvs},
      {"svn", kSvn},     {"git", kGit},   {"hg", kHg},   {"p", kP}};
  for (const auto& [name, suffix] : kSuffixes) {
    if (s == name) return suffix;
  }
  return kSuffixInvalid;
}

void parse_digits(TokenState& t, std::string_view& s) {
  std::size_t n = 0;
  t.number = 0;
  while (n < s.size() && s[n] >= '0' && s[n] <= '9') {
    t.number = t.number * 10 + static_cast<std::uint64_t>(s[n] - '0');
    ++n;
  }
  t.value = s.substr(0, n);
  s.remove_prefix(n);
  if (n == 0) t.token = kInvalid;
}

void first_token(TokenState& t, std::string_view& s) {
  t.token = kInitialDigit;
  parse_digits(t, s);
}

void next_token(TokenState& t, std::string_view& s, bool lenient) {
  if (s.empty()) {
    t.token = kEnd;
    return;
  }
  const char c = s.front();
  if (c >= 'a' && c <= 'z') {
    if (t.token > kDigit) {
      t.token = kInvalid;
      return;
    }
    t.value = s.substr(0, 1);
    t.token = kLetter;
    s.remove_prefix(1);
  } else if (c == '.' || (c >= '0' && c <= '9')) {
    if (c == '.') {
      if (t.token > kDigit) {
        t.token = kInvalid;
        return;
      }
      s.remove_prefix(1);
    }
    // apk-tools 2.x, which Alpine shipped up to 3.22 and which ordered the versions in the
    // Alpine feeds, reads digits after a letter ("5.7.1p1") as a new number; 3.x calls such a
    // version invalid. No version valid in 3.x is read differently, so 2.x's reading is kept.
    if (t.token == kInitialDigit || t.token == kDigit || (lenient && t.token == kLetter && c != '.')) {
      t.token = kDigit;
    } else if (t.token == kSuffix) {
      t.token = kSuffixNo;
    } else {
      t.token = kInvalid;
      return;
    }
    parse_digits(t, s);
  } else if (c == '_') {
    if (t.token > kSuffixNo) {
      t.token = kInvalid;
      return;
    }
    s.remove_prefix(1);
    std::size_t n = 0;
    while (n < s.size() && s[n] >= 'a' && s[n] <= 'z') ++n;
    t.value = s.substr(0, n);
    s.remove_prefix(n);
    t.suffix = suffix_of(t.value);
    t.token = t.suffix == kSuffixInvalid ? kInvalid : kSuffix;
  } else if (c == '~') {
    if (t.token >= kCommitHash) {
      t.token = kInvalid;
      return;
    }
    s.remove_prefix(1);
    std::size_t n = 0;
    while (n < s.size() && ((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f'))) ++n;
    t.value = s.substr(0, n);
    s.remove_prefix(n);
    t.token = n == 0 ? kInvalid : kCommitHash;
  } else if (c == '-') {
    if (t.token >= kRevisionNo || !s.starts_with("-r")) {
      t.token = kInvalid;
      return;
    }
    s.remove_prefix(2);
    t.token = kRevisionNo;
    parse_digits(t, s);
  } else {
    t.token = kInvalid;
  }
}

int blob_sort(std::string_view a, std::string_view b) {
  const int r = a.compare(b);
  return r < 0 ? -1 : r > 0 ? 1 : 0;
}

int token_compare(const TokenState& a, const TokenState& b) {
  std::uint64_t x = 0, y = 0;
  switch (a.token) {
    case kDigit:
      if (a.value.front() == '0' || b.value.front() == '0') return blob_sort(a.value, b.value);
      [[fallthrough]];
    case kInitialDigit:
    case kSuffixNo:
    case kRevisionNo:
      x = a.number;
      y = b.number;
      break;
    case kLetter:
      x = static_cast<unsigned char>(a.value.front());
      y = static_cast<unsigned char>(b.value.front());
      break;
    case kSuffix:
      x = a.suffix;
      y = b.suffix;
      break;
    default:
      return blob_sort(a.value, b.value);
  }
  return x < y ? -1 : x > y ? 1 : 0;
}

}  // namespace

Result<void> ApkComparator::validate(std::string_view version) const {
  TokenState t;
  std::string_view s = version;
  for (first_token(t, s); t.token < kEnd; next_token(t, s, /*lenient=*/false)) {
  }
  if (t.token != kEnd) {
    return fail(ErrorCode::kInvalidInput, "'" + std::string(version) + "' is not an apk version");
  }
  return {};
}

Result<std::strong_ordering> ApkComparator::compare(std::string_view a, std::string_view b) const {
  TokenState ta, tb;
  first_token(ta, a);
  first_token(tb, b);
  while (ta.token == tb.token && ta.token < kEnd) {
    if (const int r = token_compare(ta, tb); r != 0) return ordering_of(r);
    next_token(ta, a, /*lenient=*/true);
    next_token(tb, b, /*lenient=*/true);
  }
  if (ta.token == tb.token) return std::strong_ordering::equal;
  if (ta.token == kSuffix && ta.suffix < kNone) return std::strong_ordering::less;
  if (tb.token == kSuffix && tb.suffix < kNone) return std::strong_ordering::greater;
  if (ta.token > tb.token) return std::strong_ordering::less;
  if (tb.token > ta.token) return std::strong_ordering::greater;
  return std::strong_ordering::equal;
}

STRATA_COMPARATOR_INSTANCE(ApkComparator, apk_version_order)

}  // namespace strata
