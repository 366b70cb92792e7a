#include "coordinator/tenancy/credential_vault.h"

#include <sodium.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace strata::coordinator {
namespace {

// sodium_init() once, before any other call; it is safe to call from several threads.
void ensure_sodium() {
  static const int ready = sodium_init();
  (void)ready;
}

}  // namespace

CredentialVault::CredentialVault(Key current, std::vector<Key> previous) : current_(current), current_id_(id_of(current)) {
  ensure_sodium();
  keys_.emplace_back(current_id_, current_);
  for (const Key& k : previous) keys_.emplace_back(id_of(k), k);
}

std::string CredentialVault::id_of(const Key& key) {
  ensure_sodium();
  unsigned char hash[8];
  crypto_generichash(hash, sizeof hash, key.data(), key.size(), nullptr, 0);
  char hex[sizeof hash * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
  return hex;
}

Result<CredentialVault::Key> CredentialVault::parse_key(const std::string& text, const std::string& what) {
  ensure_sodium();
  const auto first = text.find_first_not_of(" \t\r\n");
  const auto last = text.find_last_not_of(" \t\r\n");
  const std::string hex = first == std::string::npos ? "" : text.substr(first, last - first + 1);
  Key key{};
  std::size_t written = 0;
  const char* end = nullptr;
  if (hex.size() != 64 ||
      sodium_hex2bin(key.data(), key.size(), hex.data(), hex.size(), nullptr, &written, &end) != 0 ||
      written != key.size()) {
    return fail(ErrorCode::kInvalidInput,
                what + " does not hold a credentials key (64 hex digits; `strata-coordinator credentials-key FILE` makes one)");
  }
  return key;
}

Result<CredentialVault::Key> CredentialVault::read_key_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return fail(ErrorCode::kNotFound, "cannot read the credentials key file " + path);
  std::stringstream text;
  text << in.rdbuf();
  return parse_key(text.str(), "the credentials key file " + path);
}

Result<void> CredentialVault::write_key_file(const std::string& path) {
  ensure_sodium();
  Key key;
  randombytes_buf(key.data(), key.size());
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, key.data(), key.size());
  sodium_memzero(key.data(), key.size());
  const mode_t old = ::umask(077);
  std::ofstream out(path, std::ios::trunc);
  ::umask(old);
  if (!out) return fail(ErrorCode::kUnavailable, "cannot write " + path);
  out << hex << "\n";
  sodium_memzero(hex, sizeof hex);
  if (!out.flush()) return fail(ErrorCode::kUnavailable, "cannot write " + path);
  ::chmod(path.c_str(), 0600);
  return {};
}

Result<std::unique_ptr<CredentialVault>> CredentialVault::load(const std::string& key_file,
                                                               const std::vector<std::string>& previous_key_files) {
  Result<Key> current = fail(ErrorCode::kNotFound, "no credentials key");
  if (!key_file.empty()) {
    current = read_key_file(key_file);
  } else if (const char* env = std::getenv("STRATA_CREDENTIALS_KEY"); env != nullptr && *env != '\0') {
    current = parse_key(env, "STRATA_CREDENTIALS_KEY");
  } else if (previous_key_files.empty()) {
    return std::unique_ptr<CredentialVault>();
  } else {
    return fail(ErrorCode::kInvalidInput, "previous credentials keys need the current one (--credentials-key-file)");
  }
  if (!current) return std::unexpected(current.error());
  std::vector<Key> previous;
  for (const auto& path : previous_key_files) {
    auto k = read_key_file(path);
    if (!k) return std::unexpected(k.error());
    previous.push_back(*k);
  }
  return std::make_unique<CredentialVault>(*current, std::move(previous));
}

std::vector<std::byte> CredentialVault::seal(const std::string& plaintext) const {
  std::vector<std::byte> out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plaintext.size());
  auto* bytes = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(bytes, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(bytes + crypto_secretbox_NONCEBYTES, reinterpret_cast<const unsigned char*>(plaintext.data()),
                        plaintext.size(), bytes, current_.data());
  return out;
}

Result<std::string> CredentialVault::open(const std::string& key_id, const std::vector<std::byte>& sealed) const {
  const Key* key = nullptr;
  for (const auto& [id, k] : keys_) {
    if (id == key_id) key = &k;
  }
  if (key == nullptr) {
    return fail(ErrorCode::kDenied, "sealed under credentials key " + key_id +
                                        ", which this coordinator does not hold (pass it as --previous-credentials-key-file)");
  }
  if (sealed.size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return fail(ErrorCode::kCorrupt, "a sealed credential is too short");
  }
  const auto* bytes = reinterpret_cast<const unsigned char*>(sealed.data());
  std::string plain(sealed.size() - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()), bytes + crypto_secretbox_NONCEBYTES,
                                 sealed.size() - crypto_secretbox_NONCEBYTES, bytes, key->data()) != 0) {
    return fail(ErrorCode::kCorrupt, "a sealed credential does not open under key " + key_id + " (altered?)");
  }
  return plain;
}

}  // namespace strata::coordinator
