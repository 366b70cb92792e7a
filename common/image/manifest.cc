#include "common/image/manifest.h"

#include <nlohmann/json.hpp>

#include "common/image/media_type.h"

namespace strata {
namespace {

using nlohmann::json;

Result<json> parse_json(std::span<const std::byte> bytes, std::string_view what) {
  json doc = json::parse(as_chars(bytes), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return fail(ErrorCode::kCorrupt, std::string(what) + " is not valid JSON");
  }
  if (!doc.is_object()) {
    return fail(ErrorCode::kCorrupt, std::string(what) + " is not a JSON object");
  }
  return doc;
}

std::string string_field(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Result<Descriptor> parse_descriptor(const json& node, std::string_view where) {
  if (!node.is_object()) return fail(ErrorCode::kCorrupt, std::string(where) + " is not an object");
  Descriptor d;
  d.media_type = string_field(node, "mediaType");
  auto digest = Digest::parse(string_field(node, "digest"));
  if (!digest) return std::unexpected(digest.error().with_context(where));
  d.digest = BlobDigest{*digest};
  if (const auto it = node.find("size"); it != node.end() && it->is_number_integer()) {
    d.size = it->get<std::int64_t>();
  }
  if (d.size < 0) return fail(ErrorCode::kCorrupt, std::string(where) + " has a negative size");
  if (const auto it = node.find("platform"); it != node.end() && it->is_object()) {
    d.platform = Platform{string_field(*it, "os"), string_field(*it, "architecture"),
                          string_field(*it, "variant")};
  }
  if (const auto it = node.find("annotations"); it != node.end() && it->is_object()) {
    for (const auto& [key, value] : it->items()) {
      if (value.is_string()) d.annotations.emplace(key, value.get<std::string>());
    }
  }
  if (const auto it = node.find("urls"); it != node.end() && it->is_array()) {
    for (const auto& url : *it) {
      if (url.is_string()) d.urls.push_back(url.get<std::string>());
    }
  }
  return d;
}

}  // namespace

Result<Platform> Platform::parse(std::string_view text) {
  Platform p;
  const auto first = text.find('/');
  if (first == std::string_view::npos || first == 0 || first + 1 == text.size()) {
    return fail(ErrorCode::kInvalidInput,
                "platform '" + std::string(text) + "' is not OS/ARCH[/VARIANT]");
  }
  p.os = std::string(text.substr(0, first));
  std::string_view rest = text.substr(first + 1);
  const auto second = rest.find('/');
  p.architecture = std::string(rest.substr(0, second));
  if (second != std::string_view::npos) p.variant = std::string(rest.substr(second + 1));
  return p;
}

std::string Platform::to_string() const {
  std::string out = os + "/" + architecture;
  if (!variant.empty()) out += "/" + variant;
  return out;
}

bool Platform::satisfies(const Platform& wanted) const {
  if (os != wanted.os || architecture != wanted.architecture) return false;
  if (wanted.variant.empty()) return true;
  // arm64's only variant is v8, and many indexes leave it out.
  if (variant.empty() && architecture == "arm64" && wanted.variant == "v8") return true;
  return variant == wanted.variant;
}

Result<ManifestKind> classify_manifest(std::span<const std::byte> bytes,
                                       std::string_view descriptor_media_type) {
  auto doc = parse_json(bytes, "manifest");
  if (!doc) return std::unexpected(doc.error());
  std::string media_type = string_field(*doc, "mediaType");
  if (media_type.empty()) media_type = descriptor_media_type;
  if (media_type == kOciIndexMediaType || media_type == kDockerManifestListMediaType) {
    return ManifestKind::kIndex;
  }
  if (media_type == kOciManifestMediaType || media_type == kDockerManifestMediaType) {
    return ManifestKind::kManifest;
  }
  if (media_type == kDockerSchema1MediaType ||
      media_type == "application/vnd.docker.distribution.manifest.v1+prettyjws" ||
      (doc->contains("schemaVersion") && (*doc)["schemaVersion"] == 1)) {
    return fail(ErrorCode::kUnsupported,
                "Docker schema 1 manifests are deprecated and not supported; re-push the image");
  }
  if (doc->contains("manifests")) return ManifestKind::kIndex;
  if (doc->contains("layers")) return ManifestKind::kManifest;
  return fail(ErrorCode::kUnsupported, "manifest media type '" + media_type + "' is not supported");
}

Result<ImageIndex> parse_index(std::span<const std::byte> bytes) {
  auto doc = parse_json(bytes, "image index");
  if (!doc) return std::unexpected(doc.error());
  const auto it = doc->find("manifests");
  if (it == doc->end() || !it->is_array()) {
    return fail(ErrorCode::kCorrupt, "image index has no 'manifests' array");
  }
  // Real indexes name a few dozen platforms and attestations; a registry answering with a
  // hundred thousand entries would make every image a fleet (issue 14, defect 8).
  constexpr std::size_t kMaxIndexEntries = 1024;
  if (it->size() > kMaxIndexEntries) {
    return fail(ErrorCode::kLimitExceeded, "image index names " + std::to_string(it->size()) +
                                               " manifests; at most " + std::to_string(kMaxIndexEntries) + " are read");
  }
  ImageIndex index;
  for (std::size_t i = 0; i < it->size(); ++i) {
    auto d = parse_descriptor((*it)[i], "image index manifests[" + std::to_string(i) + "]");
    if (!d) return std::unexpected(d.error());
    index.manifests.push_back(std::move(*d));
  }
  return index;
}

Result<ImageManifest> parse_manifest(std::span<const std::byte> bytes) {
  auto doc = parse_json(bytes, "image manifest");
  if (!doc) return std::unexpected(doc.error());
  ImageManifest manifest;
  const auto config = doc->find("config");
  if (config == doc->end()) return fail(ErrorCode::kCorrupt, "image manifest has no 'config'");
  auto config_descriptor = parse_descriptor(*config, "image manifest config");
  if (!config_descriptor) return std::unexpected(config_descriptor.error());
  manifest.config = std::move(*config_descriptor);
  const auto layers = doc->find("layers");
  if (layers == doc->end() || !layers->is_array()) {
    return fail(ErrorCode::kCorrupt, "image manifest has no 'layers' array");
  }
  for (std::size_t i = 0; i < layers->size(); ++i) {
    auto d = parse_descriptor((*layers)[i], "image manifest layers[" + std::to_string(i) + "]");
    if (!d) return std::unexpected(d.error());
    manifest.layers.push_back(std::move(*d));
  }
  return manifest;
}

Result<ImageConfig> parse_config(std::span<const std::byte> bytes) {
  auto doc = parse_json(bytes, "image config");
  if (!doc) return std::unexpected(doc.error());
  ImageConfig config;
  config.os = string_field(*doc, "os");
  config.architecture = string_field(*doc, "architecture");
  config.variant = string_field(*doc, "variant");
  const auto rootfs = doc->find("rootfs");
  if (rootfs == doc->end() || !rootfs->is_object()) {
    return fail(ErrorCode::kCorrupt, "image config has no 'rootfs' object");
  }
  const auto diff_ids = rootfs->find("diff_ids");
  if (diff_ids == rootfs->end() || !diff_ids->is_array()) {
    return fail(ErrorCode::kCorrupt, "image config has no 'rootfs.diff_ids' array");
  }
  for (std::size_t i = 0; i < diff_ids->size(); ++i) {
    const auto& node = (*diff_ids)[i];
    auto digest = Digest::parse(node.is_string() ? node.get<std::string>() : std::string());
    if (!digest) {
      return std::unexpected(
          digest.error().with_context("image config rootfs.diff_ids[" + std::to_string(i) + "]"));
    }
    config.diff_ids.push_back(DiffId{*digest});
  }
  auto strings = [](const json& object, const char* key) {
    std::vector<std::string> out;
    const auto it = object.find(key);
    if (it == object.end() || !it->is_array()) return out;
    for (const auto& v : *it) {
      if (v.is_string()) out.push_back(v.get<std::string>());
    }
    return out;
  };
  if (const auto runtime = doc->find("config"); runtime != doc->end() && runtime->is_object()) {
    RuntimeConfig& r = config.runtime;
    r.user = string_field(*runtime, "User");
    r.working_dir = string_field(*runtime, "WorkingDir");
    r.env = strings(*runtime, "Env");
    r.entrypoint = strings(*runtime, "Entrypoint");
    r.cmd = strings(*runtime, "Cmd");
    if (const auto labels = runtime->find("Labels"); labels != runtime->end() && labels->is_object()) {
      for (const auto& [k, v] : labels->items()) {
        if (v.is_string()) r.labels[k] = v.get<std::string>();
      }
    }
    if (const auto ports = runtime->find("ExposedPorts"); ports != runtime->end() && ports->is_object()) {
      for (const auto& [port, unused] : ports->items()) r.exposed_ports.push_back(port);
    }
    if (const auto health = runtime->find("Healthcheck"); health != runtime->end() && health->is_object()) {
      r.healthcheck = strings(*health, "Test");
    }
  }
  if (const auto history = doc->find("history"); history != doc->end() && history->is_array()) {
    for (const auto& h : *history) {
      if (!h.is_object()) continue;
      HistoryEntry entry;
      entry.created_by = string_field(h, "created_by");
      const auto empty = h.find("empty_layer");
      entry.empty_layer = empty != h.end() && empty->is_boolean() && empty->get<bool>();
      config.history.push_back(std::move(entry));
    }
  }
  return config;
}

}  // namespace strata
