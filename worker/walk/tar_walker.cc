// The tar walk: libarchive reads the tar format only; decompression and hashing happen below it
// in LayerStream, which hands libarchive its buffers without copying.
// libarchive's read API: https://github.com/libarchive/libarchive/wiki/ManPageArchiveRead3
#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <memory>
#include <optional>
#include <string>

#include "worker/stream/tar_chunks.h"
#include "worker/walk/entry_dispatch.h"
#include "worker/walk/layer_walker.h"

namespace strata::worker {
namespace {

struct ArchiveFree {
  void operator()(archive* a) const noexcept { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveFree>;

struct ArchiveEntryFree {
  void operator()(archive_entry* e) const noexcept { archive_entry_free(e); }
};
using ArchiveEntryPtr = std::unique_ptr<archive_entry, ArchiveEntryFree>;

// What the read callback needs; the stream's own error is kept so that it, not libarchive's
// paraphrase of it, reaches the user.
struct CallbackState {
  TarChunks* stream = nullptr;
  std::optional<Error> error;
};

la_ssize_t read_callback(archive* a, void* opaque, const void** buffer) {
  auto* state = static_cast<CallbackState*>(opaque);
  auto chunk = state->stream->next();
  if (!chunk) {
    state->error = chunk.error();
    archive_set_error(a, EIO, "%s", chunk.error().message().c_str());
    return -1;
  }
  *buffer = chunk->data();
  return static_cast<la_ssize_t>(chunk->size());
}

class TarEntryContent final : public EntryContent {
 public:
  TarEntryContent(archive* a, std::uint64_t max_bytes) : EntryContent(0, max_bytes), archive_(a) {}
  void next_entry(std::uint64_t size) { reset(size); }

 protected:
  Result<std::size_t> read_some(std::span<std::byte> out) override {
    const la_ssize_t n = archive_read_data(archive_, out.data(), out.size());
    if (n < 0) {
      return fail(ErrorCode::kCorrupt,
                  std::string("reading entry data: ") + archive_error_string(archive_));
    }
    return static_cast<std::size_t>(n);
  }

 private:
  archive* archive_;
};

EntryType entry_type(archive_entry* entry) {
  if (archive_entry_hardlink(entry) != nullptr) return EntryType::kHardlink;
  switch (archive_entry_filetype(entry)) {
    case AE_IFREG: return EntryType::kRegular;
    case AE_IFDIR: return EntryType::kDirectory;
    case AE_IFLNK: return EntryType::kSymlink;
    default: return EntryType::kOther;
  }
}

Error tar_error(archive* a, const CallbackState& state) {
  if (state.error) return *state.error;
  const char* message = archive_error_string(a);
  return Error(ErrorCode::kCorrupt,
               std::string("tar stream is corrupt: ") + (message ? message : "unknown error"));
}

}  // namespace

Result<LayerAnalysis> walk_tar(TarChunks& stream, const AnalyzerRegistry& registry,
                               const WalkLimits& limits) {
  ArchivePtr a(archive_read_new());
  ArchiveEntryPtr entry(archive_entry_new());
  archive_read_support_format_tar(a.get());
  CallbackState state{&stream, std::nullopt};
  if (archive_read_open(a.get(), &state, nullptr, read_callback, nullptr) != ARCHIVE_OK) {
    // An empty blob is an empty layer; anything else that is not a tar is damage.
    if (stream.finished() && stream.uncompressed_bytes() == 0) return LayerAnalysis{};
    return std::unexpected(tar_error(a.get(), state));
  }

  LayerAnalysis out;
  TarEntryContent content(a.get(), limits.max_entry_bytes);
  for (;;) {
    const int rc = archive_read_next_header2(a.get(), entry.get());
    if (rc == ARCHIVE_EOF) break;
    if (rc == ARCHIVE_FATAL || rc == ARCHIVE_RETRY) return std::unexpected(tar_error(a.get(), state));
    if (rc == ARCHIVE_FAILED) {  // this entry is unusable, the archive goes on
      const char* message = archive_error_string(a.get());
      out.warnings.push_back("entry " + std::to_string(out.entries + 1) + " skipped: " +
                             (message ? message : "unreadable header"));
      ++out.entries;
      continue;
    }
    if (++out.entries > limits.max_entries) {
      return fail(ErrorCode::kLimitExceeded, "layer has more than " +
                                                 std::to_string(limits.max_entries) +
                                                 " entries (the entry-count limit)");
    }
    const char* raw_path = archive_entry_pathname(entry.get());
    if (raw_path == nullptr) {
      out.warnings.push_back("entry " + std::to_string(out.entries) + " has no path; skipped");
      continue;
    }
    const std::string_view raw(raw_path);
    if (raw.size() > limits.max_path_length) {
      out.warnings.push_back("entry " + std::to_string(out.entries) + " has a path of " +
                             std::to_string(raw.size()) + " bytes, over the limit of " +
                             std::to_string(limits.max_path_length) + "; skipped");
      continue;
    }
    if (rc == ARCHIVE_WARN) {
      out.warnings.push_back(std::string(raw) + ": " + archive_error_string(a.get()));
    }
    const std::string_view path = normalize_entry_path(raw);
    if (path.empty() || record_whiteout(path, out)) continue;

    const char* hardlink = archive_entry_hardlink(entry.get());
    const char* symlink = archive_entry_symlink(entry.get());
    EntryInfo info;
    info.path = path;
    info.type = entry_type(entry.get());
    info.mode = static_cast<std::uint32_t>(archive_entry_perm(entry.get())) |
                (static_cast<std::uint32_t>(archive_entry_mode(entry.get())) & 07000);
    info.size = archive_entry_size_is_set(entry.get())
                    ? static_cast<std::uint64_t>(archive_entry_size(entry.get()))
                    : 0;
    info.link_target = hardlink ? hardlink : (symlink ? symlink : "");
    content.next_entry(info.size);
    dispatch_entry(info, content, registry, out);
    if (state.error) return std::unexpected(*state.error);
  }
  a.reset();
  if (auto r = stream.drain(); !r) return std::unexpected(r.error());
  out.uncompressed_bytes = stream.uncompressed_bytes();
  canonicalize(out);
  return out;
}

}  // namespace strata::worker
