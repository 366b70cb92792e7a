#include "tests/support/elf_builder.h"

#include <archive.h>
#include <archive_entry.h>

#include <memory>
#include <stdexcept>

namespace strata::test {
namespace {

void put(std::string& out, std::uint64_t v, int width) {
  for (int i = 0; i < width; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

void put_at(std::string& out, std::size_t at, std::uint64_t v, int width) {
  for (int i = 0; i < width; ++i) out[at + static_cast<std::size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xff);
}

void pad_to(std::string& out, std::size_t alignment) {
  while (out.size() % alignment != 0) out += '\0';
}

std::string uvarint(std::uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
  return out;
}

std::string go_header(std::uint8_t flags) {
  std::string h = "\xff Go buildinf:";
  h += static_cast<char>(8);
  h += static_cast<char>(flags);
  h.resize(32, '\0');
  return h;
}

}  // namespace

ElfImage make_elf(const std::vector<ElfSection>& sections) {
  ElfImage image;
  std::string& f = image.bytes;
  f.assign(64 + 56, '\0');
  // Section data, then the name table, then the section headers.
  for (const auto& s : sections) {
    pad_to(f, 16);
    image.offsets.push_back(f.size());
    f += s.bytes;
  }
  std::string names(1, '\0');
  std::vector<std::uint32_t> name_at;
  for (const auto& s : sections) {
    name_at.push_back(static_cast<std::uint32_t>(names.size()));
    names += s.name + '\0';
  }
  const auto shstrtab_name = static_cast<std::uint32_t>(names.size());
  names += std::string(".shstrtab") + '\0';
  pad_to(f, 16);
  const std::uint64_t names_at = f.size();
  f += names;
  pad_to(f, 8);
  const std::uint64_t shoff = f.size();
  auto section_header = [&](std::uint32_t name, std::uint32_t type, std::uint64_t offset, std::uint64_t size) {
    put(f, name, 4);
    put(f, type, 4);
    put(f, 0, 8);                                     // flags
    put(f, type == 0 ? 0 : kElfBase + offset, 8);     // address: the segment maps the file 1:1
    put(f, offset, 8);
    put(f, size, 8);
    put(f, 0, 4);
    put(f, 0, 4);
    put(f, 1, 8);
    put(f, 0, 8);
  };
  section_header(0, 0, 0, 0);
  for (std::size_t i = 0; i < sections.size(); ++i) section_header(name_at[i], 1, image.offsets[i], sections[i].bytes.size());
  section_header(shstrtab_name, 3, names_at, names.size());
  const auto shnum = sections.size() + 2;

  std::string h = "\x7f" "ELF";
  h += '\x02';  // 64-bit
  h += '\x01';  // little-endian
  h += '\x01';  // version
  h.resize(16, '\0');
  put(h, 2, 2);           // ET_EXEC
  put(h, 62, 2);          // x86-64
  put(h, 1, 4);
  put(h, kElfBase, 8);    // entry
  put(h, 64, 8);          // phoff
  put(h, shoff, 8);
  put(h, 0, 4);
  put(h, 64, 2);
  put(h, 56, 2);
  put(h, 1, 2);           // phnum
  put(h, 64, 2);
  put(h, shnum, 2);
  put(h, shnum - 1, 2);   // shstrndx
  f.replace(0, 64, h);
  std::string ph;
  put(ph, 1, 4);          // PT_LOAD
  put(ph, 5, 4);
  put(ph, 0, 8);          // offset
  put(ph, kElfBase, 8);
  put(ph, kElfBase, 8);
  put(ph, f.size(), 8);   // filesz
  put(ph, f.size(), 8);
  put(ph, 0x1000, 8);
  f.replace(64, 56, ph);
  return image;
}

std::string go_modinfo(const std::string& lines) {
  return std::string("0w\xaf\x0c\x92t\x08\x02\x41\xe1\xc1\x07\xe6\xd6\x18\xe6", 16) + lines +
         std::string("\xf9\x32\x43\x31\x86\x18\x20\x72\x00\x82\x42\x10\x41\x16\xd8\xf2", 16);
}

std::string go_buildinfo_inline(const std::string& go_version, const std::string& modinfo) {
  return go_header(2) + uvarint(go_version.size()) + go_version + uvarint(modinfo.size()) + modinfo;
}

std::string go_buildinfo_pointers(const std::string& go_version, const std::string& modinfo,
                                  std::uint64_t section_address) {
  std::string s = go_header(0);
  // [32, 48): version string header; [48, 64): modinfo string header; then both strings.
  s.resize(64, '\0');
  const std::uint64_t version_data = section_address + s.size();
  s += go_version;
  const std::uint64_t modinfo_data = section_address + s.size();
  s += modinfo;
  put_at(s, 16, section_address + 32, 8);
  put_at(s, 24, section_address + 48, 8);
  put_at(s, 32, version_data, 8);
  put_at(s, 40, go_version.size(), 8);
  put_at(s, 48, modinfo_data, 8);
  put_at(s, 56, modinfo.size(), 8);
  return s;
}

std::string make_zip(const std::vector<std::pair<std::string, std::string>>& files) {
  std::unique_ptr<archive, decltype(&archive_write_free)> a(archive_write_new(), archive_write_free);
  archive_write_set_format_zip(a.get());
  std::string out(64u << 20, '\0');
  std::size_t used = 0;
  if (archive_write_open_memory(a.get(), out.data(), out.size(), &used) != ARCHIVE_OK) {
    throw std::runtime_error("make_zip: open");
  }
  for (const auto& [name, content] : files) {
    std::unique_ptr<archive_entry, decltype(&archive_entry_free)> e(archive_entry_new(), archive_entry_free);
    archive_entry_set_pathname(e.get(), name.c_str());
    archive_entry_set_filetype(e.get(), AE_IFREG);
    archive_entry_set_perm(e.get(), 0644);
    archive_entry_set_size(e.get(), static_cast<la_int64_t>(content.size()));
    archive_write_header(a.get(), e.get());
    archive_write_data(a.get(), content.data(), content.size());
  }
  archive_write_close(a.get());
  out.resize(used);
  return out;
}

}  // namespace strata::test
