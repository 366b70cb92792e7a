// yarn.lock (v1's own format and berry's YAML) and pnpm-lock.yaml. YAML through yaml-cpp; its
// exceptions (malformed input, excessive nesting) become kCorrupt here.
#include <yaml-cpp/yaml.h>

#include <optional>
#include <vector>

#include "common/text_lines.h"
#include "worker/parser/lang/lang_package.h"
#include "worker/parser/lang/lang_parsers.h"

namespace strata::worker {
namespace {

std::string_view unquote(std::string_view s) {
  s = trim(s);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

// "@babel/core@^7.0.0" → "@babel/core"; "debug@npm:4.3.4" → "debug". The name's own leading
// "@" (a scope) is not the separator.
std::string_view name_of_descriptor(std::string_view descriptor) {
  const auto at = descriptor.find('@', 1);
  return at == std::string_view::npos ? descriptor : descriptor.substr(0, at);
}

// Protocols that point at the project's own files rather than at a published package, or
// repeat another entry.
bool is_local_protocol(std::string_view descriptor) {
  const auto at = descriptor.find('@', 1);
  if (at == std::string_view::npos) return false;
  const std::string_view range = descriptor.substr(at + 1);
  // A patch: entry repeats the npm: entry it patches, which is reported.
  for (const std::string_view p : {"file:", "link:", "workspace:", "portal:", "exec:", "patch:"}) {
    if (range.starts_with(p)) return true;
  }
  return false;
}

ParsedPackages parse_yarn_v1(std::string_view text, std::string_view path) {
  ParsedPackages out;
  const std::string where(path);
  std::string name;
  bool local = false;
  bool have_version = false;
  std::size_t header_line = 0;
  auto close = [&] {
    if (!name.empty() && !have_version && !local) {
      out.skipped.push_back(where + ":" + std::to_string(header_line) + ": " + name + " has no version");
    }
    name.clear();
  };
  for_each_line(text, [&](std::string_view line, std::size_t line_no) {
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.empty() || line.front() == '#') return true;
    if (line.front() != ' ') {  // "a@^1, a@^1.2:" — the descriptors that resolve to one entry
      close();
      if (!line.ends_with(':')) return true;
      line.remove_suffix(1);
      const std::string_view first = unquote(line.substr(0, line.find(',')));
      name = std::string(name_of_descriptor(first));
      local = is_local_protocol(first);
      have_version = false;
      header_line = line_no;
      return true;
    }
    if (name.empty() || have_version) return true;
    const std::string_view field = trim(line);
    if (field.starts_with("version ") || field.starts_with("\"version\" ")) {
      const std::string_view version = unquote(field.substr(field.find(' ') + 1));
      have_version = true;
      if (!local && !version.empty()) {
        out.packages.push_back(language_package(Ecosystem::kNpm, name, std::string(version), path));
      }
    }
    return true;
  });
  close();
  return out;
}

Result<YAML::Node> load_yaml(std::string_view text) {
  try {
    YAML::Node doc = YAML::Load(std::string(text));
    if (!doc.IsMap()) return fail(ErrorCode::kCorrupt, "the YAML document is not a mapping");
    return doc;
  } catch (const YAML::Exception& e) {
    return fail(ErrorCode::kCorrupt, std::string("not valid YAML: ") + e.what());
  }
}

std::optional<std::string> scalar(const YAML::Node& map, const char* key) {
  if (!map.IsMap()) return std::nullopt;
  const YAML::Node value = map[key];
  if (!value || !value.IsScalar()) return std::nullopt;
  return value.Scalar();
}

Result<ParsedPackages> parse_yarn_berry(std::string_view text, std::string_view path) {
  auto doc = load_yaml(text);
  if (!doc) return std::unexpected(doc.error());
  ParsedPackages out;
  const std::string where(path);
  try {
    for (const auto& kv : *doc) {
      const std::string key = kv.first.Scalar();
      if (key == "__metadata") continue;
      const YAML::Node& entry = kv.second;
      const std::string first(trim(std::string_view(key).substr(0, key.find(','))));
      const std::string resolution = scalar(entry, "resolution").value_or(first);
      if (is_local_protocol(resolution) || scalar(entry, "linkType").value_or("") == "soft") continue;
      const auto version = scalar(entry, "version");
      if (!version || version->empty()) {
        out.skipped.push_back(where + ": " + key + ": no version");
        continue;
      }
      out.packages.push_back(language_package(Ecosystem::kNpm, std::string(name_of_descriptor(resolution)),
                                              *version, path));
    }
  } catch (const YAML::Exception& e) {
    return fail(ErrorCode::kCorrupt, std::string("unexpected YAML structure: ") + e.what());
  }
  return out;
}

// A pnpm package key: "/name/1.0.0_peer@2" (v5), "/name@1.0.0(peer@2)" (v6),
// "name@1.0.0(peer@2)" (v9), or "name@https://…" whose version is only in the entry.
std::pair<std::string, std::string> split_pnpm_key(std::string_view key, bool v5) {
  if (key.starts_with('/')) key.remove_prefix(1);
  if (const auto paren = key.find('('); paren != std::string_view::npos) key = key.substr(0, paren);
  if (v5) {
    const auto slash = key.rfind('/');
    if (slash == std::string_view::npos) return {std::string(key), ""};
    std::string_view version = key.substr(slash + 1);
    version = version.substr(0, version.find('_'));
    return {std::string(key.substr(0, slash)), std::string(version)};
  }
  const auto at = key.find('@', 1);
  if (at == std::string_view::npos) return {std::string(key), ""};
  const std::string_view version = key.substr(at + 1);
  const bool is_version = version.find(':') == std::string_view::npos && version.find('/') == std::string_view::npos;
  return {std::string(key.substr(0, at)), is_version ? std::string(version) : std::string()};
}

}  // namespace

Result<ParsedPackages> parse_yarn_lock(std::string_view text, std::string_view path) {
  const bool berry = text.find("\n__metadata:") != std::string_view::npos || text.starts_with("__metadata:");
  if (berry) return parse_yarn_berry(text, path);
  return parse_yarn_v1(text, path);
}

Result<ParsedPackages> parse_pnpm_lock(std::string_view text, std::string_view path) {
  auto doc = load_yaml(text);
  if (!doc) return std::unexpected(doc.error());
  ParsedPackages out;
  const std::string where(path);
  try {
    const std::string lockfile_version = scalar(*doc, "lockfileVersion").value_or("");
    const bool v5 = lockfile_version.starts_with("5") || lockfile_version.starts_with("4") ||
                    lockfile_version.starts_with("3");
    const YAML::Node packages = (*doc)["packages"];
    if (!packages) return out;
    if (!packages.IsMap()) return fail(ErrorCode::kCorrupt, "\"packages\" is not a mapping");
    for (const auto& kv : packages) {
      const std::string key = kv.first.Scalar();
      auto [name, version] = split_pnpm_key(key, v5);
      if (const auto own = scalar(kv.second, "version")) version = *own;
      if (const auto own = scalar(kv.second, "name")) name = *own;
      if (name.empty() || version.empty() || version.find(':') != std::string::npos) {
        // A directory or file dependency: the project's own code, not a published package.
        if (key.find("@file:") == std::string::npos && key.find("@link:") == std::string::npos) {
          out.skipped.push_back(where + ": " + key + ": no version");
        }
        continue;
      }
      out.packages.push_back(language_package(Ecosystem::kNpm, std::move(name), std::move(version), path));
    }
  } catch (const YAML::Exception& e) {
    return fail(ErrorCode::kCorrupt, std::string("unexpected YAML structure: ") + e.what());
  }
  return out;
}

}  // namespace strata::worker
