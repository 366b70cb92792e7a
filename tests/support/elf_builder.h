// Builds small ELF64 little-endian files with named sections and one PT_LOAD segment mapping the
// whole file at kElfBase, and Go build info blobs in both layouts, so that the binary analyzers
// are tested (and fuzzed from seeds) on bytes the tests made.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace strata::test {

constexpr std::uint64_t kElfBase = 0x400000;

struct ElfSection {
  std::string name;
  std::string bytes;
};

// The file, and the file offset of each section's bytes in order.
struct ElfImage {
  std::string bytes;
  std::vector<std::uint64_t> offsets;
};
ElfImage make_elf(const std::vector<ElfSection>& sections);

// A .go.buildinfo section in Go ≥ 1.18's inline layout.
std::string go_buildinfo_inline(const std::string& go_version, const std::string& modinfo);
// Go < 1.18's pointer layout: the header points at string headers placed after it; the section
// must be loaded at `section_address`.
std::string go_buildinfo_pointers(const std::string& go_version, const std::string& modinfo,
                                  std::uint64_t section_address);
// The sentinel-framed module info text from its lines.
std::string go_modinfo(const std::string& lines);

// A zip archive (jar) with these files, deflated.
std::string make_zip(const std::vector<std::pair<std::string, std::string>>& files);

}  // namespace strata::test
