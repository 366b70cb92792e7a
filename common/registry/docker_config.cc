#include "common/registry/docker_config.h"

#include <openssl/evp.h>

#include <nlohmann/json.hpp>

#include "common/image/reference.h"

namespace strata {

std::string registry_host_of(std::string_view key) {
  for (const std::string_view scheme : {"https://", "http://"}) {
    if (key.starts_with(scheme)) key.remove_prefix(scheme.size());
  }
  key = key.substr(0, key.find('/'));
  if (key == "docker.io" || key == "index.docker.io" || key == "registry-1.docker.io") {
    return std::string(kDockerHubRegistry);
  }
  return std::string(key);
}

Result<std::string> base64_decode(std::string_view text) {
  std::string padded(text);
  while (padded.size() % 4 != 0) padded += '=';
  std::string out(padded.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(padded.data()), static_cast<int>(padded.size()));
  if (n < 0) return fail(ErrorCode::kCorrupt, "not base64");
  // EVP_DecodeBlock counts padding as zero bytes; drop them.
  std::size_t len = static_cast<std::size_t>(n);
  for (std::size_t i = padded.size(); i > 0 && padded[i - 1] == '=' && len > 0; --i) --len;
  out.resize(len);
  return out;
}

std::string base64_encode(std::string_view bytes) {
  std::string out((bytes.size() + 2) / 3 * 4 + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

Result<DockerConfig> parse_docker_config(std::string_view text) {
  const auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) return fail(ErrorCode::kCorrupt, "not a JSON object");
  DockerConfig out;
  if (const auto it = json.find("credsStore"); it != json.end() && it->is_string()) out.creds_store = it->get<std::string>();
  if (const auto it = json.find("credHelpers"); it != json.end() && it->is_object()) {
    for (const auto& [key, helper] : it->items()) out.helper_registries.push_back(registry_host_of(key));
  }
  const auto auths = json.find("auths");
  if (auths == json.end() || !auths->is_object()) return out;
  for (const auto& [key, entry] : auths->items()) {
    const std::string host = registry_host_of(key);
    if (!entry.is_object()) {
      out.skipped.push_back(host + ": entry is not an object");
      continue;
    }
    RegistryCredential cred;
    if (const auto a = entry.find("auth"); a != entry.end() && a->is_string() && !a->get<std::string>().empty()) {
      auto decoded = base64_decode(a->get<std::string>());
      const auto colon = decoded ? decoded->find(':') : std::string::npos;
      if (!decoded || colon == std::string::npos) {
        out.skipped.push_back(host + ": \"auth\" is not base64 of user:password");
        continue;
      }
      cred.username = decoded->substr(0, colon);
      cred.password = decoded->substr(colon + 1);
    } else {
      const auto u = entry.find("username");
      const auto p = entry.find("password");
      if (u != entry.end() && u->is_string()) cred.username = u->get<std::string>();
      if (p != entry.end() && p->is_string()) cred.password = p->get<std::string>();
    }
    if (cred.empty()) continue;  // `docker login` with a helper leaves an empty entry behind
    out.auths[host] = std::move(cred);
  }
  return out;
}

}  // namespace strata
