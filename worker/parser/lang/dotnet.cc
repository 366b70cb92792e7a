// .NET: an application's NAME.deps.json ("libraries": {"Name/Version": {"type": "package"}}) and
// NuGet's packages.lock.json ("dependencies": {framework: {Name: {"resolved": version}}}).
// Projects are the application's own code, not NuGet packages.
#include <set>

#include "worker/parser/lang/json_fields.h"
#include "worker/parser/lang/lang_package.h"
#include "worker/parser/lang/lang_parsers.h"

namespace strata::worker {

Result<ParsedPackages> parse_dotnet_deps(std::string_view text, std::string_view path) {
  auto doc = parse_json_object(text);
  if (!doc) return std::unexpected(doc.error());
  ParsedPackages out;
  const std::string where(path);
  if (const auto libraries = doc->find("libraries"); libraries != doc->end()) {
    if (!libraries->is_object()) return fail(ErrorCode::kCorrupt, "\"libraries\" is not an object");
    // A package no target gives runtime assets was only compiled against: it is not in the
    // application. Without targets, every package counts.
    const auto targets = doc->find("targets");
    const bool have_targets = targets != doc->end() && targets->is_object() && !targets->empty();
    auto deployed = [&](const std::string& key) {
      if (!have_targets) return true;
      bool listed = false;
      for (const auto& [name, target] : targets->items()) {
        if (!target.is_object()) continue;
        const auto it = target.find(key);
        if (it == target.end() || !it->is_object()) continue;
        listed = true;
        for (const char* assets : {"runtime", "native", "runtimeTargets"}) {
          if (const auto a = it->find(assets); a != it->end() && a->is_object() && !a->empty()) return true;
        }
      }
      return !listed;
    };
    for (const auto& [key, library] : libraries->items()) {
      const std::string type = string_field(library, "type");
      // Runtime packs are the .NET runtime itself, shipped inside self-contained applications.
      if (type != "package" && type != "runtimepack") continue;
      if (!deployed(key)) continue;
      const auto slash = key.find('/');
      if (slash == std::string::npos || slash == 0 || slash + 1 == key.size()) {
        out.skipped.push_back(where + ": library \"" + key + "\" is not \"Name/Version\"");
        continue;
      }
      std::string name = key.substr(0, slash);
      if (type == "runtimepack" && name.starts_with("runtimepack.")) name.erase(0, 12);
      out.packages.push_back(language_package(Ecosystem::kNuget, std::move(name), key.substr(slash + 1), path));
    }
    return out;
  }
  const auto frameworks = doc->find("dependencies");
  if (frameworks == doc->end()) return fail(ErrorCode::kCorrupt, "neither \"libraries\" nor \"dependencies\"");
  if (!frameworks->is_object()) return fail(ErrorCode::kCorrupt, "\"dependencies\" is not an object");
  std::set<std::pair<std::string, std::string>> seen;  // frameworks repeat the same packages
  for (const auto& [framework, dependencies] : frameworks->items()) {
    if (!dependencies.is_object()) continue;
    for (const auto& [name, dependency] : dependencies.items()) {
      if (string_field(dependency, "type") == "Project") continue;
      const std::string version = string_field(dependency, "resolved");
      if (version.empty()) {
        out.skipped.push_back(where + ": " + framework + ": " + name + " has no resolved version");
        continue;
      }
      if (!seen.emplace(name, version).second) continue;
      out.packages.push_back(language_package(Ecosystem::kNuget, name, version, path));
    }
  }
  return out;
}

}  // namespace strata::worker
