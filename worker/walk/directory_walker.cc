// The directory walk behind `rootfs:DIR`: the same analyzers, fed from files in place.
#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <system_error>

#include "worker/source/byte_source.h"
#include "worker/walk/entry_dispatch.h"
#include "worker/walk/layer_walker.h"

namespace strata::worker {
namespace {

class FileEntryContent final : public EntryContent {
 public:
  FileEntryContent(std::string path, std::uint64_t size, std::uint64_t max_bytes)
      : EntryContent(size, max_bytes), path_(std::move(path)) {}

 protected:
  Result<std::size_t> read_some(std::span<std::byte> out) override {
    if (!source_) {
      auto opened = FileSource::open(path_);
      if (!opened) return std::unexpected(opened.error());
      source_.emplace(std::move(*opened));
    }
    return source_->read(out);
  }

 private:
  std::string path_;
  std::optional<FileSource> source_;
};

}  // namespace

Result<LayerAnalysis> walk_directory(const std::string& root, const AnalyzerRegistry& registry,
                                     const WalkLimits& limits) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    return fail(ErrorCode::kNotFound, root + ": not a directory");
  }
  LayerAnalysis out;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  if (ec) return fail(ErrorCode::kUnavailable, root + ": " + ec.message());
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) {
      out.warnings.push_back(root + ": " + ec.message());
      ec.clear();
      continue;
    }
    if (++out.entries > limits.max_entries) {
      return fail(ErrorCode::kLimitExceeded, root + " has more than " +
                                                 std::to_string(limits.max_entries) +
                                                 " entries (the entry-count limit)");
    }
    const fs::path& full = it->path();
    // The iterator's paths all start with `root`; cutting it off avoids a stat per entry.
    const std::string relative(normalize_entry_path(full.generic_string().substr(root.size())));
    if (relative.size() > limits.max_path_length) {
      out.warnings.push_back(full.string() + ": path longer than " +
                             std::to_string(limits.max_path_length) + " bytes; skipped");
      continue;
    }
    struct stat st {};
    if (::lstat(full.c_str(), &st) != 0) continue;
    EntryInfo info;
    info.path = relative;
    info.mode = st.st_mode & 07777;
    info.size = S_ISREG(st.st_mode) ? static_cast<std::uint64_t>(st.st_size) : 0;
    info.type = S_ISREG(st.st_mode)   ? EntryType::kRegular
                : S_ISDIR(st.st_mode) ? EntryType::kDirectory
                : S_ISLNK(st.st_mode) ? EntryType::kSymlink
                                      : EntryType::kOther;
    std::string target;
    if (info.type == EntryType::kSymlink) {
      target = fs::read_symlink(full, ec).string();
      info.link_target = target;
    }
    FileEntryContent content(full.string(), info.size, limits.max_entry_bytes);
    dispatch_entry(info, content, registry, out);
  }
  canonicalize(out);
  return out;
}

}  // namespace strata::worker
