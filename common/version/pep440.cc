// PEP 440 versions as pypa/packaging reads and orders them (packaging/version.py: the
// VERSION_PATTERN grammar, case-insensitive, surrounding whitespace ignored, and the _cmpkey
// ordering): epoch, release without trailing zeros, pre-release (a < b < rc; a dev-only release
// sorts before its pre-releases), post-release, dev-release, then the local version label.
#include <cctype>
#include <string>
#include <vector>

#include "common/version/numeric.h"
#include "common/version/schemes.h"

namespace strata {

STRATA_DECLARE_COMPARATOR(Pep440Comparator);  // PEP 440 as pypa/packaging

namespace {

struct Pep440 {
  std::string_view epoch = "0";
  std::vector<std::string_view> release;
  int pre_rank = -1;  // 0 a, 1 b, 2 rc; -1 none
  std::string_view pre_number = "0";
  bool post = false;
  std::string_view post_number = "0";
  bool dev = false;
  std::string_view dev_number = "0";
  std::vector<std::string_view> local;
};

class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  bool done() const { return pos_ == s_.size(); }
  std::size_t pos() const { return pos_; }
  void reset(std::size_t p) { pos_ = p; }
  bool eat(char c) {
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool eat_separator() {
    if (pos_ < s_.size() && (s_[pos_] == '-' || s_[pos_] == '_' || s_[pos_] == '.')) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool eat_word(std::string_view w) {
    if (s_.substr(pos_).starts_with(w)) {
      pos_ += w.size();
      return true;
    }
    return false;
  }
  std::string_view digits() {
    const std::size_t start = pos_;
    while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    return s_.substr(start, pos_ - start);
  }
  std::string_view alnum() {
    const std::size_t start = pos_;
    while (pos_ < s_.size() && std::isalnum(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    return s_.substr(start, pos_ - start);
  }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

// Tries `[-_.]? label [-_.]? digits?` at the scanner; labels are tried in the grammar's order.
bool labelled(Scanner& in, std::initializer_list<std::pair<std::string_view, int>> labels, int& rank,
              std::string_view& number) {
  const std::size_t start = in.pos();
  in.eat_separator();
  for (const auto& [label, r] : labels) {
    if (in.eat_word(label)) {
      rank = r;
      // The grammar's optional separator after a label matches even when no number follows.
      in.eat_separator();
      number = in.digits();
      if (number.empty()) number = "0";
      return true;
    }
  }
  in.reset(start);
  return false;
}

// `text` must already be lowercased and trimmed.
std::optional<Pep440> parse(std::string_view text) {
  Pep440 v;
  Scanner in(text);
  in.eat('v');
  std::string_view first = in.digits();
  if (first.empty()) return std::nullopt;
  if (in.eat('!')) {
    v.epoch = first;
    first = in.digits();
    if (first.empty()) return std::nullopt;
  }
  v.release.push_back(first);
  for (;;) {
    const std::size_t p = in.pos();
    if (!in.eat('.')) break;
    const std::string_view part = in.digits();
    if (part.empty()) {
      in.reset(p);
      break;
    }
    v.release.push_back(part);
  }
  int rank = 0;
  std::string_view number;
  if (labelled(in, {{"alpha", 0}, {"a", 0}, {"beta", 1}, {"b", 1}, {"preview", 2}, {"pre", 2}, {"c", 2}, {"rc", 2}},
               rank, number)) {
    v.pre_rank = rank;
    v.pre_number = number;
  }
  {
    const std::size_t p = in.pos();
    if (in.eat('-') && !(number = in.digits()).empty()) {
      v.post = true;
      v.post_number = number;
    } else {
      in.reset(p);
      if (labelled(in, {{"post", 0}, {"rev", 0}, {"r", 0}}, rank, number)) {
        v.post = true;
        v.post_number = number;
      }
    }
  }
  if (labelled(in, {{"dev", 0}}, rank, number)) {
    v.dev = true;
    v.dev_number = number;
  }
  if (in.eat('+')) {
    for (;;) {
      const std::string_view seg = in.alnum();
      if (seg.empty()) return std::nullopt;
      v.local.push_back(seg);
      if (in.done()) break;
      if (!in.eat_separator()) return std::nullopt;
    }
  }
  if (!in.done()) return std::nullopt;
  return v;
}

std::string normalize_input(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  std::string out;
  for (const char c : text) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::strong_ordering compare_release(std::vector<std::string_view> a, std::vector<std::string_view> b) {
  auto zero = [](std::string_view s) { return s.find_first_not_of('0') == std::string_view::npos; };
  while (!a.empty() && zero(a.back())) a.pop_back();
  while (!b.empty() && zero(b.back())) b.pop_back();
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (const auto c = compare_digits(a[i], b[i]); c != 0) return c;
  }
  return a.size() <=> b.size();
}

// Keys where "absent" sorts below or above every present value, as packaging's Infinity.
struct Slot {
  int presence;  // -1 below everything, 0 present, 1 above everything
  int rank = 0;
  std::string_view number;
};

std::strong_ordering compare_slot(const Slot& a, const Slot& b) {
  if (a.presence != b.presence) return a.presence <=> b.presence;
  if (a.presence != 0) return std::strong_ordering::equal;
  if (a.rank != b.rank) return a.rank <=> b.rank;
  return compare_digits(a.number, b.number);
}

std::strong_ordering compare_local(const std::vector<std::string_view>& a,
                                   const std::vector<std::string_view>& b) {
  if (a.empty() || b.empty()) return !a.empty() <=> !b.empty();
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    const bool na = all_digits(a[i]), nb = all_digits(b[i]);
    if (na != nb) return na <=> nb;  // a number beats a word
    const auto c = na ? compare_digits(a[i], b[i]) : a[i].compare(b[i]) <=> 0;
    if (c != 0) return c;
  }
  return a.size() <=> b.size();
}

std::strong_ordering compare_versions(const Pep440& a, const Pep440& b) {
  if (const auto c = compare_digits(a.epoch, b.epoch); c != 0) return c;
  if (const auto c = compare_release(a.release, b.release); c != 0) return c;
  auto pre = [](const Pep440& v) {
    if (v.pre_rank < 0 && !v.post && v.dev) return Slot{-1, 0, {}};
    if (v.pre_rank < 0) return Slot{1, 0, {}};
    return Slot{0, v.pre_rank, v.pre_number};
  };
  if (const auto c = compare_slot(pre(a), pre(b)); c != 0) return c;
  auto post = [](const Pep440& v) { return v.post ? Slot{0, 0, v.post_number} : Slot{-1, 0, {}}; };
  if (const auto c = compare_slot(post(a), post(b)); c != 0) return c;
  auto dev = [](const Pep440& v) { return v.dev ? Slot{0, 0, v.dev_number} : Slot{1, 0, {}}; };
  if (const auto c = compare_slot(dev(a), dev(b)); c != 0) return c;
  return compare_local(a.local, b.local);
}

}  // namespace

Result<void> Pep440Comparator::validate(std::string_view version) const {
  if (!parse(normalize_input(version))) {
    return fail(ErrorCode::kInvalidInput, "'" + std::string(version) + "' is not a PEP 440 version");
  }
  return {};
}

Result<std::strong_ordering> Pep440Comparator::compare(std::string_view a, std::string_view b) const {
  const std::string na = normalize_input(a), nb = normalize_input(b);
  const auto va = parse(na);
  if (!va) return fail(ErrorCode::kInvalidInput, "'" + std::string(a) + "' is not a PEP 440 version");
  const auto vb = parse(nb);
  if (!vb) return fail(ErrorCode::kInvalidInput, "'" + std::string(b) + "' is not a PEP 440 version");
  return compare_versions(*va, *vb);
}

STRATA_COMPARATOR_INSTANCE(Pep440Comparator, pep440_version_order)

}  // namespace strata
