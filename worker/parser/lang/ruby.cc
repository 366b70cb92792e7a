// RubyGems: an installed gem's specification (specifications/NAME-VERSION.gemspec, Ruby source
// that `gem install` writes in a fixed shape) and Bundler's Gemfile.lock. Neither is evaluated:
// the gemspec's `VAR.name = "…"` and `VAR.version = "…"` assignments are read, VAR being the
// block variable of `Gem::Specification.new do |VAR|`.
#include "common/text_lines.h"
#include "worker/parser/lang/lang_package.h"
#include "worker/parser/lang/lang_parsers.h"

namespace strata::worker {
namespace {

// The first string literal in `s` ("…" or '…'), without escapes (names and versions have none).
std::optional<std::string> first_string(std::string_view s) {
  const auto open = s.find_first_of("\"'");
  if (open == std::string_view::npos) return std::nullopt;
  const auto close = s.find(s[open], open + 1);
  if (close == std::string_view::npos) return std::nullopt;
  return std::string(s.substr(open + 1, close - open - 1));
}

}  // namespace

Result<ParsedPackages> parse_gemspec(std::string_view text, std::string_view path) {
  std::string var;
  std::string name, version;
  for_each_line(text, [&](std::string_view raw, std::size_t) {
    const std::string_view line = trim(raw);
    if (var.empty()) {
      const auto spec = line.find("Gem::Specification.new");
      const auto bar = line.find('|');
      if (spec != std::string_view::npos && bar != std::string_view::npos) {
        const auto end = line.find('|', bar + 1);
        if (end != std::string_view::npos) var = std::string(trim(line.substr(bar + 1, end - bar - 1)));
      }
      return true;
    }
    auto assigned = [&](std::string_view field) -> std::optional<std::string> {
      const std::string lhs = var + "." + std::string(field);
      if (!line.starts_with(lhs)) return std::nullopt;
      std::string_view rest = trim(line.substr(lhs.size()));
      if (!rest.starts_with('=') || rest.starts_with("==")) return std::nullopt;
      return first_string(rest.substr(1));
    };
    if (name.empty()) {
      if (auto v = assigned("name")) name = *v;
    }
    if (version.empty()) {
      if (auto v = assigned("version")) version = *v;
    }
    return true;
  });
  if (var.empty()) return fail(ErrorCode::kCorrupt, "no `Gem::Specification.new do |spec|` block");
  if (name.empty()) return fail(ErrorCode::kCorrupt, "no " + var + ".name assignment");
  if (version.empty()) return fail(ErrorCode::kCorrupt, "gem " + name + " has no " + var + ".version assignment");
  ParsedPackages out;
  out.packages.push_back(language_package(Ecosystem::kGem, std::move(name), std::move(version), path));
  return out;
}

Result<ParsedPackages> parse_gemfile_lock(std::string_view text, std::string_view path) {
  ParsedPackages out;
  const std::string where(path);
  bool in_source = false;  // inside a GEM, GIT or PATH section
  bool in_specs = false;
  for_each_line(text, [&](std::string_view line, std::size_t line_no) {
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.empty()) return true;
    if (line.front() != ' ') {
      in_source = line == "GEM" || line == "GIT" || line == "PATH" || line == "PLUGIN SOURCE";
      in_specs = false;
      return true;
    }
    if (!in_source) return true;
    if (line == "  specs:") {
      in_specs = true;
      return true;
    }
    if (line.size() < 3 || line[2] != ' ') {
      in_specs = false;
      return true;
    }
    // "    name (version[-platform])" is a gem; deeper lines are its dependencies' requirements.
    if (!in_specs || !line.starts_with("    ") || (line.size() > 4 && line[4] == ' ')) return true;
    const std::string_view spec = trim(line);
    const auto open = spec.find(" (");
    if (open == std::string_view::npos || !spec.ends_with(')')) {
      out.skipped.push_back(where + ":" + std::to_string(line_no) + ": not a \"name (version)\" spec line");
      return true;
    }
    std::string_view version = spec.substr(open + 2, spec.size() - open - 3);
    version = version.substr(0, version.find('-'));  // "1.13.6-x86_64-linux": the platform goes
    out.packages.push_back(language_package(Ecosystem::kGem, std::string(spec.substr(0, open)), std::string(version), path));
    return true;
  });
  return out;
}

}  // namespace strata::worker
