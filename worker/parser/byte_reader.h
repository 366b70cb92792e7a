// Bounds-checked fixed-width integer reads from untrusted bytes, for the page formats parsed
// by hand (Berkeley DB, NDB). Each read returns nullopt past the end instead of reading it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace strata::worker {

inline std::optional<std::uint32_t> read_u32(std::span<const std::byte> b, std::size_t at,
                                             bool big_endian) {
  if (at > b.size() || b.size() - at < 4) return std::nullopt;
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) {
    const auto byte = std::to_integer<std::uint32_t>(b[at + (big_endian ? i : 3 - i)]);
    v = v << 8 | byte;
  }
  return v;
}

inline std::optional<std::uint16_t> read_u16(std::span<const std::byte> b, std::size_t at,
                                             bool big_endian) {
  if (at > b.size() || b.size() - at < 2) return std::nullopt;
  const auto lo = std::to_integer<std::uint16_t>(b[at + (big_endian ? 1 : 0)]);
  const auto hi = std::to_integer<std::uint16_t>(b[at + (big_endian ? 0 : 1)]);
  return static_cast<std::uint16_t>(hi << 8 | lo);
}

}  // namespace strata::worker
