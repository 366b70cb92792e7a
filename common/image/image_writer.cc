#include "common/image/image_writer.h"

#include <archive.h>
#include <archive_entry.h>
#include <zlib.h>
#include <zstd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "common/digest.h"

namespace strata::image_writer {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct Writer {
  archive* a = archive_write_new();
  ~Writer() { archive_write_free(a); }
};

la_ssize_t append_cb(archive*, void* out, const void* buf, size_t n) {
  static_cast<std::string*>(out)->append(static_cast<const char*>(buf), n);
  return static_cast<la_ssize_t>(n);
}

std::string tar_of(const std::vector<std::pair<std::string, std::string>>& files) {
  std::vector<TarEntry> entries;
  for (const auto& [p, c] : files) entries.push_back({p, c});
  return make_tar(entries);
}

void write_file(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

}  // namespace

std::string make_tar(const std::vector<TarEntry>& entries) {
  std::string out;
  Writer w;
  archive_write_set_format_pax_restricted(w.a);
  archive_write_set_bytes_per_block(w.a, 10240);
  archive_write_open(w.a, &out, nullptr, append_cb, nullptr);
  for (const auto& e : entries) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, e.path.c_str());
    archive_entry_set_perm(entry, e.mode);
    archive_entry_set_mtime(entry, 1700000000, 0);
    switch (e.kind) {
      case TarEntry::Kind::kFile:
        archive_entry_set_filetype(entry, AE_IFREG);
        archive_entry_set_size(entry, static_cast<la_int64_t>(e.content.size()));
        break;
      case TarEntry::Kind::kDir: archive_entry_set_filetype(entry, AE_IFDIR); break;
      case TarEntry::Kind::kSymlink:
        archive_entry_set_filetype(entry, AE_IFLNK);
        archive_entry_set_symlink(entry, e.content.c_str());
        break;
      case TarEntry::Kind::kHardlink:
        archive_entry_set_filetype(entry, AE_IFREG);
        archive_entry_set_hardlink(entry, e.content.c_str());
        break;
    }
    archive_write_header(w.a, entry);
    if (e.kind == TarEntry::Kind::kFile && !e.content.empty()) {
      archive_write_data(w.a, e.content.data(), e.content.size());
    }
    archive_entry_free(entry);
  }
  archive_write_close(w.a);
  return out;
}

std::string compress(const std::string& bytes, Compression compression, int level) {
  if (compression == Compression::kNone) return bytes;
  if (compression == Compression::kZstd) {
    std::string out(ZSTD_compressBound(bytes.size()), '\0');
    const size_t n = ZSTD_compress(out.data(), out.size(), bytes.data(), bytes.size(), level);
    if (ZSTD_isError(n)) throw std::runtime_error("zstd compression failed");
    out.resize(n);
    return out;
  }
  z_stream z{};
  deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, bytes.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(bytes.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string sha256_digest(const std::string& bytes) {
  return Sha256::of(as_bytes(bytes)).to_string();
}

LayerBlob make_layer(const std::vector<TarEntry>& entries, Compression compression) {
  const std::string tar = make_tar(entries);
  LayerBlob layer;
  layer.diff_id = sha256_digest(tar);
  layer.blob = compress(tar, compression);
  layer.media_type = compression == Compression::kGzip   ? "application/vnd.oci.image.layer.v1.tar+gzip"
                     : compression == Compression::kZstd ? "application/vnd.oci.image.layer.v1.tar+zstd"
                                                         : "application/vnd.oci.image.layer.v1.tar";
  return layer;
}

namespace {

std::string put_blob(const fs::path& dir, const std::string& bytes) {
  const std::string digest = sha256_digest(bytes);
  write_file(dir / "blobs" / "sha256" / digest.substr(7), bytes);
  return digest;
}

std::string config_json(const ImageSpec& image) {
  json diff_ids = json::array();
  if (image.config_diff_ids_override) {
    for (const auto& d : image.diff_ids) diff_ids.push_back(d);
  } else {
    for (const auto& l : image.layers) diff_ids.push_back(l.diff_id);
  }
  json config = {{"architecture", image.arch}, {"os", image.os},
                 {"rootfs", {{"type", "layers"}, {"diff_ids", diff_ids}}}};
  if (!image.variant.empty()) config["variant"] = image.variant;
  if (!image.runtime_json.empty()) config["config"] = json::parse(image.runtime_json);
  if (!image.history_json.empty()) config["history"] = json::parse(image.history_json);
  return config.dump();
}

}  // namespace

std::vector<std::string> write_oci_layout(const std::string& dir,
                                          const std::vector<ImageSpec>& images, bool as_index) {
  const fs::path root(dir);
  write_file(root / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  json descriptors = json::array();
  std::vector<std::string> digests;
  for (const auto& image : images) {
    const std::string config = config_json(image);
    const std::string config_digest = put_blob(root, config);
    json layers = json::array();
    for (const auto& l : image.layers) {
      layers.push_back({{"mediaType", l.media_type},
                        {"digest", put_blob(root, l.blob)},
                        {"size", l.blob.size()}});
    }
    const json manifest = {{"schemaVersion", 2},
                           {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                           {"config",
                            {{"mediaType", "application/vnd.oci.image.config.v1+json"},
                             {"digest", config_digest},
                             {"size", config.size()}}},
                           {"layers", layers}};
    const std::string manifest_text = manifest.dump();
    json d = {{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
              {"digest", put_blob(root, manifest_text)},
              {"size", manifest_text.size()}};
    digests.push_back(d["digest"]);
    if (as_index) {
      d["platform"] = {{"os", image.os}, {"architecture", image.arch}};
      if (!image.variant.empty()) d["platform"]["variant"] = image.variant;
    }
    if (!image.tag.empty()) d["annotations"] = {{"org.opencontainers.image.ref.name", image.tag}};
    descriptors.push_back(d);
  }
  json index = {{"schemaVersion", 2}, {"mediaType", "application/vnd.oci.image.index.v1+json"}};
  if (as_index) {
    const std::string nested =
        json{{"schemaVersion", 2},
             {"mediaType", "application/vnd.oci.image.index.v1+json"},
             {"manifests", descriptors}}
            .dump();
    index["manifests"] = json::array({{{"mediaType", "application/vnd.oci.image.index.v1+json"},
                                       {"digest", put_blob(root, nested)},
                                       {"size", nested.size()}}});
  } else {
    index["manifests"] = descriptors;
  }
  write_file(root / "index.json", index.dump());
  return digests;
}

void write_docker_archive(const std::string& file, const ImageSpec& image, bool oci_blobs,
                          bool gzip_whole_archive) {
  std::vector<std::pair<std::string, std::string>> files;
  const std::string config = config_json(image);
  const std::string config_hex = sha256_digest(config).substr(7);
  json layer_paths = json::array();
  for (const auto& l : image.layers) {
    const std::string hex = sha256_digest(l.blob).substr(7);
    const std::string path = oci_blobs ? "blobs/sha256/" + hex : hex + "/layer.tar";
    files.emplace_back(path, l.blob);
    layer_paths.push_back(path);
  }
  const std::string config_path = oci_blobs ? "blobs/sha256/" + config_hex : config_hex + ".json";
  files.emplace_back(config_path, config);
  files.emplace_back("manifest.json",
                     json::array({{{"Config", config_path},
                                   {"RepoTags", json::array({"strata/test:latest"})},
                                   {"Layers", layer_paths}}})
                         .dump());
  files.emplace_back("repositories", R"({"strata/test":{"latest":"x"}})");
  std::string tar = tar_of(files);
  if (gzip_whole_archive) tar = compress(tar, Compression::kGzip);
  write_file(file, tar);
}

}  // namespace strata::image_writer
