#include "worker/parser/lang/elf_file.h"

#include <cstring>

namespace strata::worker {
namespace {

constexpr std::uint32_t kShtNobits = 8;
constexpr std::uint32_t kPtLoad = 1;

bool fits(std::span<const std::byte> bytes, std::uint64_t offset, std::uint64_t size) {
  return offset <= bytes.size() && size <= bytes.size() - offset;
}

}  // namespace

bool ElfFile::has_magic(std::span<const std::byte> head) {
  return head.size() >= 4 && std::memcmp(head.data(), "\x7f" "ELF", 4) == 0;
}

std::uint64_t ElfFile::read_uint(std::span<const std::byte> at, std::size_t width) const {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < width && i < at.size(); ++i) {
    const auto b = static_cast<std::uint64_t>(at[big_endian_ ? i : width - 1 - i]);
    v = (v << 8) | b;
  }
  return v;
}

std::optional<ElfFile> ElfFile::open(std::span<const std::byte> bytes) {
  if (!has_magic(bytes) || bytes.size() < 52) return std::nullopt;
  ElfFile elf;
  elf.bytes_ = bytes;
  const auto cls = static_cast<unsigned>(bytes[4]);
  const auto data = static_cast<unsigned>(bytes[5]);
  if ((cls != 1 && cls != 2) || (data != 1 && data != 2)) return std::nullopt;
  elf.is64_ = cls == 2;
  elf.big_endian_ = data == 2;
  if (elf.is64_ && bytes.size() < 64) return std::nullopt;
  auto u = [&](std::size_t offset, std::size_t width) { return elf.read_uint(bytes.subspan(offset, width), width); };
  if (elf.is64_) {
    elf.phoff_ = u(32, 8);
    elf.shoff_ = u(40, 8);
    elf.phentsize_ = static_cast<std::uint32_t>(u(54, 2));
    elf.phnum_ = static_cast<std::uint32_t>(u(56, 2));
    elf.shentsize_ = static_cast<std::uint32_t>(u(58, 2));
    elf.shnum_ = static_cast<std::uint32_t>(u(60, 2));
    elf.shstrndx_ = static_cast<std::uint32_t>(u(62, 2));
  } else {
    elf.phoff_ = u(28, 4);
    elf.shoff_ = u(32, 4);
    elf.phentsize_ = static_cast<std::uint32_t>(u(42, 2));
    elf.phnum_ = static_cast<std::uint32_t>(u(44, 2));
    elf.shentsize_ = static_cast<std::uint32_t>(u(46, 2));
    elf.shnum_ = static_cast<std::uint32_t>(u(48, 2));
    elf.shstrndx_ = static_cast<std::uint32_t>(u(50, 2));
  }
  const std::uint32_t min_sh = elf.is64_ ? 64 : 40;
  const std::uint32_t min_ph = elf.is64_ ? 56 : 32;
  if (elf.shnum_ != 0 && (elf.shentsize_ < min_sh || !fits(bytes, elf.shoff_, std::uint64_t{elf.shnum_} * elf.shentsize_))) {
    elf.shnum_ = 0;  // unusable section headers: treated as stripped
  }
  if (elf.phnum_ != 0 && (elf.phentsize_ < min_ph || !fits(bytes, elf.phoff_, std::uint64_t{elf.phnum_} * elf.phentsize_))) {
    elf.phnum_ = 0;
  }
  return elf;
}

std::optional<std::span<const std::byte>> ElfFile::section(std::string_view name) const {
  if (shnum_ == 0 || shstrndx_ >= shnum_) return std::nullopt;
  struct Header {
    std::uint64_t name, type, offset, size;
  };
  auto header = [&](std::uint32_t i) {
    const auto h = bytes_.subspan(shoff_ + std::uint64_t{i} * shentsize_, shentsize_);
    if (is64_) return Header{read_uint(h.subspan(0, 4), 4), read_uint(h.subspan(4, 4), 4),
                             read_uint(h.subspan(24, 8), 8), read_uint(h.subspan(32, 8), 8)};
    return Header{read_uint(h.subspan(0, 4), 4), read_uint(h.subspan(4, 4), 4),
                  read_uint(h.subspan(16, 4), 4), read_uint(h.subspan(20, 4), 4)};
  };
  const Header strings = header(shstrndx_);
  if (!fits(bytes_, strings.offset, strings.size)) return std::nullopt;
  const auto table = bytes_.subspan(strings.offset, strings.size);
  for (std::uint32_t i = 0; i < shnum_; ++i) {
    const Header h = header(i);
    if (h.name >= table.size() || table.size() - h.name < name.size() + 1) continue;
    if (std::memcmp(table.data() + h.name, name.data(), name.size()) != 0 ||
        table[h.name + name.size()] != std::byte{0}) {
      continue;
    }
    if (h.type == kShtNobits || !fits(bytes_, h.offset, h.size)) return std::nullopt;
    return bytes_.subspan(h.offset, h.size);
  }
  return std::nullopt;
}

std::optional<std::span<const std::byte>> ElfFile::at_address(std::uint64_t address, std::uint64_t size) const {
  for (std::uint32_t i = 0; i < phnum_; ++i) {
    const auto p = bytes_.subspan(phoff_ + std::uint64_t{i} * phentsize_, phentsize_);
    std::uint64_t type, offset, vaddr, filesz;
    if (is64_) {
      type = read_uint(p.subspan(0, 4), 4);
      offset = read_uint(p.subspan(8, 8), 8);
      vaddr = read_uint(p.subspan(16, 8), 8);
      filesz = read_uint(p.subspan(32, 8), 8);
    } else {
      type = read_uint(p.subspan(0, 4), 4);
      offset = read_uint(p.subspan(4, 4), 4);
      vaddr = read_uint(p.subspan(8, 4), 4);
      filesz = read_uint(p.subspan(16, 4), 4);
    }
    if (type != kPtLoad || address < vaddr || address - vaddr >= filesz) continue;
    const std::uint64_t within = address - vaddr;
    if (size > filesz - within) return std::nullopt;
    if (!fits(bytes_, offset, filesz) || !fits(bytes_, offset + within, size)) return std::nullopt;
    return bytes_.subspan(offset + within, size);
  }
  return std::nullopt;
}

}  // namespace strata::worker
