// Java archives (JAR, WAR, EAR; Spring Boot's BOOT-INF/lib and WEB-INF/lib nesting) read as zip
// files in memory through libarchive. Identity, most trusted first: each
// META-INF/maven/**/pom.properties (groupId, artifactId, version, written by Maven itself); then,
// when none of those is the archive itself, MANIFEST.MF's Implementation-*/Bundle-* attributes;
// then the file name "artifact-1.2.3.jar" with the group from the manifest. An archive that
// still has no group or no version is reported as unidentified rather than guessed at.
#include <archive.h>
#include <archive_entry.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "worker/analyzer/lang/language_paths.h"
#include "common/text_lines.h"
#include "worker/parser/lang/header_fields.h"
#include "worker/parser/lang/lang_parsers.h"

namespace strata::worker {
namespace {

struct ArchiveFree {
  void operator()(archive* a) const noexcept { archive_read_free(a); }
};

using Attributes = std::map<std::string, std::string, std::less<>>;

// "key=value" lines; '#' and '!' start comments (java.util.Properties).
Attributes parse_properties(std::string_view text) {
  Attributes out;
  for_each_line(text, [&](std::string_view raw, std::size_t) {
    const std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == '!') return true;
    const auto sep = line.find_first_of("=:");
    if (sep != std::string_view::npos) {
      out.emplace(std::string(trim(line.substr(0, sep))), std::string(trim(line.substr(sep + 1))));
    }
    return true;
  });
  return out;
}

// The main section of a manifest (the per-entry sections follow its first blank line).
Attributes parse_manifest(std::string_view text) {
  Attributes out;
  for (auto& [key, value] : header_fields(text)) out.emplace(std::move(key), std::move(value));
  return out;
}

std::string attribute(const Attributes& a, std::initializer_list<std::string_view> keys) {
  for (const auto key : keys) {
    if (const auto it = a.find(key); it != a.end() && !it->second.empty()) {
      // OSGi attributes carry directives after ';' ("org.foo;singleton:=true").
      return std::string(trim(std::string_view(it->second).substr(0, it->second.find(';'))));
    }
  }
  return {};
}

// "jackson-databind-2.9.10.8.jar" → {"jackson-databind", "2.9.10.8"}: the version starts at the
// first "-" followed by a digit.
std::optional<std::pair<std::string, std::string>> split_file_name(std::string_view file) {
  const auto dot = file.rfind('.');
  if (dot != std::string_view::npos) file = file.substr(0, dot);
  for (std::size_t i = 0; i + 1 < file.size(); ++i) {
    if (file[i] == '-' && std::isdigit(static_cast<unsigned char>(file[i + 1]))) {
      return std::pair{std::string(file.substr(0, i)), std::string(file.substr(i + 1))};
    }
  }
  return std::nullopt;
}

class JarReader {
 public:
  JarReader(const JarLimits& limits, ParsedPackages& out) : limits_(limits), out_(out) {}

  Result<void> read(std::span<const std::byte> bytes, const std::string& path, int depth) {
    std::unique_ptr<archive, ArchiveFree> a(archive_read_new());
    archive_read_support_format_zip(a.get());
    if (archive_read_open_memory(a.get(), bytes.data(), bytes.size()) != ARCHIVE_OK) {
      return fail(ErrorCode::kCorrupt, "not a zip archive: " + std::string(archive_error_string(a.get()) ? archive_error_string(a.get()) : "unreadable"));
    }
    std::vector<Package> from_poms;
    Attributes manifest;
    bool have_manifest = false;
    archive_entry* entry = nullptr;
    std::size_t entries = 0;
    for (;;) {
      const int r = archive_read_next_header(a.get(), &entry);
      if (r == ARCHIVE_EOF) break;
      if (r < ARCHIVE_WARN) {
        if (entries == 0) return fail(ErrorCode::kCorrupt, "not a zip archive: " + error_of(a.get()));
        out_.skipped.push_back(path + ": zip: " + error_of(a.get()));
        break;
      }
      ++entries;
      const char* raw_name = archive_entry_pathname(entry);
      const std::string name = raw_name ? raw_name : "";
      const bool is_pom = name.starts_with("META-INF/") && name.ends_with("/pom.properties");
      const bool is_manifest = name == "META-INF/MANIFEST.MF";
      const bool is_nested = depth < limits_.max_depth && is_java_archive(name);
      if (!is_pom && !is_manifest && !is_nested) continue;
      auto content = read_entry(a.get(), path + "/" + name);
      if (!content) {
        out_.skipped.push_back(path + "/" + name + ": " + content.error().message());
        continue;
      }
      if (is_pom) {
        const Attributes props = parse_properties(*content);
        const std::string group = attribute(props, {"groupId"});
        const std::string artifact = attribute(props, {"artifactId"});
        const std::string version = attribute(props, {"version"});
        if (group.empty() || artifact.empty() || version.empty()) {
          out_.skipped.push_back(path + "/" + name + ": pom.properties without groupId, artifactId and version");
          continue;
        }
        from_poms.push_back(language_package(Ecosystem::kMaven, group + ":" + artifact, version, path));
      } else if (is_manifest) {
        manifest = parse_manifest(*content);
        have_manifest = true;
      } else if (auto nested = read(std::as_bytes(std::span(content->data(), content->size())), path + "/" + name, depth + 1); !nested) {
        out_.skipped.push_back(path + "/" + name + ": " + nested.error().message());
      }
    }
    const std::string_view file = base_name(path);
    const auto from_name = split_file_name(file);
    bool self_found = from_poms.empty() ? false : !from_name;
    for (const auto& p : from_poms) {
      if (from_name && p.name.ends_with(":" + from_name->first)) self_found = true;
    }
    for (auto& p : from_poms) out_.packages.push_back(std::move(p));
    if (self_found || (!from_poms.empty() && !have_manifest)) return {};
    // The archive itself, from its manifest, then its file name.
    std::string group = attribute(manifest, {"Implementation-Vendor-Id"});
    if (group.empty()) {
      const std::string symbolic = attribute(manifest, {"Bundle-SymbolicName"});
      if (const auto dot = symbolic.rfind('.'); dot != std::string::npos) group = symbolic.substr(0, dot);
    }
    std::string artifact = attribute(manifest, {"Implementation-Title", "Bundle-Name"});
    std::string version = attribute(manifest, {"Implementation-Version", "Bundle-Version"});
    if ((artifact.empty() || version.empty()) && from_name) {
      artifact = from_name->first;
      version = from_name->second;
    }
    if (!from_poms.empty() && (artifact.empty() || version.empty())) return {};
    if (group.empty() || artifact.empty() || version.empty()) {
      out_.skipped.push_back(path + ": unidentified Java archive (no pom.properties; manifest and file name give " +
                             (artifact.empty() ? std::string("no artifact") : "artifact " + artifact) +
                             (version.empty() ? ", no version" : " " + version) + (group.empty() ? ", no group" : "") +
                             "): not matched");
      return {};
    }
    out_.packages.push_back(language_package(Ecosystem::kMaven, group + ":" + artifact, version, path));
    return {};
  }

 private:
  static std::string error_of(archive* a) {
    const char* e = archive_error_string(a);
    return e ? e : "unreadable entry";
  }

  // The entry's bytes, bounded per entry and per outer archive: what stops a zip bomb.
  Result<std::string> read_entry(archive* a, const std::string& where) {
    std::string out;
    char buffer[64 * 1024];
    for (;;) {
      const la_ssize_t n = archive_read_data(a, buffer, sizeof buffer);
      if (n == 0) return out;
      if (n < 0) return fail(ErrorCode::kCorrupt, "zip: " + error_of(a));
      out.append(buffer, static_cast<std::size_t>(n));
      total_ += static_cast<std::size_t>(n);
      if (out.size() > limits_.max_entry_bytes) {
        return fail(ErrorCode::kLimitExceeded, "inflates to more than " + std::to_string(limits_.max_entry_bytes) +
                                                   " bytes (the per-entry limit); skipped");
      }
      if (total_ > limits_.max_total_bytes) {
        return fail(ErrorCode::kLimitExceeded, "the archive inflates to more than " +
                                                   std::to_string(limits_.max_total_bytes) + " bytes in all; " + where +
                                                   " skipped");
      }
    }
  }

  const JarLimits& limits_;
  ParsedPackages& out_;
  std::size_t total_ = 0;
};

}  // namespace

Result<ParsedPackages> parse_java_archive(std::span<const std::byte> bytes, std::string_view path,
                                          const JarLimits& limits) {
  ParsedPackages out;
  JarReader reader(limits, out);
  if (auto r = reader.read(bytes, std::string(path), 0); !r) return std::unexpected(r.error());
  return out;
}

}  // namespace strata::worker
