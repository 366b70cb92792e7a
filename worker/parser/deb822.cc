#include "worker/parser/deb822.h"

#include <algorithm>
#include <cctype>

namespace strata::worker {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' ||
                        s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' ||
                        s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

std::string_view Deb822Paragraph::get(std::string_view name) const {
  for (const auto& f : fields) {
    if (iequals(f.name, name)) return f.value;
  }
  return {};
}

bool Deb822Paragraph::has(std::string_view name) const {
  return std::any_of(fields.begin(), fields.end(),
                     [&](const auto& f) { return iequals(f.name, name); });
}

Deb822Document parse_deb822(std::string_view text) {
  Deb822Document doc;
  Deb822Paragraph current;
  const char* value_start = nullptr;  // start of the open field's value, to extend over
  std::size_t line_no = 0;            // continuation lines
  std::size_t pos = 0;
  auto close_paragraph = [&] {
    if (!current.fields.empty()) doc.paragraphs.push_back(std::move(current));
    current = Deb822Paragraph{};
    value_start = nullptr;
  };
  while (pos < text.size()) {
    const std::size_t eol = std::min(text.find('\n', pos), text.size());
    const std::string_view line = text.substr(pos, eol - pos);
    const std::size_t next = eol < text.size() ? eol + 1 : eol;
    ++line_no;
    if (trim(line).empty()) {
      close_paragraph();
    } else if (line.front() == ' ' || line.front() == '\t') {
      if (value_start != nullptr && !current.fields.empty()) {
        current.fields.back().value =
            trim(std::string_view(value_start, static_cast<std::size_t>(text.data() + eol - value_start)));
      } else {
        doc.malformed_lines.push_back(line_no);
      }
    } else if (line.front() == '#') {
      // comments are allowed in deb822 and carry nothing
    } else {
      const auto colon = line.find(':');
      if (colon == std::string_view::npos || colon == 0) {
        doc.malformed_lines.push_back(line_no);
        value_start = nullptr;
      } else {
        if (current.fields.empty()) current.line = line_no;
        const std::string_view value = trim(line.substr(colon + 1));
        current.fields.push_back({trim(line.substr(0, colon)), value});
        value_start = value.empty() ? line.data() + line.size() : value.data();
      }
    }
    pos = next;
  }
  close_paragraph();
  return doc;
}

}  // namespace strata::worker
