// Parsers of the files language package managers leave in images. Pure: bytes in, packages out
// (ecosystem, name, version and path set; the path is the file's). A file that cannot be read as
// a whole is an error saying what is wrong (the caller names the file); a damaged record inside a
// readable file is skipped and named, with `path`, in `skipped`. Each is fuzzed (tests/fuzz).
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "common/error.h"
#include "worker/parser/parsed.h"

namespace strata::worker {

// Python core metadata (METADATA, PKG-INFO): the Name and Version header fields.
Result<ParsedPackages> parse_python_metadata(std::string_view text, std::string_view path);

// An installed package's package.json: name and version, both required.
Result<ParsedPackages> parse_package_json(std::string_view text, std::string_view path);
// package-lock.json / npm-shrinkwrap.json, lockfileVersion 1 ("dependencies", nested) and 2, 3
// ("packages" keyed by install path). Linked workspace entries are not installed packages.
Result<ParsedPackages> parse_npm_lock(std::string_view text, std::string_view path);
// yarn.lock: the v1 format and berry (v2+, YAML with __metadata); workspace and link entries
// are skipped.
Result<ParsedPackages> parse_yarn_lock(std::string_view text, std::string_view path);
// pnpm-lock.yaml lockfileVersion 5.x, 6.x and 9.x.
Result<ParsedPackages> parse_pnpm_lock(std::string_view text, std::string_view path);

// Go's build information: the modinfo text a Go binary embeds ("path", "mod", "dep", "=>"
// lines), plus the toolchain version as the package "stdlib".
Result<ParsedPackages> parse_go_modinfo(std::string_view go_version, std::string_view modinfo,
                                        std::string_view path);
// A Go executable (ELF): finds the build info by its magic in .go.buildinfo (or, without
// section headers, anywhere 16-byte aligned), in both the inline (Go ≥ 1.18) and the pointer
// (older) layouts. kNotFound when the binary carries none.
Result<ParsedPackages> parse_go_binary(std::span<const std::byte> elf, std::string_view path);

// JAR/WAR/EAR read in memory: pom.properties, then MANIFEST.MF, then the file name; nested
// archives to `max_depth`. Every inflated entry is bounded (a zip bomb is an error for that
// entry, not a crash or an unbounded allocation).
struct JarLimits {
  int max_depth = 3;
  std::size_t max_entry_bytes = 16u << 20;   // one inflated metadata file or nested archive
  std::size_t max_total_bytes = 256u << 20;  // everything inflated for one outer archive
};
Result<ParsedPackages> parse_java_archive(std::span<const std::byte> bytes, std::string_view path,
                                          const JarLimits& limits = {});

// An installed gem's specification (Ruby source: `s.name = "…"`, `s.version = "…"`).
Result<ParsedPackages> parse_gemspec(std::string_view text, std::string_view path);
// Gemfile.lock: the specs of every GEM, GIT and PATH section.
Result<ParsedPackages> parse_gemfile_lock(std::string_view text, std::string_view path);

// Cargo.lock (TOML, [[package]] name/version).
Result<ParsedPackages> parse_cargo_lock(std::string_view text, std::string_view path);
// A binary built with cargo-auditable: the zlib-compressed JSON in its .dep-v0 section.
// kNotFound when the binary has none.
Result<ParsedPackages> parse_cargo_auditable(std::span<const std::byte> elf, std::string_view path);

// vendor/composer/installed.json (Composer 1: an array; 2: {"packages": [...]}) and
// composer.lock ("packages" and "packages-dev").
Result<ParsedPackages> parse_composer(std::string_view text, std::string_view path);

// NAME.deps.json ("libraries" of type "package") and packages.lock.json.
Result<ParsedPackages> parse_dotnet_deps(std::string_view text, std::string_view path);

}  // namespace strata::worker
