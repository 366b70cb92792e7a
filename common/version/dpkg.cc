// dpkg's version ordering (deb-version(7); dpkg lib/dpkg/version.c verrevcmp and
// parsehelp.c parseversion): numeric epoch, then upstream version, then revision, each compared
// as alternating non-digit runs (letters before other characters, '~' before everything, even
// the end) and digit runs compared as numbers.
#include <cctype>
#include <string>

#include "common/version/dpkg_version.h"
#include "common/version/schemes.h"

namespace strata {

STRATA_DECLARE_COMPARATOR(DpkgComparator);  // dpkg's verrevcmp

namespace {

int order(char c) {
  if (std::isdigit(static_cast<unsigned char>(c))) return 0;
  if (std::isalpha(static_cast<unsigned char>(c))) return static_cast<unsigned char>(c);
  if (c == '~') return -1;
  if (c != '\0') return static_cast<unsigned char>(c) + 256;
  return 0;
}

int verrevcmp(std::string_view a, std::string_view b) {
  std::size_t i = 0, j = 0;
  const auto at = [](std::string_view s, std::size_t k) { return k < s.size() ? s[k] : '\0'; };
  const auto digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  while (i < a.size() || j < b.size()) {
    int first_diff = 0;
    while ((i < a.size() && !digit(a[i])) || (j < b.size() && !digit(b[j]))) {
      const int ac = order(at(a, i));
      const int bc = order(at(b, j));
      if (ac != bc) return ac - bc;
      ++i;
      ++j;
    }
    while (at(a, i) == '0') ++i;
    while (at(b, j) == '0') ++j;
    while (digit(at(a, i)) && digit(at(b, j))) {
      if (first_diff == 0) first_diff = at(a, i) - at(b, j);
      ++i;
      ++j;
    }
    if (digit(at(a, i))) return 1;
    if (digit(at(b, j))) return -1;
    if (first_diff != 0) return first_diff;
  }
  return 0;
}

}  // namespace

Result<DpkgVersion> DpkgVersion::parse(std::string_view text) {
  const std::string input(text);
  auto invalid = [&](const char* why) {
    return fail(ErrorCode::kInvalidInput, "'" + input + "' is not a dpkg version: " + why);
  };
  // dpkg strips surrounding blanks and refuses embedded ones.
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  if (text.empty()) return invalid("empty");
  for (const char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) return invalid("embedded space");
  }
  DpkgVersion v;
  std::string_view rest = text;
  if (const auto colon = rest.find(':'); colon != std::string_view::npos) {
    const std::string_view epoch = rest.substr(0, colon);
    if (epoch.empty()) return invalid("epoch is empty");
    std::uint64_t value = 0;
    for (const char c : epoch) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return invalid("epoch is not a number");
      value = value * 10 + static_cast<std::uint64_t>(c - '0');
      if (value > 2147483647) return invalid("epoch is too big");
    }
    v.epoch = static_cast<std::uint32_t>(value);
    rest = rest.substr(colon + 1);
  }
  v.upstream = rest;
  if (const auto dash = rest.rfind('-'); dash != std::string_view::npos) {
    v.upstream = rest.substr(0, dash);
    v.revision = rest.substr(dash + 1);
    if (v.revision.empty()) return invalid("revision is empty");
  }
  if (v.upstream.empty()) return invalid("nothing after the epoch");
  if (!std::isdigit(static_cast<unsigned char>(v.upstream.front()))) {
    return invalid("version does not start with a digit");
  }
  for (const char c : v.upstream) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && std::string_view(".-+~:").find(c) == std::string_view::npos) {
      return invalid("invalid character in version");
    }
  }
  for (const char c : v.revision) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && std::string_view(".+~").find(c) == std::string_view::npos) {
      return invalid("invalid character in revision");
    }
  }
  return v;
}

std::strong_ordering DpkgVersion::operator<=>(const DpkgVersion& other) const {
  if (epoch != other.epoch) return epoch <=> other.epoch;
  if (const int r = verrevcmp(upstream, other.upstream); r != 0) return ordering_of(r);
  return ordering_of(verrevcmp(revision, other.revision));
}

Result<void> DpkgComparator::validate(std::string_view version) const {
  auto v = DpkgVersion::parse(version);
  if (!v) return std::unexpected(v.error());
  return {};
}

Result<std::strong_ordering> DpkgComparator::compare(std::string_view a, std::string_view b) const {
  auto va = DpkgVersion::parse(a);
  if (!va) return std::unexpected(va.error());
  auto vb = DpkgVersion::parse(b);
  if (!vb) return std::unexpected(vb.error());
  return *va <=> *vb;
}

STRATA_COMPARATOR_INSTANCE(DpkgComparator, dpkg_version_order)

}  // namespace strata
