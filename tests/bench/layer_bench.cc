// MB/s of uncompressed tar, on one thread, for
//   VerifiedPassLimit: the least any verified layer walk must do, written out here with nothing
//     else: the fastest streaming decompressor for the format (ISA-L igzip, libzstd), sha256 of
//     the blob, sha256 of the tar, and a libarchive header walk;
//   FullInventory: strata's real layer analysis (worker/layer/analyze_layer) on the same bytes,
//     with every built-in analyzer; *_secrets_off without the secret scan.
//   NodeModules: the same analysis on a generated node_modules tree of STRATA_BENCH_NODE_PACKAGES
//     packages (default 5000, ~7 files each): many small language-package files, in files/s and
//     MB/s, with its own verified-pass limit for comparison.
// The layer is STRATA_BENCH_MB MiB (default 300) of this machine's /usr. Run pinned to one core:
//   taskset -c 0 build/tests/bench/strata_layer_bench --benchmark_repetitions=5
#include <archive.h>
#include <archive_entry.h>
#include <benchmark/benchmark.h>
#include <isa-l/igzip_lib.h>
#include <openssl/evp.h>
#include <zstd.h>

#include <cstdlib>
#include <fstream>
#include <vector>

#include "tests/bench/bench_layer.h"
#include "worker/api/analyzer_registry.h"
#include "worker/layer/analyze_layer.h"

namespace strata::bench {
namespace {

std::uint64_t bench_megabytes() {
  const char* env = std::getenv("STRATA_BENCH_MB");
  return env ? std::strtoull(env, nullptr, 10) : 300;
}

std::uint64_t node_packages() {
  const char* env = std::getenv("STRATA_BENCH_NODE_PACKAGES");
  return env ? std::strtoull(env, nullptr, 10) : 5000;
}

const BenchLayer& node_layer() {
  static const BenchLayer layer = node_modules_layer(node_packages(), Compression::kGzip);
  return layer;
}

const BenchLayer& layer_for(Compression c) {
  static const BenchLayer gzip = bench_layer(bench_megabytes(), Compression::kGzip);
  static const BenchLayer zstd = bench_layer(bench_megabytes(), Compression::kZstd);
  return c == Compression::kGzip ? gzip : zstd;
}

// The minimal verified pass: read → hash → inflate → hash → libarchive header walk.
struct MinimalPass {
  std::ifstream file;
  std::vector<unsigned char> in = std::vector<unsigned char>(256 << 10);
  std::vector<unsigned char> out = std::vector<unsigned char>(1 << 20);
  std::size_t in_pos = 0, in_end = 0;
  bool eof = false;
  Compression compression;
  inflate_state gz{};
  ZSTD_DCtx* zs = ZSTD_createDCtx();
  EVP_MD_CTX* blob_hash = EVP_MD_CTX_new();
  EVP_MD_CTX* tar_hash = EVP_MD_CTX_new();

  MinimalPass(const std::string& path, Compression c) : file(path, std::ios::binary), compression(c) {
    isal_inflate_init(&gz);
    gz.crc_flag = ISAL_GZIP;
    EVP_DigestInit_ex(blob_hash, EVP_sha256(), nullptr);
    EVP_DigestInit_ex(tar_hash, EVP_sha256(), nullptr);
  }
  ~MinimalPass() {
    ZSTD_freeDCtx(zs);
    EVP_MD_CTX_free(blob_hash);
    EVP_MD_CTX_free(tar_hash);
  }

  // Next decompressed chunk, or 0 bytes at the end.
  std::size_t next() {
    for (;;) {
      if (in_pos == in_end && !eof) {
        file.read(reinterpret_cast<char*>(in.data()), static_cast<std::streamsize>(in.size()));
        in_end = static_cast<std::size_t>(file.gcount());
        in_pos = 0;
        eof = in_end == 0;
        EVP_DigestUpdate(blob_hash, in.data(), in_end);
      }
      std::size_t produced = 0;
      if (compression == Compression::kGzip) {
        if (gz.block_state == ISAL_BLOCK_FINISH && in_pos < in_end) {
          isal_inflate_reset(&gz);
          gz.crc_flag = ISAL_GZIP;
        }
        gz.next_in = in.data() + in_pos;
        gz.avail_in = static_cast<std::uint32_t>(in_end - in_pos);
        gz.next_out = out.data();
        gz.avail_out = static_cast<std::uint32_t>(out.size());
        isal_inflate(&gz);
        in_pos = in_end - gz.avail_in;
        produced = out.size() - gz.avail_out;
      } else {
        ZSTD_inBuffer input{in.data(), in_end, in_pos};
        ZSTD_outBuffer output{out.data(), out.size(), 0};
        ZSTD_decompressStream(zs, &output, &input);
        in_pos = input.pos;
        produced = output.pos;
      }
      if (produced > 0) {
        EVP_DigestUpdate(tar_hash, out.data(), produced);
        return produced;
      }
      if (eof) return 0;
    }
  }

  static la_ssize_t read_cb(archive*, void* self, const void** buf) {
    auto* p = static_cast<MinimalPass*>(self);
    *buf = p->out.data();
    return static_cast<la_ssize_t>(p->next());
  }

  std::uint64_t run() {
    archive* a = archive_read_new();
    archive_read_support_format_tar(a);
    archive_read_open(a, this, nullptr, read_cb, nullptr);
    archive_entry* e = nullptr;
    std::uint64_t entries = 0;
    while (archive_read_next_header(a, &e) == ARCHIVE_OK) ++entries;
    archive_read_free(a);
    while (next() > 0) {
    }
    unsigned char digest[32];
    unsigned int n = 0;
    EVP_DigestFinal_ex(blob_hash, digest, &n);
    EVP_DigestFinal_ex(tar_hash, digest, &n);
    return entries;
  }
};

void BM_VerifiedPassLimit(benchmark::State& state, Compression c) {
  const BenchLayer& layer = layer_for(c);
  for (auto _ : state) {
    MinimalPass pass(layer.blob_path, c);
    benchmark::DoNotOptimize(pass.run());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * layer.tar_bytes));
}

void BM_FullInventory(benchmark::State& state, Compression c, worker::Stages stages, bool secrets = true) {
  const BenchLayer& layer = layer_for(c);
  worker::AnalyzerOptions options;
  options.secrets = secrets;
  const worker::AnalyzerRegistry registry = worker::builtin_analyzers(options);
  const auto digest = Digest::parse(layer.digest);
  const auto diff_id = Digest::parse(layer.diff_id);
  std::size_t packages = 0;
  for (auto _ : state) {
    auto source = worker::FileSource::open(layer.blob_path);
    auto result = worker::analyze_layer(*source, {BlobDigest{*digest}, DiffId{*diff_id}}, registry, {}, stages);
    if (!result) {
      state.SkipWithError(result.error().message().c_str());
      return;
    }
    packages = 0;
    for (const auto& db : result->analysis.databases) packages += db.packages.size();
  }
  state.counters["packages"] = static_cast<double>(packages);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * layer.tar_bytes));
}

// The node_modules layer: every package.json parsed; files/s counts tar entries.
void BM_NodeModulesPassLimit(benchmark::State& state) {
  const BenchLayer& layer = node_layer();
  std::uint64_t entries = 0;
  for (auto _ : state) {
    MinimalPass pass(layer.blob_path, Compression::kGzip);
    entries = pass.run();
  }
  state.counters["files"] = benchmark::Counter(static_cast<double>(entries * state.iterations()), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * layer.tar_bytes));
}

void BM_NodeModulesInventory(benchmark::State& state) {
  const BenchLayer& layer = node_layer();
  const worker::AnalyzerRegistry registry = worker::builtin_analyzers();
  const auto digest = Digest::parse(layer.digest);
  const auto diff_id = Digest::parse(layer.diff_id);
  std::size_t packages = 0;
  std::uint64_t entries = 0;
  for (auto _ : state) {
    auto source = worker::FileSource::open(layer.blob_path);
    auto result = worker::analyze_layer(*source, {BlobDigest{*digest}, DiffId{*diff_id}}, registry, {});
    if (!result) {
      state.SkipWithError(result.error().message().c_str());
      return;
    }
    packages = 0;
    for (const auto& db : result->analysis.databases) packages += db.packages.size();
    entries = result->analysis.entries;
  }
  state.counters["packages"] = static_cast<double>(packages);
  state.counters["files"] = benchmark::Counter(static_cast<double>(entries * state.iterations()), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * layer.tar_bytes));
}

BENCHMARK(BM_NodeModulesPassLimit)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_NodeModulesInventory)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_VerifiedPassLimit, gzip, Compression::kGzip)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_FullInventory, gzip, Compression::kGzip, worker::Stages::kSequential)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_FullInventory, gzip_secrets_off, Compression::kGzip, worker::Stages::kSequential, false)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_FullInventory, gzip_pipelined, Compression::kGzip, worker::Stages::kPipelined)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_VerifiedPassLimit, zstd, Compression::kZstd)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_FullInventory, zstd, Compression::kZstd, worker::Stages::kSequential)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_FullInventory, zstd_secrets_off, Compression::kZstd, worker::Stages::kSequential, false)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_FullInventory, zstd_pipelined, Compression::kZstd, worker::Stages::kPipelined)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace strata::bench

BENCHMARK_MAIN();
