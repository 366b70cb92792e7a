#include "tests/bench/bench_layer.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <zlib.h>
#include <zstd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <vector>

#include "common/digest.h"

namespace strata::bench {
namespace fs = std::filesystem;
namespace {

std::string file_digest(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  Sha256 hasher;
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    hasher.update(std::as_bytes(std::span(buf.data(), static_cast<std::size_t>(in.gcount()))));
  }
  return hasher.finish().to_string();
}

void add_file(archive* a, const std::string& name, const fs::path& source, std::vector<char>& buf) {
  std::ifstream in(source, std::ios::binary);
  if (!in) return;
  struct stat st {};
  if (::stat(source.c_str(), &st) != 0) return;
  archive_entry* e = archive_entry_new();
  archive_entry_set_pathname(e, name.c_str());
  archive_entry_set_filetype(e, AE_IFREG);
  archive_entry_set_perm(e, st.st_mode & 07777);
  archive_entry_set_size(e, st.st_size);
  archive_entry_set_mtime(e, st.st_mtime, 0);
  archive_write_header(a, e);
  std::int64_t left = st.st_size;
  while (left > 0 && in) {
    in.read(buf.data(), static_cast<std::streamsize>(std::min<std::int64_t>(left, buf.size())));
    const auto n = in.gcount();
    if (n <= 0) break;
    archive_write_data(a, buf.data(), static_cast<std::size_t>(n));
    left -= n;
  }
  // A file that shrank while read is padded so the header stays true.
  std::fill(buf.begin(), buf.end(), 0);
  while (left > 0) {
    const auto n = std::min<std::int64_t>(left, buf.size());
    archive_write_data(a, buf.data(), static_cast<std::size_t>(n));
    left -= n;
  }
  archive_entry_free(e);
}

void make_tar(const std::string& path, std::uint64_t target_bytes) {
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  if (archive_write_open_filename(a, path.c_str()) != ARCHIVE_OK) {
    throw std::runtime_error("cannot write " + path);
  }
  std::vector<char> buf(1 << 20);
  add_file(a, "etc/os-release", "/etc/os-release", buf);
  add_file(a, "var/lib/dpkg/status", "/var/lib/dpkg/status", buf);
  std::uint64_t written = 0;
  // Copies of /usr under numbered prefixes until the target size is reached.
  for (int copy = 0; written < target_bytes && copy < 64; ++copy) {
    std::error_code ec;
    for (fs::recursive_directory_iterator it("/usr", fs::directory_options::skip_permission_denied, ec), end;
         it != end && written < target_bytes; it.increment(ec)) {
      if (ec) break;
      if (!it->is_regular_file(ec) || it->is_symlink(ec)) continue;
      const auto size = it->file_size(ec);
      if (ec || size > (64u << 20)) continue;
      add_file(a, "copy" + std::to_string(copy) + it->path().string(), it->path(), buf);
      written += size + 512;
    }
  }
  archive_write_close(a);
  archive_write_free(a);
}

void compress_file(const std::string& in_path, const std::string& out_path, Compression c) {
  std::ifstream in(in_path, std::ios::binary);
  std::ofstream out(out_path, std::ios::binary);
  std::vector<char> ibuf(1 << 20), obuf(1 << 21);
  if (c == Compression::kGzip) {
    z_stream z{};
    deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);  // gzip's default level
    int flush = Z_NO_FLUSH;
    do {
      in.read(ibuf.data(), static_cast<std::streamsize>(ibuf.size()));
      z.next_in = reinterpret_cast<Bytef*>(ibuf.data());
      z.avail_in = static_cast<uInt>(in.gcount());
      flush = in ? Z_NO_FLUSH : Z_FINISH;
      do {
        z.next_out = reinterpret_cast<Bytef*>(obuf.data());
        z.avail_out = static_cast<uInt>(obuf.size());
        deflate(&z, flush);
        out.write(obuf.data(), static_cast<std::streamsize>(obuf.size() - z.avail_out));
      } while (z.avail_out == 0);
    } while (flush != Z_FINISH);
    deflateEnd(&z);
    return;
  }
  ZSTD_CCtx* ctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(ctx, ZSTD_c_compressionLevel, 3);  // zstd's default level
  bool last = false;
  while (!last) {
    in.read(ibuf.data(), static_cast<std::streamsize>(ibuf.size()));
    last = !in;
    ZSTD_inBuffer input{ibuf.data(), static_cast<std::size_t>(in.gcount()), 0};
    bool done = false;
    while (!done) {
      ZSTD_outBuffer output{obuf.data(), obuf.size(), 0};
      const std::size_t left = ZSTD_compressStream2(ctx, &output, &input, last ? ZSTD_e_end : ZSTD_e_continue);
      out.write(obuf.data(), static_cast<std::streamsize>(output.pos));
      done = last ? left == 0 : input.pos == input.size;
    }
  }
  ZSTD_freeCCtx(ctx);
}

void add_text(archive* a, const std::string& name, const std::string& text) {
  archive_entry* e = archive_entry_new();
  archive_entry_set_pathname(e, name.c_str());
  archive_entry_set_filetype(e, AE_IFREG);
  archive_entry_set_perm(e, 0644);
  archive_entry_set_size(e, static_cast<la_int64_t>(text.size()));
  archive_write_header(a, e);
  archive_write_data(a, text.data(), text.size());
  archive_entry_free(e);
}

// Source-like text: varied enough that compressors see something like real JavaScript.
std::string js_text(std::uint64_t seed, std::size_t bytes) {
  static const char* kWords[] = {"function", "return", "const", "module.exports", "require(", "if (", "else",
                                 "this.",    "=>",     "null",  "undefined",      "async",    "await", "{", "}"};
  std::string out;
  std::uint64_t x = seed * 6364136223846793005ull + 1442695040888963407ull;
  while (out.size() < bytes) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    out += kWords[(x >> 33) % (sizeof kWords / sizeof *kWords)];
    out += (x >> 40) % 7 == 0 ? "\n  " : " ";
    out += "v" + std::to_string((x >> 20) % 997);
    out += (x >> 50) % 5 == 0 ? ";\n" : " ";
  }
  out.resize(bytes);
  return out;
}

void make_node_modules_tar(const std::string& path, std::uint64_t packages) {
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  if (archive_write_open_filename(a, path.c_str()) != ARCHIVE_OK) throw std::runtime_error("cannot write " + path);
  add_text(a, "app/package.json", R"({"name": "app", "version": "1.0.0"})");
  for (std::uint64_t i = 0; i < packages; ++i) {
    // Every 10th package scoped, every 4th nested under an earlier one's own node_modules.
    std::string name = (i % 10 == 0 ? "@scope" + std::to_string(i % 37) + "/" : "") + "pkg-" + std::to_string(i);
    const std::string dir = (i % 4 == 3 ? "app/node_modules/pkg-" + std::to_string(i - 1) + "/node_modules/"
                                        : "app/node_modules/") + name;
    add_text(a, dir + "/package.json",
             "{\n  \"name\": \"" + name + "\",\n  \"version\": \"" + std::to_string(i % 9) + "." +
                 std::to_string(i % 23) + "." + std::to_string(i % 5) +
                 "\",\n  \"main\": \"index.js\",\n  \"license\": \"MIT\",\n  \"dependencies\": {}\n}\n");
    add_text(a, dir + "/README.md", js_text(i * 7 + 1, 2048));
    add_text(a, dir + "/LICENSE", js_text(3, 1070));
    add_text(a, dir + "/index.js", js_text(i * 7 + 2, 6000));
    for (int f = 0; f < 3; ++f) add_text(a, dir + "/lib/part" + std::to_string(f) + ".js", js_text(i * 7 + 3 + f, 9000));
  }
  archive_write_close(a);
  archive_write_free(a);
}

// A layer cached under `dir`: its tar made once by `make`, then compressed once per format.
template <class Make>
BenchLayer cached_layer(const std::string& dir, Compression compression, Make make) {
  fs::create_directories(dir);
  BenchLayer layer;
  layer.tar_path = dir + "/layer.tar";
  if (!fs::exists(layer.tar_path)) make(layer.tar_path);
  layer.tar_bytes = fs::file_size(layer.tar_path);
  layer.blob_path = layer.tar_path + (compression == Compression::kGzip ? ".gz" : ".zst");
  if (!fs::exists(layer.blob_path)) compress_file(layer.tar_path, layer.blob_path, compression);
  layer.diff_id = file_digest(layer.tar_path);
  layer.digest = file_digest(layer.blob_path);
  return layer;
}

}  // namespace

BenchLayer node_modules_layer(std::uint64_t packages, Compression compression) {
  return cached_layer("/tmp/strata-bench-node-" + std::to_string(packages), compression,
                      [&](const std::string& tar) { make_node_modules_tar(tar, packages); });
}

BenchLayer bench_layer(std::uint64_t megabytes, Compression compression) {
  return cached_layer("/tmp/strata-bench-" + std::to_string(megabytes), compression,
                      [&](const std::string& tar) { make_tar(tar, megabytes << 20); });
}

void write_bench_image(const std::string& dir, const BenchLayer& layer, Compression compression) {
  using nlohmann::json;
  const fs::path root(dir);
  fs::create_directories(root / "blobs/sha256");
  auto put = [&](const std::string& text) {
    const std::string digest = Sha256::of(as_bytes(text)).to_string();
    std::ofstream(root / "blobs/sha256" / digest.substr(7), std::ios::binary) << text;
    return digest;
  };
  const fs::path blob = root / "blobs/sha256" / layer.digest.substr(7);
  fs::remove(blob);
  fs::create_symlink(layer.blob_path, blob);
  const std::string config =
      json{{"os", "linux"}, {"architecture", "amd64"},
           {"rootfs", {{"type", "layers"}, {"diff_ids", {layer.diff_id}}}}}.dump();
  const std::string manifest =
      json{{"schemaVersion", 2},
           {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
           {"config", {{"mediaType", "application/vnd.oci.image.config.v1+json"},
                       {"digest", put(config)}, {"size", config.size()}}},
           {"layers", {{{"mediaType", compression == Compression::kGzip
                                          ? "application/vnd.oci.image.layer.v1.tar+gzip"
                                          : "application/vnd.oci.image.layer.v1.tar+zstd"},
                        {"digest", layer.digest},
                        {"size", fs::file_size(layer.blob_path)}}}}}.dump();
  const std::string manifest_digest = put(manifest);
  std::ofstream(root / "oci-layout") << R"({"imageLayoutVersion":"1.0.0"})";
  std::ofstream(root / "index.json")
      << json{{"schemaVersion", 2},
              {"manifests", {{{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                              {"digest", manifest_digest},
                              {"size", manifest.size()}}}}}.dump();
}

}  // namespace strata::bench
