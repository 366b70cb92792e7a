#include "common/digest.h"

#include <openssl/evp.h>

namespace strata {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

struct EvpMdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const noexcept { EVP_MD_CTX_free(ctx); }
};

}  // namespace

Result<Digest> Digest::parse(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) {
    return fail(ErrorCode::kInvalidInput, "digest '" + std::string(text) + "' has no algorithm");
  }
  if (text.substr(0, colon) != "sha256") {
    return fail(ErrorCode::kUnsupported, "digest '" + std::string(text) +
                                             "' uses an algorithm other than sha256");
  }
  const std::string_view hex = text.substr(colon + 1);
  if (hex.size() != 2 * kSize) {
    return fail(ErrorCode::kInvalidInput,
                "digest '" + std::string(text) + "' does not have 64 hex digits");
  }
  std::array<std::uint8_t, kSize> bytes{};
  for (std::size_t i = 0; i < kSize; ++i) {
    const int hi = hex_value(hex[2 * i]);
    const int lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return fail(ErrorCode::kInvalidInput,
                  "digest '" + std::string(text) + "' has a character that is not lowercase hex");
    }
    bytes[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return Digest(bytes);
}

std::string Digest::hex() const {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(2 * kSize, '0');
  for (std::size_t i = 0; i < kSize; ++i) {
    out[2 * i] = kDigits[bytes_[i] >> 4];
    out[2 * i + 1] = kDigits[bytes_[i] & 0xf];
  }
  return out;
}

struct Sha256::State {
  std::unique_ptr<EVP_MD_CTX, EvpMdCtxFree> ctx{EVP_MD_CTX_new()};
};

Sha256::Sha256() : state_(std::make_unique<State>()) {
  EVP_DigestInit_ex(state_->ctx.get(), EVP_sha256(), nullptr);
}
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(std::span<const std::byte> bytes) {
  EVP_DigestUpdate(state_->ctx.get(), bytes.data(), bytes.size());
}

Digest Sha256::finish() {
  std::array<std::uint8_t, Digest::kSize> out{};
  unsigned int size = 0;
  EVP_DigestFinal_ex(state_->ctx.get(), out.data(), &size);
  return Digest::from_bytes(out);
}

Digest Sha256::of(std::span<const std::byte> bytes) {
  Sha256 hasher;
  hasher.update(bytes);
  return hasher.finish();
}

}  // namespace strata
