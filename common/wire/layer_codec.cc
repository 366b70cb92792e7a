#include "common/wire/layer_codec.h"

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <zstd.h>

#include <string>

#include "schema/layer.capnp.h"

namespace strata {
namespace {

// Fast and still ~8x on package lists; the cache trades little CPU for a lot of memory.
constexpr int kZstdLevel = 3;

std::string text(capnp::Text::Reader t) { return std::string(t.cStr(), t.size()); }

}  // namespace

std::vector<std::byte> encode_layer_analysis(const LayerAnalysis& analysis) {
  capnp::MallocMessageBuilder message;
  auto root = message.initRoot<wire::LayerAnalysis>();
  auto databases = root.initDatabases(static_cast<unsigned>(analysis.databases.size()));
  for (unsigned i = 0; i < analysis.databases.size(); ++i) {
    const PackageDatabase& db = analysis.databases[i];
    auto out = databases[i];
    out.setPath(db.path);
    out.setEcosystem(std::string(to_string(db.ecosystem)));
    auto packages = out.initPackages(static_cast<unsigned>(db.packages.size()));
    for (unsigned j = 0; j < db.packages.size(); ++j) {
      const Package& p = db.packages[j];
      auto w = packages[j];
      w.setEcosystem(std::string(to_string(p.ecosystem)));
      w.setName(p.name);
      w.setVersion(p.version);
      w.setSourceName(p.source_name);
      w.setSourceVersion(p.source_version);
      w.setArch(p.arch);
      w.setPath(p.path);
    }
  }
  auto files = root.initDistroFiles(static_cast<unsigned>(analysis.distro_files.size()));
  unsigned k = 0;
  for (const auto& [path, content] : analysis.distro_files) {
    files[k].setPath(path);
    files[k].setContent(content);
    ++k;
  }
  auto owned = root.initOwnedFiles(static_cast<unsigned>(analysis.owned_files.size()));
  k = 0;
  for (const auto& [path, owner] : analysis.owned_files) {
    owned[k].setPath(path);
    owned[k].setOwner(owner);
    ++k;
  }
  auto secrets = root.initSecrets(static_cast<unsigned>(analysis.secrets.size()));
  for (unsigned i = 0; i < analysis.secrets.size(); ++i) {
    const SecretFinding& f = analysis.secrets[i];
    secrets[i].setRuleId(f.rule_id);
    secrets[i].setTitle(f.title);
    secrets[i].setSeverity(f.severity);
    secrets[i].setPath(f.path);
    secrets[i].setLine(f.line);
    secrets[i].setRedacted(f.redacted);
    secrets[i].setFingerprint(f.fingerprint);
  }
  auto put_list = [](auto list, const std::vector<std::string>& values) {
    for (unsigned i = 0; i < values.size(); ++i) list.set(i, values[i]);
  };
  {
    const FileFacts& f = analysis.facts;
    auto facts = root.initFacts();
    auto setid = facts.initSetid(static_cast<unsigned>(f.setid.size()));
    for (unsigned i = 0; i < f.setid.size(); ++i) {
      setid[i].setPath(f.setid[i].path);
      setid[i].setMode(f.setid[i].mode);
    }
    put_list(facts.initWorldWritable(static_cast<unsigned>(f.world_writable.size())), f.world_writable);
    put_list(facts.initRootSsh(static_cast<unsigned>(f.root_ssh.size())), f.root_ssh);
    put_list(facts.initPresent(static_cast<unsigned>(f.present.size())), f.present);
    auto caches = facts.initCacheBytes(static_cast<unsigned>(f.cache_bytes.size()));
    unsigned c = 0;
    for (const auto& [kind, bytes] : f.cache_bytes) {
      caches[c].setKind(kind);
      caches[c].setBytes(bytes);
      ++c;
    }
    facts.setEntriesTruncated(f.entries_truncated);
    auto entries = facts.initEntries(static_cast<unsigned>(f.entries.size()));
    for (unsigned e = 0; e < f.entries.size(); ++e) {
      entries[e].setPath(f.entries[e].path);
      entries[e].setSize(f.entries[e].size);
    }
  }
  put_list(root.initWhiteouts(static_cast<unsigned>(analysis.whiteouts.size())), analysis.whiteouts);
  put_list(root.initOpaqueDirs(static_cast<unsigned>(analysis.opaque_dirs.size())), analysis.opaque_dirs);
  put_list(root.initWarnings(static_cast<unsigned>(analysis.warnings.size())), analysis.warnings);
  root.setEntries(analysis.entries);
  root.setUncompressedBytes(analysis.uncompressed_bytes);

  const kj::Array<capnp::word> words = capnp::messageToFlatArray(message);
  const auto plain = words.asBytes();
  std::vector<std::byte> out(ZSTD_compressBound(plain.size()));
  // With the frame's content checksum, a damaged cache entry is an error, not different data.
  ZSTD_CCtx* ctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(ctx, ZSTD_c_compressionLevel, kZstdLevel);
  ZSTD_CCtx_setParameter(ctx, ZSTD_c_checksumFlag, 1);
  const std::size_t n = ZSTD_compress2(ctx, out.data(), out.size(), plain.begin(), plain.size());
  ZSTD_freeCCtx(ctx);
  // Compression into a buffer of ZSTD_compressBound bytes cannot fail.
  out.resize(ZSTD_isError(n) ? 0 : n);
  return out;
}

Result<LayerAnalysis> decode_layer_analysis(std::span<const std::byte> bytes, std::size_t max_bytes) {
  const unsigned long long size = ZSTD_getFrameContentSize(bytes.data(), bytes.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN) {
    return fail(ErrorCode::kCorrupt, "layer analysis: not a zstd frame with a known size");
  }
  if (size > max_bytes) {
    return fail(ErrorCode::kLimitExceeded, "layer analysis: " + std::to_string(size) +
                                               " bytes decompressed, more than the limit of " +
                                               std::to_string(max_bytes));
  }
  if (size % sizeof(capnp::word) != 0 || size == 0) {
    return fail(ErrorCode::kCorrupt, "layer analysis: message size is not a whole number of words");
  }
  kj::Array<capnp::word> words = kj::heapArray<capnp::word>(size / sizeof(capnp::word));
  const std::size_t n = ZSTD_decompress(words.begin(), size, bytes.data(), bytes.size());
  if (ZSTD_isError(n) || n != size) {
    return fail(ErrorCode::kCorrupt, std::string("layer analysis: zstd: ") +
                                         (ZSTD_isError(n) ? ZSTD_getErrorName(n) : "short frame"));
  }
  LayerAnalysis out;
  // Cap'n Proto reports malformed messages by throwing kj::Exception; they become kCorrupt here.
  try {
    capnp::ReaderOptions options;
    options.traversalLimitInWords = words.size() * 2;
    capnp::FlatArrayMessageReader reader(words.asPtr(), options);
    auto root = reader.getRoot<wire::LayerAnalysis>();
    auto ecosystem_of = [](capnp::Text::Reader name) -> Result<Ecosystem> {
      auto e = parse_ecosystem(std::string_view(name.cStr(), name.size()));
      if (!e) return fail(ErrorCode::kCorrupt, "layer analysis: unknown ecosystem '" + text(name) + "'");
      return *e;
    };
    for (auto db : root.getDatabases()) {
      PackageDatabase out_db;
      out_db.path = text(db.getPath());
      auto eco = ecosystem_of(db.getEcosystem());
      if (!eco) return std::unexpected(eco.error());
      out_db.ecosystem = *eco;
      for (auto p : db.getPackages()) {
        auto pe = ecosystem_of(p.getEcosystem());
        if (!pe) return std::unexpected(pe.error());
        out_db.packages.push_back(Package{*pe, text(p.getName()), text(p.getVersion()),
                                          text(p.getSourceName()), text(p.getSourceVersion()),
                                          text(p.getArch()), text(p.getPath()), {}});
      }
      out.databases.push_back(std::move(out_db));
    }
    for (auto f : root.getDistroFiles()) out.distro_files[text(f.getPath())] = text(f.getContent());
    for (auto f : root.getOwnedFiles()) out.owned_files[text(f.getPath())] = text(f.getOwner());
    for (auto f : root.getSecrets()) {
      out.secrets.push_back({text(f.getRuleId()), text(f.getTitle()), text(f.getSeverity()), text(f.getPath()),
                             f.getLine(), text(f.getRedacted()), text(f.getFingerprint())});
    }
    if (root.hasFacts()) {
      auto facts = root.getFacts();
      for (auto e : facts.getSetid()) out.facts.setid.push_back({text(e.getPath()), e.getMode()});
      for (auto w : facts.getWorldWritable()) out.facts.world_writable.push_back(text(w));
      for (auto r : facts.getRootSsh()) out.facts.root_ssh.push_back(text(r));
      for (auto p : facts.getPresent()) out.facts.present.push_back(text(p));
      for (auto c : facts.getCacheBytes()) out.facts.cache_bytes[text(c.getKind())] = c.getBytes();
      out.facts.entries.reserve(facts.getEntries().size());
      for (auto e : facts.getEntries()) out.facts.entries.push_back({text(e.getPath()), e.getSize()});
      out.facts.entries_truncated = facts.getEntriesTruncated();
    }
    for (auto w : root.getWhiteouts()) out.whiteouts.push_back(text(w));
    for (auto d : root.getOpaqueDirs()) out.opaque_dirs.push_back(text(d));
    for (auto w : root.getWarnings()) out.warnings.push_back(text(w));
    out.entries = root.getEntries();
    out.uncompressed_bytes = root.getUncompressedBytes();
  } catch (const kj::Exception& e) {
    return fail(ErrorCode::kCorrupt, std::string("layer analysis: ") + e.getDescription().cStr());
  }
  return out;
}

}  // namespace strata
