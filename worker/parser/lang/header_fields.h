// RFC 822-style header fields, as Python's core metadata (METADATA, PKG-INFO) and Java's
// MANIFEST.MF write them: "Key: value" lines up to the first blank line, a line starting with
// whitespace continuing the field above (its first whitespace character dropped).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/text_lines.h"
#include "worker/parser/lang/lang_package.h"

namespace strata::worker {

inline std::vector<std::pair<std::string, std::string>> header_fields(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> fields;
  for_each_line(text, [&](std::string_view line, std::size_t) {
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.empty()) return false;  // the body, or the next section, starts here
    if (line.front() == ' ' || line.front() == '\t') {
      if (!fields.empty()) fields.back().second += line.substr(1);
      return true;
    }
    const auto colon = line.find(':');
    if (colon != std::string_view::npos) {
      fields.emplace_back(std::string(trim(line.substr(0, colon))), std::string(line.substr(colon + 1)));
    }
    return true;
  });
  for (auto& [key, value] : fields) value = std::string(trim(value));
  return fields;
}

}  // namespace strata::worker
