// Just enough of ELF to find a section's bytes and to read memory by virtual address, for the
// build information Go and cargo-auditable embed in binaries. Every offset and size is checked
// against the file before use: the bytes come from an image.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace strata::worker {

class ElfFile {
 public:
  // nullopt unless `bytes` starts with a well-formed ELF header (32 or 64 bit, either byte order).
  static std::optional<ElfFile> open(std::span<const std::byte> bytes);
  static bool has_magic(std::span<const std::byte> head);

  // The contents of the section named `name`, or nullopt when there is none (or it lies outside
  // the file, or occupies no file bytes).
  std::optional<std::span<const std::byte>> section(std::string_view name) const;
  // The file bytes that back [address, address + size) in a loadable segment, if all of them do.
  std::optional<std::span<const std::byte>> at_address(std::uint64_t address, std::uint64_t size) const;
  bool has_section_headers() const { return shnum_ != 0; }
  // The whole file, for scanning when section headers are stripped.
  std::span<const std::byte> bytes() const { return bytes_; }
  bool big_endian() const { return big_endian_; }

  std::uint64_t read_uint(std::span<const std::byte> at, std::size_t width) const;

 private:
  std::span<const std::byte> bytes_;
  bool is64_ = true;
  bool big_endian_ = false;
  std::uint64_t shoff_ = 0, phoff_ = 0;
  std::uint32_t shentsize_ = 0, shnum_ = 0, shstrndx_ = 0, phentsize_ = 0, phnum_ = 0;
};

}  // namespace strata::worker
