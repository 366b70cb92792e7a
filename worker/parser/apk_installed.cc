#include "worker/parser/apk_installed.h"

#include <string>

namespace strata::worker {

ParsedPackages parse_apk_installed(std::string_view text, std::string_view path) {
  ParsedPackages out;
  const std::string where(path);
  Package current;
  std::size_t line_no = 0;
  std::size_t block_line = 0;
  bool in_block = false;
  auto close_block = [&] {
    if (!in_block) return;
    const std::string at = where + ":" + std::to_string(block_line) + ": ";
    if (current.name.empty()) {
      out.skipped.push_back(at + "package block without a P: (name) line");
    } else if (current.version.empty()) {
      out.skipped.push_back(at + "package " + current.name + " has no V: (version) line");
    } else {
      current.ecosystem = Ecosystem::kApk;
      current.path = where;
      if (current.source_name.empty()) current.source_name = current.name;
      current.source_version = current.version;
      out.packages.push_back(std::move(current));
    }
    current = Package{};
    in_block = false;
  };
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t eol = std::min(text.find('\n', pos), text.size());
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol < text.size() ? eol + 1 : eol;
    ++line_no;
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.empty()) {
      close_block();
      continue;
    }
    if (!in_block) {
      in_block = true;
      block_line = line_no;
    }
    if (line.size() < 2 || line[1] != ':') continue;  // apk ignores lines it does not know
    const std::string_view value = line.substr(2);
    switch (line[0]) {
      case 'P': current.name = std::string(value); break;
      case 'V': current.version = std::string(value); break;
      case 'A': current.arch = std::string(value); break;
      case 'o': current.source_name = std::string(value); break;
      default: break;
    }
  }
  close_block();
  return out;
}

}  // namespace strata::worker
