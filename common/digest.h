// Content digests. A Digest is built only by parse() or by a Sha256 hasher, so every one in
// the program is well formed. BlobDigest (sha256 of a blob as stored, e.g. a compressed layer)
// and DiffId (sha256 of an uncompressed layer tar) are distinct types so that one cannot be
// passed where the other is meant. Sha256 is not thread-safe; Digest is a value.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/error.h"

namespace strata {

class Digest {
 public:
  static constexpr std::size_t kSize = 32;

  Digest() = default;  // all zeros: a placeholder until assigned, never a real digest

  // Parses "sha256:<64 lowercase hex>". Other algorithms are kUnsupported.
  static Result<Digest> parse(std::string_view text);
  static Digest from_bytes(const std::array<std::uint8_t, kSize>& bytes) { return Digest(bytes); }

  std::string hex() const;
  std::string to_string() const { return "sha256:" + hex(); }

  auto operator<=>(const Digest&) const = default;

 private:
  explicit Digest(const std::array<std::uint8_t, kSize>& bytes) : bytes_(bytes) {}
  std::array<std::uint8_t, kSize> bytes_{};
};

struct BlobDigest {
  Digest value;
  auto operator<=>(const BlobDigest&) const = default;
  std::string to_string() const { return value.to_string(); }
};

struct DiffId {
  Digest value;
  auto operator<=>(const DiffId&) const = default;
  std::string to_string() const { return value.to_string(); }
};

// Incremental sha256 over OpenSSL's EVP interface (which uses SHA-NI where the CPU has it).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;

  void update(std::span<const std::byte> bytes);
  // Returns the digest of everything updated so far. The hasher must not be used afterwards.
  Digest finish();

  static Digest of(std::span<const std::byte> bytes);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace strata
