// Version strings of every ecosystem: "A<TAB>B" (or one string) through validate and compare.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/ecosystems.h"
#include "common/version/comparator.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto tab = text.find('\t');
  const std::string_view a = text.substr(0, tab);
  const std::string_view b = tab == std::string_view::npos ? a : text.substr(tab + 1);
  for (const auto& ecosystem : strata::ecosystems()) {
    const auto& c = ecosystem.comparator();
    (void)c.validate(a);
    const auto ab = c.compare(a, b);
    const auto ba = c.compare(b, a);
    // An ordering must be antisymmetric; anything else is a comparator bug.
    if (ab && ba && (*ab < 0) != (*ba > 0)) __builtin_trap();
  }
  return 0;
}
