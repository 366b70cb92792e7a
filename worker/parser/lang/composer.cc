// PHP's Composer: vendor/composer/installed.json (Composer 1 writes an array of packages,
// Composer 2 {"packages": [...]}) and composer.lock ("packages" and "packages-dev").
#include "worker/parser/lang/json_fields.h"
#include "worker/parser/lang/lang_package.h"
#include "worker/parser/lang/lang_parsers.h"

namespace strata::worker {

Result<ParsedPackages> parse_composer(std::string_view text, std::string_view path) {
  const auto doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return fail(ErrorCode::kCorrupt, "not valid JSON");
  std::vector<const nlohmann::json*> lists;
  if (doc.is_array()) {
    lists.push_back(&doc);
  } else if (doc.is_object()) {
    for (const char* key : {"packages", "packages-dev"}) {
      if (const auto it = doc.find(key); it != doc.end()) {
        if (!it->is_array()) return fail(ErrorCode::kCorrupt, std::string("\"") + key + "\" is not an array");
        lists.push_back(&*it);
      }
    }
  } else {
    return fail(ErrorCode::kCorrupt, "neither a package array nor an object");
  }
  ParsedPackages out;
  const std::string where(path);
  for (const auto* list : lists) {
    for (std::size_t i = 0; i < list->size(); ++i) {
      const auto& p = (*list)[i];
      std::string name = string_field(p, "name");
      std::string version = string_field(p, "version");
      if (name.empty() || version.empty()) {
        out.skipped.push_back(where + ": package #" + std::to_string(i + 1) + " has no name or version");
        continue;
      }
      out.packages.push_back(language_package(Ecosystem::kComposer, std::move(name), std::move(version), path));
    }
  }
  return out;
}

}  // namespace strata::worker
