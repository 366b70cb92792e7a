// Go's build information (the format of the standard library's debug/buildinfo): a 32-byte
// header starting "\xff Go buildinf:", then either the toolchain version and the module info as
// two varint-prefixed strings (flag 2, Go ≥ 1.18) or two pointers to Go string headers (older).
// The module info is tab-separated lines framed by 16 sentinel bytes on each side.
#include <algorithm>
#include <cctype>
#include <cstring>
#include <string>

#include "worker/parser/lang/elf_file.h"
#include "worker/parser/lang/lang_package.h"
#include "worker/parser/lang/lang_parsers.h"

namespace strata::worker {
namespace {

constexpr std::string_view kMagic = "\xff Go buildinf:";
constexpr std::size_t kHeaderSize = 32;
constexpr std::uint64_t kMaxString = 16u << 20;

std::string_view chars(std::span<const std::byte> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// An unsigned LEB128 varint, as encoding/binary writes it.
std::optional<std::uint64_t> read_uvarint(std::span<const std::byte>& in) {
  std::uint64_t value = 0;
  for (unsigned shift = 0; shift < 64 && !in.empty(); shift += 7) {
    const auto b = static_cast<std::uint8_t>(in.front());
    in = in.subspan(1);
    value |= std::uint64_t{b & 0x7fu} << shift;
    if ((b & 0x80u) == 0) return value;
  }
  return std::nullopt;
}

std::optional<std::string_view> read_inline_string(std::span<const std::byte>& in) {
  const auto length = read_uvarint(in);
  if (!length || *length > in.size()) return std::nullopt;
  const auto s = chars(in.first(*length));
  in = in.subspan(*length);
  return s;
}

// A Go string header (data pointer, length) at `address`, then its bytes.
std::optional<std::string_view> read_pointed_string(const ElfFile& elf, std::uint64_t address, std::size_t ptr) {
  const auto header = elf.at_address(address, 2 * ptr);
  if (!header) return std::nullopt;
  const std::uint64_t data = elf.read_uint(header->first(ptr), ptr);
  const std::uint64_t length = elf.read_uint(header->subspan(ptr, ptr), ptr);
  if (length > kMaxString) return std::nullopt;
  const auto bytes = elf.at_address(data, length);
  if (!bytes) return std::nullopt;
  return chars(*bytes);
}

std::optional<std::span<const std::byte>> find_header(const ElfFile& elf) {
  if (const auto section = elf.section(".go.buildinfo")) {
    if (section->size() >= kHeaderSize && chars(section->first(kMagic.size())) == kMagic) return *section;
  }
  // Section headers stripped: the header is 16-byte aligned somewhere in the file. (With section
  // headers and no .go.buildinfo it is not a Go binary, and most ELF files are not.)
  if (elf.has_section_headers()) return std::nullopt;
  const auto all = elf.bytes();
  for (std::size_t at = 0; at + kHeaderSize <= all.size(); at += 16) {
    if (std::memcmp(all.data() + at, kMagic.data(), kMagic.size()) == 0) return all.subspan(at);
  }
  return std::nullopt;
}

// "go1.21.3" → "v1.21.3", "go1.22" → "v1.22.0", "go1.21rc2" → "v1.21.0-rc.2",
// "go1.22.0 X:boringcrypto" → "v1.22.0": the semver the Go vulnerability database orders by.
std::string stdlib_version(std::string_view go) {
  go = go.substr(0, go.find(' '));
  if (go.starts_with("go")) go.remove_prefix(2);
  std::string_view pre;
  for (const std::string_view tag : {"rc", "beta", "alpha"}) {
    if (const auto at = go.find(tag); at != std::string_view::npos) {
      pre = go.substr(at);
      go = go.substr(0, at);
      break;
    }
  }
  std::string out = "v" + std::string(go);
  for (auto dots = std::count(go.begin(), go.end(), '.'); dots < 2; ++dots) out += ".0";
  if (!pre.empty()) {
    std::size_t digits = 0;
    while (digits < pre.size() && !std::isdigit(static_cast<unsigned char>(pre[digits]))) ++digits;
    out += "-" + std::string(pre.substr(0, digits));
    if (digits < pre.size()) out += "." + std::string(pre.substr(digits));
  }
  return out;
}

}  // namespace

Result<ParsedPackages> parse_go_modinfo(std::string_view go_version, std::string_view modinfo, std::string_view path) {
  ParsedPackages out;
  // The sentinels: 16 bytes before, 16 after, the text ending in "\n" just before the latter.
  if (modinfo.size() >= 33 && modinfo[modinfo.size() - 17] == '\n') modinfo = modinfo.substr(16, modinfo.size() - 32);
  if (!go_version.empty()) {
    out.packages.push_back(language_package(Ecosystem::kGolang, "stdlib", stdlib_version(go_version), path));
  }
  // The dep a following "=>" line replaces: always the last package added.
  bool last_is_dep = false;
  std::size_t pos = 0;
  while (pos < modinfo.size()) {
    const std::size_t eol = std::min(modinfo.find('\n', pos), modinfo.size());
    const std::string_view line = modinfo.substr(pos, eol - pos);
    pos = eol + 1;
    std::string_view fields[4];
    std::size_t n = 0;
    for (std::size_t p = 0; n < 4 && p <= line.size();) {
      const auto tab = std::min(line.find('\t', p), line.size());
      fields[n++] = line.substr(p, tab - p);
      p = tab + 1;
    }
    const std::string_view kind = fields[0];
    if (kind == "mod" || kind == "dep") {
      last_is_dep = false;
      if (n < 3 || fields[1].empty()) {
        out.skipped.push_back(std::string(path) + ": build info line without a module version: " + std::string(line));
        continue;
      }
      // The main module built from a checkout has no version: "(devel)". It is the program
      // itself, with no advisories to look up by a version.
      if (fields[2] == "(devel)" || fields[2].empty()) continue;
      out.packages.push_back(language_package(Ecosystem::kGolang, std::string(fields[1]), std::string(fields[2]), path));
      last_is_dep = kind == "dep";
    } else if (kind == "=>") {
      // A replace directive for the dep above: the code in the binary is the replacement's.
      if (!last_is_dep || n < 2) continue;
      // A replacement by a local directory ("../thing", version empty or "(devel)") has no
      // published version to match.
      if (n >= 3 && !fields[2].empty() && fields[2] != "(devel)") {
        Package& dep = out.packages.back();
        dep.name = dep.source_name = std::string(fields[1]);
        dep.version = dep.source_version = std::string(fields[2]);
      } else {
        out.packages.pop_back();
      }
      last_is_dep = false;
    }
  }
  return out;
}

Result<ParsedPackages> parse_go_binary(std::span<const std::byte> bytes, std::string_view path) {
  const auto elf = ElfFile::open(bytes);
  if (!elf) return fail(ErrorCode::kCorrupt, "not a readable ELF file");
  const auto header = find_header(*elf);
  if (!header) return fail(ErrorCode::kNotFound, "no Go build information");
  const auto ptr_size = static_cast<std::size_t>((*header)[14]);
  const auto flags = static_cast<unsigned>((*header)[15]);
  std::optional<std::string_view> version, modinfo;
  if (flags & 2u) {
    auto rest = header->subspan(kHeaderSize);
    version = read_inline_string(rest);
    if (version) modinfo = read_inline_string(rest);
  } else {
    if (ptr_size != 4 && ptr_size != 8) return fail(ErrorCode::kCorrupt, "Go build information with pointer size " + std::to_string(ptr_size));
    const std::uint64_t version_at = elf->read_uint(header->subspan(16, ptr_size), ptr_size);
    const std::uint64_t modinfo_at = elf->read_uint(header->subspan(16 + ptr_size, ptr_size), ptr_size);
    version = read_pointed_string(*elf, version_at, ptr_size);
    if (version) modinfo = read_pointed_string(*elf, modinfo_at, ptr_size);
  }
  if (!version || !modinfo) return fail(ErrorCode::kCorrupt, "Go build information points outside the file");
  if (!version->starts_with("go")) return fail(ErrorCode::kCorrupt, "Go build information names no toolchain version");
  return parse_go_modinfo(*version, *modinfo, path);
}

}  // namespace strata::worker
