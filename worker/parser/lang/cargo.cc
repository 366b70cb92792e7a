// Rust: Cargo.lock (TOML, through toml++) and cargo-auditable's .dep-v0 section, zlib-compressed
// JSON that lists every crate compiled into the binary.
#include <zlib.h>

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include "worker/parser/lang/elf_file.h"
#include "worker/parser/lang/json_fields.h"
#include "worker/parser/lang/lang_package.h"
#include "worker/parser/lang/lang_parsers.h"

namespace strata::worker {
namespace {

constexpr std::size_t kMaxAuditJson = 8u << 20;

}  // namespace

Result<ParsedPackages> parse_cargo_lock(std::string_view text, std::string_view path) {
  toml::table doc;
  try {
    doc = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    return fail(ErrorCode::kCorrupt, "not valid TOML: " + std::string(e.description()) + " at line " +
                                         std::to_string(e.source().begin.line));
  }
  ParsedPackages out;
  const std::string where(path);
  const toml::array* packages = doc["package"].as_array();
  if (packages == nullptr) return out;
  std::size_t index = 0;
  for (const auto& node : *packages) {
    ++index;
    const toml::table* p = node.as_table();
    const auto name = p ? (*p)["name"].value<std::string>() : std::nullopt;
    const auto version = p ? (*p)["version"].value<std::string>() : std::nullopt;
    if (!name || !version || name->empty() || version->empty()) {
      out.skipped.push_back(where + ": [[package]] #" + std::to_string(index) + " has no name or version");
      continue;
    }
    out.packages.push_back(language_package(Ecosystem::kCargo, *name, *version, path));
  }
  return out;
}

Result<ParsedPackages> parse_cargo_auditable(std::span<const std::byte> bytes, std::string_view path) {
  const auto elf = ElfFile::open(bytes);
  if (!elf) return fail(ErrorCode::kCorrupt, "not a readable ELF file");
  const auto section = elf->section(".dep-v0");
  if (!section) return fail(ErrorCode::kNotFound, "no cargo-auditable .dep-v0 section");
  // Inflate with a bound: the section's size says nothing about what it inflates to.
  std::string json(kMaxAuditJson, '\0');
  z_stream z{};
  if (inflateInit(&z) != Z_OK) return fail(ErrorCode::kInternal, "zlib could not start");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(section->data()));
  z.avail_in = static_cast<uInt>(section->size());
  z.next_out = reinterpret_cast<Bytef*>(json.data());
  z.avail_out = static_cast<uInt>(json.size());
  const int r = inflate(&z, Z_FINISH);
  const std::size_t produced = json.size() - z.avail_out;
  inflateEnd(&z);
  if (r == Z_BUF_ERROR && produced == json.size()) {
    return fail(ErrorCode::kLimitExceeded, ".dep-v0 inflates to more than " + std::to_string(kMaxAuditJson) + " bytes");
  }
  if (r != Z_STREAM_END) return fail(ErrorCode::kCorrupt, ".dep-v0 is not a complete zlib stream");
  json.resize(produced);
  const auto doc = nlohmann::json::parse(json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return fail(ErrorCode::kCorrupt, ".dep-v0 is not a JSON object");
  ParsedPackages out;
  const auto packages = doc.find("packages");
  if (packages == doc.end() || !packages->is_array()) return fail(ErrorCode::kCorrupt, ".dep-v0 has no \"packages\" array");
  for (const auto& p : *packages) {
    if (!p.is_object()) continue;
    const std::string name = string_field(p, "name");
    const std::string version = string_field(p, "version");
    if (name.empty() || version.empty()) {
      out.skipped.push_back(std::string(path) + ": .dep-v0 entry without name or version");
      continue;
    }
    // The binary's own crate and path dependencies are the program, not published crates.
    if (string_field(p, "source") == "local") continue;
    out.packages.push_back(language_package(Ecosystem::kCargo, name, version, path));
  }
  return out;
}

}  // namespace strata::worker
