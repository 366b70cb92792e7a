// Core metadata (packaging.python.org, "Core metadata specifications"): RFC 822 style header
// fields up to the first blank line, then the description. Continuation lines start with
// whitespace and belong to the field above; only Name and Version matter here.
#include "worker/parser/lang/lang_package.h"
#include "worker/parser/lang/lang_parsers.h"

namespace strata::worker {

Result<ParsedPackages> parse_python_metadata(std::string_view text, std::string_view path) {
  std::string name;
  std::string version;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t eol = std::min(text.find('\n', pos), text.size());
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.empty()) break;  // the body (long description) starts here
    if (line.front() == ' ' || line.front() == '\t') continue;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view key = line.substr(0, colon);
    const std::string_view value = trim(line.substr(colon + 1));
    if (key == "Name" && name.empty()) name = std::string(value);
    if (key == "Version" && version.empty()) version = std::string(value);
  }
  if (name.empty()) return fail(ErrorCode::kCorrupt, "no Name field in the metadata");
  if (version.empty()) {
    return fail(ErrorCode::kCorrupt, "distribution " + name + " has no Version field");
  }
  ParsedPackages out;
  out.packages.push_back(language_package(Ecosystem::kPypi, std::move(name), std::move(version), path));
  return out;
}

}  // namespace strata::worker
