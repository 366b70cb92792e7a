#include "common/registry/auth_challenge.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "common/ascii.h"

namespace strata {
namespace {

void skip_space(std::string_view s, std::size_t& i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
}

bool token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

}  // namespace

Result<AuthChallenge> parse_www_authenticate(std::string_view h) {
  AuthChallenge out;
  std::size_t i = 0;
  skip_space(h, i);
  const std::size_t scheme_start = i;
  while (i < h.size() && token_char(h[i])) ++i;
  if (i == scheme_start) return fail(ErrorCode::kCorrupt, "WWW-Authenticate: no scheme");
  out.scheme = ascii_lower(h.substr(scheme_start, i - scheme_start));
  // auth-params: name=value or name="quoted", comma-separated; a new scheme ends the challenge.
  while (i < h.size()) {
    skip_space(h, i);
    if (i < h.size() && h[i] == ',') {
      ++i;
      continue;
    }
    const std::size_t name_start = i;
    while (i < h.size() && token_char(h[i])) ++i;
    if (i == name_start) break;
    const std::string name = ascii_lower(h.substr(name_start, i - name_start));
    skip_space(h, i);
    if (i >= h.size() || h[i] != '=') break;  // the next challenge's scheme
    ++i;
    skip_space(h, i);
    std::string value;
    if (i < h.size() && h[i] == '"') {
      ++i;
      bool closed = false;
      while (i < h.size()) {
        if (h[i] == '\\' && i + 1 < h.size()) {
          value += h[i + 1];
          i += 2;
        } else if (h[i] == '"') {
          ++i;
          closed = true;
          break;
        } else {
          value += h[i++];
        }
      }
      if (!closed) return fail(ErrorCode::kCorrupt, "WWW-Authenticate: unterminated quoted value of '" + name + "'");
    } else {
      const std::size_t value_start = i;
      while (i < h.size() && h[i] != ',' && h[i] != ' ' && h[i] != '\t') ++i;
      value = std::string(h.substr(value_start, i - value_start));
    }
    out.params.emplace(name, std::move(value));
  }
  return out;
}

Result<BearerToken> parse_token_response(std::string_view body) {
  const auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) return fail(ErrorCode::kCorrupt, "token response: not a JSON object");
  BearerToken out;
  for (const char* key : {"token", "access_token"}) {
    if (const auto it = json.find(key); it != json.end() && it->is_string() && !it->get<std::string>().empty()) {
      out.token = it->get<std::string>();
      break;
    }
  }
  if (out.token.empty()) return fail(ErrorCode::kCorrupt, "token response: no token or access_token");
  if (const auto it = json.find("expires_in"); it != json.end() && it->is_number_integer()) {
    out.expires_in = std::clamp<std::int64_t>(it->get<std::int64_t>(), 0, 86400);
  }
  return out;
}

std::optional<std::string> next_link(std::string_view h) {
  std::size_t i = 0;
  while (i < h.size()) {
    const auto open = h.find('<', i);
    if (open == std::string_view::npos) return std::nullopt;
    const auto close = h.find('>', open);
    if (close == std::string_view::npos) return std::nullopt;
    const std::string_view target = h.substr(open + 1, close - open - 1);
    const auto end = h.find('<', close);  // params run to the next link
    const std::string params = ascii_lower(h.substr(close + 1, end == std::string_view::npos ? std::string_view::npos : end - close - 1));
    if (params.find("rel=\"next\"") != std::string::npos || params.find("rel=next") != std::string::npos) {
      return std::string(target);
    }
    if (end == std::string_view::npos) return std::nullopt;
    i = end;
  }
  return std::nullopt;
}

std::string resolve_link(std::string_view base_url, std::string_view target) {
  if (target.starts_with("http://") || target.starts_with("https://")) return std::string(target);
  std::string out(base_url);
  while (out.ends_with('/')) out.pop_back();
  if (!target.starts_with('/')) out += '/';
  return out + std::string(target);
}

}  // namespace strata
