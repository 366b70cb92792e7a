#include "common/image/reference.h"

#include <algorithm>

namespace strata {
namespace {

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// One path component of a repository name (distribution spec): [a-z0-9]+ joined by '.', '_',
// "__" or runs of '-'.
bool valid_component(std::string_view c) {
  if (c.empty() || !is_lower_alnum(c.front()) || !is_lower_alnum(c.back())) return false;
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (is_lower_alnum(c[i])) continue;
    if (c[i] == '-') continue;  // runs allowed
    if (c[i] == '_' && i + 1 < c.size() && c[i + 1] == '_') {
      ++i;
      if (i + 1 < c.size() && !is_lower_alnum(c[i + 1])) return false;
      continue;
    }
    if ((c[i] == '.' || c[i] == '_') && i + 1 < c.size() && is_lower_alnum(c[i + 1])) continue;
    return false;
  }
  return true;
}

bool valid_repository(std::string_view repo) {
  if (repo.empty() || repo.size() > 255) return false;
  std::size_t start = 0;
  for (;;) {
    const auto slash = repo.find('/', start);
    if (!valid_component(repo.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start))) {
      return false;
    }
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

bool valid_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > 128) return false;
  auto word = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; };
  if (!word(tag.front())) return false;
  return std::all_of(tag.begin(), tag.end(), [&](char c) { return word(c) || c == '.' || c == '-'; });
}

// host[:port]: letters, digits, '.', '-' (and a bracketed IPv6 literal), then an optional port.
bool valid_registry(std::string_view host) {
  std::string_view port;
  if (host.starts_with('[')) {
    const auto close = host.find(']');
    if (close == std::string_view::npos) return false;
    port = host.substr(close + 1);
    if (!port.empty() && !port.starts_with(':')) return false;
  } else {
    const auto colon = host.find(':');
    if (colon != std::string_view::npos) {
      port = host.substr(colon);
      host = host.substr(0, colon);
    }
    if (host.empty() || host.size() > 253) return false;
    if (!std::all_of(host.begin(), host.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
        })) {
      return false;
    }
  }
  if (port.empty()) return true;
  port.remove_prefix(1);
  return !port.empty() && port.size() <= 5 && std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Whether the first component of a name is a registry: as Docker decides it.
bool names_registry(std::string_view first) {
  return first.find('.') != std::string_view::npos || first.find(':') != std::string_view::npos ||
         first == "localhost" || first.starts_with('[');
}

std::string normalize_registry(std::string_view registry) {
  if (registry == "docker.io" || registry == "index.docker.io") return std::string(kDockerHubRegistry);
  return std::string(registry);
}

struct SplitName {
  std::string registry;
  std::string repository;
};

Result<SplitName> split_name(std::string_view name, std::string_view whole) {
  SplitName out;
  const auto slash = name.find('/');
  if (slash != std::string_view::npos && names_registry(name.substr(0, slash))) {
    out.registry = normalize_registry(name.substr(0, slash));
    out.repository = std::string(name.substr(slash + 1));
    if (!valid_registry(out.registry)) {
      return fail(ErrorCode::kInvalidInput, "'" + std::string(whole) + "': '" + std::string(name.substr(0, slash)) +
                                                "' is not a registry host[:port]");
    }
  } else {
    out.registry = std::string(kDockerHubRegistry);
    out.repository = std::string(name);
  }
  if (out.registry == kDockerHubRegistry && out.repository.find('/') == std::string::npos) {
    out.repository = "library/" + out.repository;
  }
  if (!valid_repository(out.repository)) {
    return fail(ErrorCode::kInvalidInput,
                "'" + std::string(whole) + "': '" + out.repository +
                    "' is not a repository name (lower-case letters and digits in '/'-separated parts, joined "
                    "by '.', '_', '__' or '-')");
  }
  return out;
}

Result<ImageReference> parse_registry_reference(ImageReference ref, std::string_view text) {
  ref.transport = Transport::kRegistry;
  if (text.starts_with("docker://")) text.remove_prefix(9);
  std::string_view name = text;
  if (const auto at = text.find('@'); at != std::string_view::npos) {
    auto digest = Digest::parse(text.substr(at + 1));
    if (!digest) return std::unexpected(digest.error().with_context(ref.text));
    ref.digest = *digest;
    name = text.substr(0, at);
  }
  const auto last_slash = name.rfind('/');
  if (const auto colon = name.rfind(':');
      colon != std::string_view::npos && (last_slash == std::string_view::npos || colon > last_slash)) {
    ref.tag = std::string(name.substr(colon + 1));
    name = name.substr(0, colon);
    if (!valid_tag(ref.tag)) {
      return fail(ErrorCode::kInvalidInput, "'" + ref.text + "': '" + ref.tag +
                                                "' is not a tag (letters, digits, '_', '.', '-'; at most 128)");
    }
  }
  auto split = split_name(name, ref.text);
  if (!split) return std::unexpected(split.error());
  ref.registry = std::move(split->registry);
  ref.repository = std::move(split->repository);
  if (ref.tag.empty() && !ref.digest) {
    ref.tag = "latest";
    ref.tag_implied = true;
  }
  return ref;
}

}  // namespace

Result<ImageReference> ImageReference::parse(std::string_view text,
                                             bool (*path_exists)(const std::string&)) {
  ImageReference ref;
  ref.text = std::string(text);
  const auto colon = text.find(':');
  const std::string_view transport = colon == std::string_view::npos ? std::string_view() : text.substr(0, colon);
  if (transport == "docker-archive" || transport == "rootfs" || transport == "oci") {
    std::string rest(text.substr(colon + 1));
    if (rest.empty()) return fail(ErrorCode::kInvalidInput, "'" + ref.text + "' names no path");
    ref.path = rest;
    if (transport == "docker-archive") {
      ref.transport = Transport::kDockerArchive;
    } else if (transport == "rootfs") {
      ref.transport = Transport::kRootfs;
    } else {
      ref.transport = Transport::kOciLayout;
      if (const auto at = rest.find("@sha256:"); at != std::string::npos) {
        auto digest = Digest::parse(rest.substr(at + 1));
        if (!digest) return std::unexpected(digest.error().with_context(ref.text));
        ref.digest = *digest;
        ref.path = rest.substr(0, at);
      } else if (const auto last = rest.rfind(':');
                 last != std::string::npos && rest.find('/', last) == std::string::npos && !path_exists(rest)) {
        ref.path = rest.substr(0, last);
        ref.tag = rest.substr(last + 1);
      }
    }
    return ref;
  }
  // Anything else is a registry reference; say what went wrong in terms of both readings.
  if (!text.starts_with("docker://") && path_exists(std::string(text))) {
    return fail(ErrorCode::kInvalidInput, "'" + ref.text +
                                              "' is a path on this machine; name how to read it: oci:DIR, "
                                              "docker-archive:FILE or rootfs:DIR");
  }
  if (text.find("://") != std::string_view::npos && !text.starts_with("docker://")) {
    return fail(ErrorCode::kInvalidInput, "'" + ref.text + "' uses unknown transport '" +
                                              std::string(text.substr(0, text.find("://"))) +
                                              "'; known: oci, docker-archive, rootfs, docker (a registry)");
  }
  auto parsed = parse_registry_reference(std::move(ref), text);
  if (!parsed && !transport.empty() && text.size() > colon + 1 && text[colon + 1] == '/') {
    return fail(ErrorCode::kInvalidInput, "'" + std::string(text) + "' uses unknown transport '" +
                                              std::string(transport) + "'; known: oci, docker-archive, rootfs");
  }
  return parsed;
}

Result<RepositoryName> parse_repository_name(std::string_view text) {
  if (text.starts_with("docker://")) text.remove_prefix(9);
  while (text.ends_with('/')) text.remove_suffix(1);
  if (text.find('/') == std::string_view::npos && names_registry(text)) {
    if (!valid_registry(text)) return fail(ErrorCode::kInvalidInput, "'" + std::string(text) + "' is not a registry host[:port]");
    return RepositoryName{normalize_registry(text), ""};
  }
  auto split = split_name(text, text);
  if (!split) return std::unexpected(split.error());
  return RepositoryName{std::move(split->registry), std::move(split->repository)};
}

bool is_loopback_registry(std::string_view registry) {
  std::string_view host = registry;
  if (host.starts_with('[')) {
    host = host.substr(1, host.find(']') - 1);
    return host == "::1";
  }
  host = host.substr(0, host.find(':'));
  if (host == "localhost") return true;
  // 127.0.0.0/8, written as a dotted quad.
  if (!host.starts_with("127.")) return false;
  int dots = 0;
  for (const char c : host) {
    if (c == '.') {
      ++dots;
    } else if (c < '0' || c > '9') {
      return false;
    }
  }
  return dots == 3;
}

}  // namespace strata
