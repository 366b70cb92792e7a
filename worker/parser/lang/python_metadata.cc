// Core metadata (packaging.python.org, "Core metadata specifications"): RFC 822 style header
// fields up to the first blank line, then the description. Continuation lines start with
// whitespace and belong to the field above; only Name and Version matter here.
#include "worker/parser/lang/header_fields.h"
#include "worker/parser/lang/lang_parsers.h"

namespace strata::worker {

Result<ParsedPackages> parse_python_metadata(std::string_view text, std::string_view path) {
  std::string name;
  std::string version;
  for (const auto& [key, value] : header_fields(text)) {
    if (key == "Name" && name.empty()) name = value;
    if (key == "Version" && version.empty()) version = value;
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
