// The single walk: streams, digests, whiteouts, wants, limits.
#include <gtest/gtest.h>

#include "tests/support/image_builder.h"
#include "worker/api/analyzer_registry.h"
#include "worker/layer/analyze_layer.h"
#include "worker/stream/layer_stream.h"
#include "worker/walk/layer_walker.h"

namespace strata::worker {
namespace {

using test::TarEntry;

const std::string kStatus =
    "Package: base-files\nStatus: install ok installed\nArchitecture: amd64\nVersion: 12.4\n";

std::vector<TarEntry> debian_entries() {
  return {{"etc/", "", TarEntry::Kind::kDir, 0755},
          {"etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n"},
          {"./var/lib/dpkg/status", kStatus},
          {"usr/bin/tool", std::string(3000, 'x'), TarEntry::Kind::kFile, 04755},
          {"var/lib/dpkg/.wh.available", ""},
          {"opt/.wh..wh..opq", ""}};
}

Result<AnalyzedLayer> analyze(const std::string& blob, LayerExpectation expected = {},
                              WalkLimits limits = {}) {
  MemorySource source(as_bytes(blob));
  const AnalyzerRegistry registry = builtin_analyzers();
  return analyze_layer(source, expected, registry, limits);
}

TEST(LayerWalk, EveryCompressionGivesTheSameAnalysis) {
  const std::string tar = test::make_tar(debian_entries());
  const DiffId want_diff_id{Sha256::of(as_bytes(tar))};
  std::optional<LayerAnalysis> first;
  for (const auto c : {Compression::kNone, Compression::kGzip, Compression::kZstd}) {
    SCOPED_TRACE(std::string(to_string(c)));
    const std::string blob = test::compress(tar, c);
    auto layer = analyze(blob, {BlobDigest{Sha256::of(as_bytes(blob))}, want_diff_id});
    ASSERT_TRUE(layer) << layer.error().message();
    EXPECT_EQ(layer->compression, c);
    EXPECT_EQ(layer->diff_id, want_diff_id);
    ASSERT_EQ(layer->analysis.databases.size(), 1u);
    EXPECT_EQ(layer->analysis.databases[0].path, "var/lib/dpkg/status");
    EXPECT_EQ(layer->analysis.databases[0].packages[0].name, "base-files");
    EXPECT_EQ(layer->analysis.whiteouts, std::vector<std::string>{"var/lib/dpkg/available"});
    EXPECT_EQ(layer->analysis.opaque_dirs, std::vector<std::string>{"opt"});
    EXPECT_TRUE(layer->analysis.distro_files.contains("etc/os-release"));
    if (first) {
      EXPECT_EQ(layer->analysis, *first);
    }
    first = layer->analysis;
  }
}

TEST(LayerWalk, DigestMismatchNamesBothDigests) {
  const test::TestLayer layer = test::make_layer(debian_entries());
  const Digest wrong = Sha256::of(as_bytes("something else"));
  auto r = analyze(layer.blob, {BlobDigest{wrong}, std::nullopt});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kDigestMismatch);
  EXPECT_NE(r.error().message().find(wrong.to_string()), std::string::npos);
  EXPECT_NE(r.error().message().find(test::sha256_digest(layer.blob)), std::string::npos);

  auto d = analyze(layer.blob, {std::nullopt, DiffId{wrong}});
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message().find("diff_id mismatch"), std::string::npos);
}

TEST(LayerWalk, TruncatedStreamsAreCorrupt) {
  const std::string tar = test::make_tar(debian_entries());
  for (const auto c : {Compression::kGzip, Compression::kZstd}) {
    SCOPED_TRACE(std::string(to_string(c)));
    const std::string blob = test::compress(tar, c);
    auto r = analyze(blob.substr(0, blob.size() / 2));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code(), ErrorCode::kCorrupt);
  }
  std::string flipped = test::compress(tar, Compression::kGzip);
  flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x55);
  EXPECT_FALSE(analyze(flipped));
}

TEST(LayerWalk, NotATarIsCorrupt) {
  auto r = analyze(std::string(4096, 'z'));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kCorrupt);
}

TEST(LayerWalk, EmptyBlobIsAnEmptyLayer) {
  auto r = analyze("");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_TRUE(r->analysis.databases.empty());
}

TEST(LayerWalk, DecompressionBombIsStopped) {
  const std::string tar = test::make_tar({{"zeros", std::string(80u << 20, '\0')}});
  const std::string blob = test::compress(tar, Compression::kGzip, 9);
  auto r = analyze(blob);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kLimitExceeded);
  EXPECT_NE(r.error().message().find("decompression bomb"), std::string::npos);
}

TEST(LayerWalk, LimitsAreErrorsOrWarnings) {
  const std::string tar = test::make_tar(debian_entries());
  WalkLimits few;
  few.max_entries = 2;
  auto r = analyze(tar, {}, few);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kLimitExceeded);

  WalkLimits small;
  small.max_entry_bytes = 16;  // the dpkg status is larger: a warning, the walk goes on
  auto w = analyze(tar, {}, small);
  ASSERT_TRUE(w);
  EXPECT_TRUE(std::any_of(w->analysis.warnings.begin(), w->analysis.warnings.end(),
                          [](const std::string& s) {
                            return s.find("dpkg: var/lib/dpkg/status: entry of") != std::string::npos;
                          }));

  WalkLimits short_paths;
  short_paths.max_path_length = 10;
  auto p = analyze(tar, {}, short_paths);
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->analysis.databases.empty());
  EXPECT_FALSE(p->analysis.warnings.empty());

  WalkLimits tiny_layer;
  tiny_layer.stream.max_uncompressed_bytes = 1024;
  EXPECT_EQ(analyze(tar, {}, tiny_layer).error().code(), ErrorCode::kLimitExceeded);
}

TEST(LayerWalk, CorruptDatabaseIsAWarningNotAFailure) {
  auto r = analyze(test::make_tar({{"var/lib/rpm/Packages", "not a database at all"}}));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->analysis.warnings.size(), 1u);
  EXPECT_NE(r->analysis.warnings[0].find("rpm: var/lib/rpm/Packages"), std::string::npos);
  ASSERT_EQ(r->analysis.databases.size(), 1u);  // an unreadable database still hides the one below
  EXPECT_TRUE(r->analysis.databases[0].packages.empty());
}

// An analyzer that decides by magic bytes sees only ELF files, whatever their names.
class ElfCounter final : public Analyzer {
 public:
  std::string_view name() const override { return "os"; }
  std::uint32_t version() const override { return 1; }
  Want wants(const EntryInfo& e) const override {
    return e.type == EntryType::kRegular ? Want::kIfMagic : Want::kNo;
  }
  bool wants_magic(std::span<const std::byte> head) const override {
    return as_chars(head).starts_with("\x7f" "ELF");
  }
  Result<void> analyze(const EntryInfo& e, EntryContent& content, LayerAnalysis& out) const override {
    auto bytes = content.bytes();
    if (!bytes) return std::unexpected(bytes.error());
    out.distro_files[std::string(e.path)] = std::to_string(bytes->size());
    return {};
  }
};

TEST(LayerWalk, MagicBytesSelectEntries) {
  AnalyzerRegistry registry;
  registry.add(std::make_unique<ElfCounter>());
  const std::string elf = "\x7f" "ELF" + std::string(1000, 'e');
  const std::string tar = test::make_tar({{"bin/a", elf}, {"bin/b", "#!/bin/sh\n"}, {"lib/c.so", elf}});
  MemorySource source(as_bytes(tar));
  LayerStream stream(source, {});
  auto r = walk_tar(stream, registry, {});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->distro_files, (std::map<std::string, std::string, std::less<>>{{"bin/a", "1004"},
                                                                              {"lib/c.so", "1004"}}));
}

TEST(AnalyzerRegistry, SetVersionChangesWithAnalyzers) {
  const AnalyzerRegistry all = builtin_analyzers();
  AnalyzerRegistry one;
  one.add(std::make_unique<ElfCounter>());
  EXPECT_NE(all.set_version(), one.set_version());
  EXPECT_EQ(all.set_version(), builtin_analyzers().set_version());
}

}  // namespace
}  // namespace strata::worker

namespace strata::worker {
namespace {

// Pipelined stages give exactly the sequential result, for good layers and for every kind of
// damage, and the same errors.
TEST(PipelinedStages, SameResultsAndErrorsAsSequential) {
  std::vector<TarEntry> many = debian_entries();
  // Enough bytes to cross many 1 MiB chunks and fill the queue.
  for (int i = 0; i < 12; ++i) many.push_back({"blob/" + std::to_string(i), std::string(700 << 10, static_cast<char>('a' + i))});
  const auto big = test::make_layer(many, Compression::kZstd);
  const auto gz = test::make_layer(debian_entries(), Compression::kGzip);
  std::string truncated = big.blob.substr(0, big.blob.size() / 2);
  std::string flipped = gz.blob;
  flipped[flipped.size() / 2] ^= 1;
  const AnalyzerRegistry registry = builtin_analyzers();
  for (const std::string& blob : {big.blob, gz.blob, truncated, flipped, std::string(), std::string("not a tar at all")}) {
    MemorySource a(as_bytes(blob));
    MemorySource b(as_bytes(blob));
    const auto seq = analyze_layer(a, {}, registry, {}, Stages::kSequential);
    const auto pip = analyze_layer(b, {}, registry, {}, Stages::kPipelined);
    ASSERT_EQ(seq.has_value(), pip.has_value()) << (seq ? pip.error().message() : seq.error().message());
    if (seq) {
      EXPECT_EQ(seq->analysis, pip->analysis);
      EXPECT_EQ(seq->digest, pip->digest);
      EXPECT_EQ(seq->diff_id, pip->diff_id);
      EXPECT_EQ(seq->size, pip->size);
    } else {
      EXPECT_EQ(seq.error().code(), pip.error().code());
      EXPECT_EQ(seq.error().message(), pip.error().message());
    }
  }
  // A limit hit in the middle stops the producer too (no hang, no leak).
  WalkLimits tight;
  tight.stream.max_uncompressed_bytes = 2 << 20;
  MemorySource c(as_bytes(big.blob));
  const auto limited = analyze_layer(c, {}, registry, tight, Stages::kPipelined);
  ASSERT_FALSE(limited);
  EXPECT_EQ(limited.error().code(), ErrorCode::kLimitExceeded);
}

}  // namespace
}  // namespace strata::worker
