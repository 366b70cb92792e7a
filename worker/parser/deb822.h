// A reader for deb822 control data (Debian Policy §5.1): paragraphs of "Field: value" lines,
// separated by blank lines, with continuation lines that start with a space or tab. One reader
// serves dpkg's status file and distroless status.d files. Zero-copy: views into the input.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace strata::worker {

struct Deb822Field {
  std::string_view name;
  std::string_view value;  // trimmed; continuation lines included as written
};

struct Deb822Paragraph {
  std::size_t line = 0;  // 1-based line of the paragraph's first field
  std::vector<Deb822Field> fields;
  // The value of the first field named `name` (case-insensitive), or "" when absent.
  std::string_view get(std::string_view name) const;
  bool has(std::string_view name) const;
};

struct Deb822Document {
  std::vector<Deb822Paragraph> paragraphs;
  std::vector<std::size_t> malformed_lines;  // lines that are neither a field nor a continuation
};

Deb822Document parse_deb822(std::string_view text);

}  // namespace strata::worker
