// npm's own files: an installed package's package.json, and package-lock.json in its three
// lockfile versions. JSON through nlohmann (its parser is iterative, so nesting depth costs
// heap, not stack).
#include <nlohmann/json.hpp>

#include <vector>

#include "worker/parser/lang/json_fields.h"
#include "worker/parser/lang/lang_package.h"
#include "worker/parser/lang/lang_parsers.h"

namespace strata::worker {
namespace {

using Json = nlohmann::json;

// "node_modules/a/node_modules/@s/b" → "@s/b".
std::string_view name_from_install_path(std::string_view key) {
  constexpr std::string_view kMarker = "node_modules/";
  const auto at = key.rfind(kMarker);
  return at == std::string_view::npos ? std::string_view() : key.substr(at + kMarker.size());
}

}  // namespace

Result<ParsedPackages> parse_package_json(std::string_view text, std::string_view path) {
  auto doc = parse_json_object(text);
  if (!doc) return std::unexpected(doc.error());
  std::string name = string_field(*doc, "name");
  std::string version = string_field(*doc, "version");
  if (name.empty()) return fail(ErrorCode::kCorrupt, "package.json has no \"name\" string");
  if (version.empty()) return fail(ErrorCode::kCorrupt, "package " + name + " has no \"version\" string");
  ParsedPackages out;
  out.packages.push_back(language_package(Ecosystem::kNpm, std::move(name), std::move(version), path));
  return out;
}

Result<ParsedPackages> parse_npm_lock(std::string_view text, std::string_view path) {
  auto doc = parse_json_object(text);
  if (!doc) return std::unexpected(doc.error());
  ParsedPackages out;
  const std::string where(path);
  auto add = [&](std::string name, const Json& entry) {
    if (!entry.is_object()) {
      out.skipped.push_back(where + ": " + name + ": entry is not an object");
      return;
    }
    std::string version = string_field(entry, "version");
    if (version.empty()) {
      out.skipped.push_back(where + ": " + name + ": no version");
      return;
    }
    // Aliases ("npm:real-name@1.2.3") install the real package under another name.
    if (version.starts_with("npm:")) {
      const std::string_view alias = std::string_view(version).substr(4);
      const auto at = alias.rfind('@');
      if (at == 0 || at == std::string_view::npos) {
        out.skipped.push_back(where + ": " + name + ": alias " + version + " names no version");
        return;
      }
      name = std::string(alias.substr(0, at));
      version = std::string(alias.substr(at + 1));
    }
    out.packages.push_back(language_package(Ecosystem::kNpm, std::move(name), std::move(version), path));
  };
  if (const auto packages = doc->find("packages"); packages != doc->end() && packages->is_object()) {
    for (const auto& [key, entry] : packages->items()) {
      const std::string_view name = name_from_install_path(key);
      if (name.empty()) continue;  // the root project and workspace sources
      if (entry.is_object() && entry.contains("link") && entry["link"] == true) continue;  // a workspace link
      add(std::string(name), entry);
    }
    return out;
  }
  const auto dependencies = doc->find("dependencies");
  if (dependencies == doc->end()) return out;
  if (!dependencies->is_object()) return fail(ErrorCode::kCorrupt, "\"dependencies\" is not an object");
  // lockfileVersion 1 nests each package's own copies of its dependencies under it. An explicit
  // stack: a hostile file's depth must not become ours.
  std::vector<const Json*> pending = {&*dependencies};
  while (!pending.empty()) {
    const Json* level = pending.back();
    pending.pop_back();
    for (const auto& [name, entry] : level->items()) {
      add(name, entry);
      if (!entry.is_object()) continue;
      if (const auto nested = entry.find("dependencies"); nested != entry.end() && nested->is_object()) {
        pending.push_back(&*nested);
      }
    }
  }
  return out;
}

}  // namespace strata::worker
