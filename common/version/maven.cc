// Maven's ComparableVersion (maven-artifact org.apache.maven.artifact.versioning), the ordering
// Maven itself uses: the version is split at '.', '-' and digit/letter transitions into numbers,
// qualifiers and nested lists (a '-' or a transition opens a sub-list), with letter+digit runs
// ("rc1", "alpha-2") kept as combinations; each list is normalized by dropping null items
// (0, "", ga/final/release) before a qualifier; qualifiers order alpha < beta < milestone <
// rc = cr < snapshot < "" = ga = final = release < sp < anything else (lexically). Every string
// is a Maven version, so nothing is invalid.
#include <memory>
#include <string>
#include <vector>

#include "common/version/numeric.h"
#include "common/version/schemes.h"

namespace strata {

STRATA_DECLARE_COMPARATOR(MavenComparator);  // Maven's ComparableVersion

namespace {

struct Item {
  enum Kind { kNumber, kString, kList, kCombination } kind;
  std::string text;                         // number digits or qualifier
  std::vector<std::unique_ptr<Item>> list;  // kList
  std::unique_ptr<Item> digit;              // kCombination: the number after the qualifier

  bool is_null() const {
    switch (kind) {
      case kNumber: return text.find_first_not_of('0') == std::string::npos;
      case kString: return text.empty();
      case kList: return list.empty();
      case kCombination: return false;
    }
    return false;
  }
};

using ItemPtr = std::unique_ptr<Item>;

ItemPtr number(std::string digits) {
  auto it = std::make_unique<Item>(Item{Item::kNumber, {}, {}, {}});
  const auto nz = digits.find_first_not_of('0');
  it->text = nz == std::string::npos ? "0" : digits.substr(nz);
  return it;
}

ItemPtr qualifier(std::string value, bool followed_by_digit) {
  if (followed_by_digit && value.size() == 1) {
    if (value == "a") value = "alpha";
    if (value == "b") value = "beta";
    if (value == "m") value = "milestone";
  }
  if (value == "cr") value = "rc";
  return std::make_unique<Item>(Item{Item::kString, std::move(value), {}, {}});
}

ItemPtr combination(std::string v) {
  std::string cleaned;
  for (const char c : v) {
    if (c != '-') cleaned += c;
  }
  std::size_t index = 0;
  for (std::size_t i = 0; i < cleaned.size(); ++i) {
    if (cleaned[i] >= '0' && cleaned[i] <= '9') {
      index = i;
      break;
    }
  }
  auto it = std::make_unique<Item>(Item{Item::kCombination, {}, {}, {}});
  it->text = qualifier(cleaned.substr(0, index), true)->text;
  it->digit = number(cleaned.substr(index));
  return it;
}

ItemPtr parse_item(bool is_combination, bool is_digit, std::string buf) {
  if (is_combination) return combination(std::move(buf));
  if (is_digit) return number(std::move(buf));
  return qualifier(std::move(buf), false);
}

// The qualifier's rank as a string that sorts lexically, as ComparableVersion does.
std::string comparable_qualifier(const std::string& q) {
  static const char* const kQualifiers[] = {"alpha", "beta", "milestone", "rc", "snapshot", "", "sp"};
  if (q == "ga" || q == "final" || q == "release") return "5";
  for (int i = 0; i < 7; ++i) {
    if (q == kQualifiers[i]) return std::to_string(i);
  }
  return "7-" + q;
}

int sign(int r) { return r < 0 ? -1 : r > 0 ? 1 : 0; }

int compare(const Item* a, const Item* b);

int compare_string_to(const std::string& q, const Item* b) {
  if (b == nullptr) return sign(comparable_qualifier(q).compare("5"));
  switch (b->kind) {
    case Item::kNumber: return -1;
    case Item::kString: return sign(comparable_qualifier(q).compare(comparable_qualifier(b->text)));
    case Item::kCombination: {
      const int r = compare_string_to(q, qualifier(b->text, false).get());
      return r == 0 ? -1 : r;
    }
    case Item::kList: return -1;
  }
  return 0;
}

int compare(const Item* a, const Item* b) {
  switch (a->kind) {
    case Item::kNumber:
      if (b == nullptr) return a->is_null() ? 0 : 1;
      if (b->kind == Item::kNumber) {
        const auto c = compare_digits(a->text, b->text);
        return c < 0 ? -1 : c > 0 ? 1 : 0;
      }
      return 1;
    case Item::kString: return compare_string_to(a->text, b);
    case Item::kCombination: {
      if (b == nullptr) return compare_string_to(a->text, nullptr);
      switch (b->kind) {
        case Item::kNumber:
        case Item::kList: return -1;
        case Item::kString: {
          const int r = compare_string_to(a->text, b);
          return r == 0 ? 1 : r;
        }
        case Item::kCombination: {
          const int r = compare_string_to(a->text, qualifier(b->text, false).get());
          return r != 0 ? r : compare(a->digit.get(), b->digit.get());
        }
      }
      return 0;
    }
    case Item::kList:
      if (b == nullptr) {
        for (const auto& item : a->list) {
          if (const int r = compare(item.get(), nullptr); r != 0) return r;
        }
        return 0;
      }
      if (b->kind == Item::kNumber) return -1;
      if (b->kind != Item::kList) return 1;
      for (std::size_t i = 0; i < std::max(a->list.size(), b->list.size()); ++i) {
        const Item* l = i < a->list.size() ? a->list[i].get() : nullptr;
        const Item* r = i < b->list.size() ? b->list[i].get() : nullptr;
        const int result = l == nullptr ? (r == nullptr ? 0 : -compare(r, nullptr)) : compare(l, r);
        if (result != 0) return result;
      }
      return 0;
  }
  return 0;
}

void normalize(Item& list) {
  auto& items = list.list;
  for (std::size_t k = items.size(); k-- > 0;) {
    if (!items[k]->is_null()) continue;
    if (k + 1 == items.size() || items[k + 1]->kind == Item::kString) {
      items.erase(items.begin() + static_cast<long>(k));
    } else if (items[k + 1]->kind == Item::kList && !items[k + 1]->list.empty()) {
      const auto kind = items[k + 1]->list.front()->kind;
      if (kind == Item::kCombination || kind == Item::kString) {
        items.erase(items.begin() + static_cast<long>(k));
      }
    }
  }
}

ItemPtr parse_version(std::string_view text) {
  // Java's toLowerCase(Locale.ENGLISH): ASCII, and the Latin-1 capitals (U+00C0-U+00DE but
  // U+00D7) that UTF-8 writes as C3 80-9E.
  std::string version;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= 'A' && c <= 'Z') {
      version += static_cast<char>(c - 'A' + 'a');
    } else if (static_cast<unsigned char>(c) == 0xC3 && i + 1 < text.size() &&
               static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9E &&
               static_cast<unsigned char>(text[i + 1]) != 0x97) {
      version += c;
      version += static_cast<char>(text[++i] + 0x20);
    } else {
      version += c;
    }
  }
  auto root = std::make_unique<Item>(Item{Item::kList, {}, {}, {}});
  Item* list = root.get();
  std::vector<Item*> stack{list};
  auto open_sublist = [&] {
    list->list.push_back(std::make_unique<Item>(Item{Item::kList, {}, {}, {}}));
    list = list->list.back().get();
    stack.push_back(list);
  };
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  bool is_digit = false, is_combination = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i < version.size(); ++i) {
    const char c = version[i];
    if (c == '.') {
      if (i == start) {
        list->list.push_back(number("0"));
      } else {
        list->list.push_back(parse_item(is_combination, is_digit, version.substr(start, i - start)));
      }
      is_combination = false;
      start = i + 1;
    } else if (c == '-') {
      if (i == start) {
        list->list.push_back(number("0"));
      } else {
        // "X-1" is read as "X1".
        if (!is_digit && i + 1 != version.size() && digit(version[i + 1])) {
          is_combination = true;
          continue;
        }
        list->list.push_back(parse_item(is_combination, is_digit, version.substr(start, i - start)));
      }
      start = i + 1;
      if (!list->list.empty()) open_sublist();
      is_combination = false;
    } else if (digit(c)) {
      if (!is_digit && i > start) {
        is_combination = true;
        if (!list->list.empty()) open_sublist();
      }
      is_digit = true;
    } else {
      if (is_digit && i > start) {
        list->list.push_back(parse_item(is_combination, true, version.substr(start, i - start)));
        start = i;
        open_sublist();
        is_combination = false;
      }
      is_digit = false;
    }
  }
  if (version.size() > start) {
    // "1.0.0.X1" < "1.0.0-X2": a trailing ".X" is read as "-X".
    if (!is_digit && !list->list.empty()) open_sublist();
    list->list.push_back(parse_item(is_combination, is_digit, version.substr(start)));
  }
  while (!stack.empty()) {
    normalize(*stack.back());
    stack.pop_back();
  }
  return root;
}

}  // namespace

Result<void> MavenComparator::validate(std::string_view version) const {
  if (version.empty()) return fail(ErrorCode::kInvalidInput, "empty Maven version");
  return {};
}

Result<std::strong_ordering> MavenComparator::compare(std::string_view a, std::string_view b) const {
  const auto va = parse_version(a), vb = parse_version(b);
  return ordering_of(strata::compare(va.get(), vb.get()));
}

STRATA_COMPARATOR_INSTANCE(MavenComparator, maven_version_order)

}  // namespace strata
