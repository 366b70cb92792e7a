// `docker save` archives: a tar (gzip-compressed or not) holding manifest.json, repositories,
// the config, and each layer either as <id>/layer.tar (legacy) or as blobs/sha256/<hex> (the
// OCI layout Docker ≥ 25 writes). Two streaming passes, nothing extracted: the first finds
// manifest.json (docker writes it last), the second analyzes the config and the layers in
// whatever order the archive holds them, each layer streamed straight out of the archive.
#include <archive.h>
#include <archive_entry.h>

#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

#include "common/image/manifest.h"
#include "worker/api/image_inventory.h"
#include "worker/layer/analyze_layer.h"
#include "worker/walk/entry_dispatch.h"

namespace strata::worker {
namespace {

struct ArchiveFree {
  void operator()(archive* a) const noexcept { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveFree>;

// The current entry of an open archive, as a blob source for analyze_layer.
class ArchiveEntrySource final : public ByteSource {
 public:
  explicit ArchiveEntrySource(archive* a) : archive_(a) {}
  Result<std::size_t> read(std::span<std::byte> out) override {
    const la_ssize_t n = archive_read_data(archive_, out.data(), out.size());
    if (n < 0) {
      return fail(ErrorCode::kCorrupt, std::string("archive entry is damaged: ") +
                                           archive_error_string(archive_));
    }
    return static_cast<std::size_t>(n);
  }

 private:
  archive* archive_;
};

Result<ArchivePtr> open_archive(const std::string& path) {
  ArchivePtr a(archive_read_new());
  archive_read_support_filter_gzip(a.get());
  archive_read_support_filter_zstd(a.get());
  archive_read_support_format_tar(a.get());
  if (archive_read_open_filename(a.get(), path.c_str(), 1 << 20) != ARCHIVE_OK) {
    return fail(ErrorCode::kInvalidInput,
                path + " is not a docker archive: " + archive_error_string(a.get()));
  }
  return a;
}

Result<std::vector<std::byte>> read_entry(archive* a, std::uint64_t max_bytes,
                                          const std::string& name) {
  std::vector<std::byte> bytes;
  ArchiveEntrySource source(a);
  for (;;) {
    const std::size_t old = bytes.size();
    bytes.resize(old + (64 << 10));
    auto n = source.read(std::span(bytes).subspan(old));
    if (!n) return std::unexpected(n.error().with_context(name));
    bytes.resize(old + *n);
    if (*n == 0) return bytes;
    if (bytes.size() > max_bytes) {
      return fail(ErrorCode::kLimitExceeded, name + " is larger than the limit of " +
                                                 std::to_string(max_bytes) + " bytes");
    }
  }
}

std::string clean(std::string_view path) { return std::string(normalize_entry_path(path)); }

struct ArchiveManifest {
  std::string config;
  std::vector<std::string> layers;
  std::vector<std::string> tags;
};

Result<ArchiveManifest> parse_archive_manifest(std::span<const std::byte> bytes,
                                               std::vector<std::string>& warnings) {
  auto doc = nlohmann::json::parse(as_chars(bytes), nullptr, false);
  if (doc.is_discarded() || !doc.is_array() || doc.empty() || !doc[0].is_object()) {
    return fail(ErrorCode::kCorrupt, "manifest.json is not a non-empty JSON array of images");
  }
  const auto& first = doc[0];
  ArchiveManifest m;
  if (first.contains("Config") && first["Config"].is_string()) m.config = clean(first["Config"].get<std::string>());
  if (first.contains("Layers") && first["Layers"].is_array()) {
    for (const auto& l : first["Layers"]) {
      if (!l.is_string()) return fail(ErrorCode::kCorrupt, "manifest.json has a non-string layer");
      m.layers.push_back(clean(l.get<std::string>()));
    }
  }
  if (first.contains("RepoTags") && first["RepoTags"].is_array()) {
    for (const auto& t : first["RepoTags"]) {
      if (t.is_string()) m.tags.push_back(t.get<std::string>());
    }
  }
  if (m.config.empty()) return fail(ErrorCode::kCorrupt, "manifest.json names no Config");
  if (doc.size() > 1) {
    warnings.push_back("archive holds " + std::to_string(doc.size()) +
                       " images; only the first was scanned");
  }
  return m;
}

}  // namespace

Result<std::vector<ImageInventory>> inventory_docker_archive(const ImageReference& ref,
                                                             const InventoryOptions& options,
                                                             const AnalyzerRegistry& registry) {
  std::vector<std::string> warnings;
  // Pass 1: manifest.json.
  std::optional<ArchiveManifest> manifest;
  {
    auto a = open_archive(ref.path);
    if (!a) return std::unexpected(a.error());
    archive_entry* entry = nullptr;
    int rc;
    while ((rc = archive_read_next_header(a->get(), &entry)) == ARCHIVE_OK || rc == ARCHIVE_WARN) {
      if (clean(archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "") != "manifest.json") continue;
      auto bytes = read_entry(a->get(), options.max_manifest_bytes, "manifest.json");
      if (!bytes) return std::unexpected(bytes.error());
      auto parsed = parse_archive_manifest(*bytes, warnings);
      if (!parsed) return std::unexpected(parsed.error());
      manifest = std::move(*parsed);
      break;
    }
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN && rc != ARCHIVE_EOF) {
      return fail(ErrorCode::kCorrupt, ref.path + " is a damaged archive: " +
                                           archive_error_string(a->get()));
    }
    if (!manifest) {
      return fail(ErrorCode::kInvalidInput, ref.path + " is not a docker archive (no manifest.json)");
    }
  }

  // Pass 2: the config and the layers, in archive order.
  const std::set<std::string> wanted(manifest->layers.begin(), manifest->layers.end());
  std::map<std::string, AnalyzedLayer> analyzed;
  std::map<std::string, std::string> aliases;  // a layer entry that is a link to another
  std::optional<std::vector<std::byte>> config_bytes;
  {
    auto a = open_archive(ref.path);
    if (!a) return std::unexpected(a.error());
    archive_entry* entry = nullptr;
    int rc;
    while ((rc = archive_read_next_header(a->get(), &entry)) == ARCHIVE_OK || rc == ARCHIVE_WARN) {
      const std::string path = clean(archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "");
      if (path == manifest->config) {
        auto bytes = read_entry(a->get(), options.max_manifest_bytes, path);
        if (!bytes) return std::unexpected(bytes.error());
        config_bytes = std::move(*bytes);
        continue;
      }
      if (!wanted.contains(path) || analyzed.contains(path)) continue;
      if (const char* link = archive_entry_symlink(entry)) {
        // docker save links repeated layers: "<id>/layer.tar -> ../<other>/layer.tar".
        aliases[path] = clean(
            (std::filesystem::path(path).parent_path() / link).lexically_normal().generic_string());
        continue;
      }
      if (const char* link = archive_entry_hardlink(entry)) {
        aliases[path] = clean(link);
        continue;
      }
      ArchiveEntrySource entry_source(a->get());
      std::optional<CountingSource> counted;
      ByteSource* source = &entry_source;
      if (options.progress != nullptr) {
        options.progress->layer_started(analyzed.size(), manifest->layers.size(), path,
                                        static_cast<std::uint64_t>(archive_entry_size(entry)));
        source = &counted.emplace(entry_source, *options.progress);
      }
      LayerExpectation expected;
      if (path.starts_with("blobs/sha256/")) {
        auto digest = Digest::parse("sha256:" + path.substr(13));
        if (digest) expected.digest = BlobDigest{*digest};
      }
      auto layer = analyze_layer(*source, expected, registry, options.limits);
      if (!layer) return std::unexpected(layer.error().with_context("layer " + path));
      analyzed.emplace(path, std::move(*layer));
    }
    if (rc != ARCHIVE_EOF) {
      return fail(ErrorCode::kCorrupt, ref.path + " is a damaged archive: " +
                                           archive_error_string(a->get()));
    }
  }
  if (options.progress != nullptr) options.progress->finished();
  if (!config_bytes) {
    return fail(ErrorCode::kCorrupt, "config " + manifest->config + " named by manifest.json is missing");
  }
  auto config = parse_config(*config_bytes);
  if (!config) return std::unexpected(config.error().with_context(manifest->config));
  if (config->diff_ids.size() != manifest->layers.size()) {
    return fail(ErrorCode::kCorrupt, "image config lists " + std::to_string(config->diff_ids.size()) +
                                         " diff_ids but manifest.json has " +
                                         std::to_string(manifest->layers.size()) + " layers");
  }

  ImageInventory inv;
  inv.ref = ref.text;
  inv.config_digest = Sha256::of(*config_bytes).to_string();
  inv.os = config->os;
  inv.arch = config->architecture;
  inv.runtime = config->runtime;
  inv.history = config->history;
  inv.warnings = std::move(warnings);
  std::vector<LayerRef> refs;
  for (std::size_t i = 0; i < manifest->layers.size(); ++i) {
    std::string path = manifest->layers[i];
    for (int hops = 0; hops < 8 && !analyzed.contains(path) && aliases.contains(path); ++hops) {
      path = aliases[path];
    }
    const auto it = analyzed.find(path);
    if (it == analyzed.end()) {
      return fail(ErrorCode::kCorrupt, "layer " + manifest->layers[i] + " named by manifest.json is missing");
    }
    const AnalyzedLayer& layer = it->second;
    if (layer.diff_id != config->diff_ids[i]) {
      return fail(ErrorCode::kDigestMismatch,
                  "layer " + manifest->layers[i] + ": diff_id mismatch: the image config says " +
                      config->diff_ids[i].to_string() + " but the uncompressed tar hashes to " +
                      layer.diff_id.to_string());
    }
    const std::string media_type =
        layer.compression == Compression::kGzip   ? "application/vnd.docker.image.rootfs.diff.tar.gzip"
        : layer.compression == Compression::kZstd ? "application/vnd.docker.image.rootfs.diff.tar.zstd"
                                                  : "application/vnd.docker.image.rootfs.diff.tar";
    inv.layers.push_back({layer.digest.to_string(), layer.diff_id.to_string(), layer.size, media_type, false});
    refs.push_back({layer.diff_id.to_string(), &layer.analysis});
  }
  finish_inventory(inv, refs, registry.secret_scanner().get(), registry.config_checks());
  return std::vector<ImageInventory>{std::move(inv)};
}

}  // namespace strata::worker
