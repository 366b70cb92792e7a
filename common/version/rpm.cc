// rpm's version ordering: rpmvercmp (rpm lib/rpmvercmp.c) applied to epoch (numeric, absent =
// 0), version and release in turn, as rpm's labelCompare does. Alphanumeric segments split at
// any other character; '~' sorts before everything, '^' after the end but before anything else;
// digit segments beat letter segments. rpm orders any string, so nothing is invalid.
#include <cctype>
#include <cstring>
#include <optional>
#include <string>

#include "common/version/rpm_vercmp.h"
#include "common/version/schemes.h"

namespace strata {

STRATA_DECLARE_COMPARATOR(RpmComparator);  // rpmvercmp over epoch, version, release

namespace {

bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) && static_cast<unsigned char>(c) < 128; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

int rpmvercmp(std::string_view a, std::string_view b) {
  if (a == b) return 0;
  std::size_t i = 0, j = 0;
  const auto at = [](std::string_view s, std::size_t k) { return k < s.size() ? s[k] : '\0'; };
  while (i < a.size() || j < b.size()) {
    while (i < a.size() && !is_alnum(a[i]) && a[i] != '~' && a[i] != '^') ++i;
    while (j < b.size() && !is_alnum(b[j]) && b[j] != '~' && b[j] != '^') ++j;
    const char ca = at(a, i), cb = at(b, j);
    if (ca == '~' || cb == '~') {
      if (ca != '~') return 1;
      if (cb != '~') return -1;
      ++i;
      ++j;
      continue;
    }
    if (ca == '^' || cb == '^') {
      if (ca == '\0') return -1;
      if (cb == '\0') return 1;
      if (ca != '^') return 1;
      if (cb != '^') return -1;
      ++i;
      ++j;
      continue;
    }
    if (ca == '\0' || cb == '\0') break;
    std::size_t ei = i, ej = j;
    const bool numeric = is_digit(ca);
    const auto in_segment = numeric ? is_digit : is_alpha;
    while (ei < a.size() && in_segment(a[ei])) ++ei;
    while (ej < b.size() && in_segment(b[ej])) ++ej;
    if (ej == j) return numeric ? 1 : -1;  // a digit segment beats a letter segment
    std::string_view sa = a.substr(i, ei - i), sb = b.substr(j, ej - j);
    if (numeric) {
      while (sa.size() > 1 && sa.front() == '0') sa.remove_prefix(1);
      while (sb.size() > 1 && sb.front() == '0') sb.remove_prefix(1);
      if (sa.size() != sb.size()) return sa.size() > sb.size() ? 1 : -1;
    }
    if (const int r = sa.compare(sb); r != 0) return r < 0 ? -1 : 1;
    i = ei;
    j = ej;
  }
  const bool a_done = i >= a.size(), b_done = j >= b.size();
  if (a_done && b_done) return 0;
  return a_done ? -1 : 1;
}

struct Evr {
  std::string_view epoch, version;
  std::optional<std::string_view> release;  // absent sorts below present, even when empty
};

// [epoch:]version[-release]; an epoch is only what precedes the first ':' when it is digits.
Evr split(std::string_view s) {
  Evr evr;
  if (const auto colon = s.find(':'); colon != std::string_view::npos) {
    bool digits = true;
    for (const char c : s.substr(0, colon)) digits = digits && is_digit(c);
    if (digits) {
      evr.epoch = s.substr(0, colon);
      s = s.substr(colon + 1);
    }
  }
  evr.version = s;
  if (const auto dash = s.rfind('-'); dash != std::string_view::npos) {
    evr.version = s.substr(0, dash);
    evr.release = s.substr(dash + 1);
  }
  return evr;
}

int epoch_compare(std::string_view a, std::string_view b) {
  while (!a.empty() && a.front() == '0') a.remove_prefix(1);
  while (!b.empty() && b.front() == '0') b.remove_prefix(1);
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  const int r = a.compare(b);
  return r < 0 ? -1 : r > 0 ? 1 : 0;
}

}  // namespace

Result<void> RpmComparator::validate(std::string_view version) const {
  if (version.empty()) return fail(ErrorCode::kInvalidInput, "empty rpm version");
  return {};
}

Result<std::strong_ordering> RpmComparator::compare(std::string_view a, std::string_view b) const {
  const Evr ea = split(a), eb = split(b);
  if (const int r = epoch_compare(ea.epoch, eb.epoch); r != 0) return ordering_of(r);
  if (const int r = rpmvercmp(ea.version, eb.version); r != 0) return ordering_of(r);
  // As rpm's labelCompare: a missing release is below any release, even an empty one.
  if (!ea.release || !eb.release) return ea.release.has_value() <=> eb.release.has_value();
  return ordering_of(rpmvercmp(*ea.release, *eb.release));
}

// rpmvercmp alone, without the epoch and release split, for the upstream test vectors.
int rpm_vercmp(std::string_view a, std::string_view b) { return rpmvercmp(a, b); }

STRATA_COMPARATOR_INSTANCE(RpmComparator, rpm_version_order)

}  // namespace strata
