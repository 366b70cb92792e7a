// Seals secrets at rest with libsodium's crypto_secretbox (XSalsa20-Poly1305) under the
// operator's credentials key: 32 random bytes, as 64 hex digits, in a file or in
// STRATA_CREDENTIALS_KEY (`strata-coordinator credentials-key FILE` makes one).
//
// Rotation: start the coordinator with the new key and the old one as --previous-credentials-key;
// rows sealed under either open; `strata-coordinator registry-credentials rekey` seals every row
// under the new key, after which the old key can be dropped. Each sealed value names its key by
// id (the first 8 bytes of the key's BLAKE2b hash, in hex), never the key.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "common/error.h"

namespace strata::coordinator {

class CredentialVault {
 public:
  using Key = std::array<unsigned char, 32>;

  // `current` seals and opens; `previous` only open.
  CredentialVault(Key current, std::vector<Key> previous = {});

  // Reads a key file (64 hex digits, surrounding whitespace allowed); errors name the file, never
  // its contents. `what` names the source in messages.
  static Result<Key> parse_key(const std::string& text, const std::string& what);
  static Result<Key> read_key_file(const std::string& path);
  // Writes a fresh random key to `path`, readable by its owner only.
  static Result<void> write_key_file(const std::string& path);

  // The vault a coordinator runs with: the key from `key_file`, else from STRATA_CREDENTIALS_KEY,
  // plus the previous keys' files; null when no key is configured (no credentials are stored).
  static Result<std::unique_ptr<CredentialVault>> load(const std::string& key_file,
                                                       const std::vector<std::string>& previous_key_files);

  const std::string& key_id() const { return current_id_; }
  // A fresh nonce followed by the box of `plaintext`.
  std::vector<std::byte> seal(const std::string& plaintext) const;
  // The plaintext, if `key_id` is a key this vault holds and the box is intact.
  Result<std::string> open(const std::string& key_id, const std::vector<std::byte>& sealed) const;

 private:
  static std::string id_of(const Key& key);
  Key current_;
  std::string current_id_;
  std::vector<std::pair<std::string, Key>> keys_;  // every key that opens, by id
};

}  // namespace strata::coordinator
