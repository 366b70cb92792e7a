#include "common/vulndb/feed_files.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "common/vulndb/osv_json.h"

namespace strata {
namespace {

namespace fs = std::filesystem;

constexpr std::uintmax_t kMaxFeedFile = 256ull << 20;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string_view skip_space(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  return s;
}

// Which JSON feed a document is, from its first keys.
enum class JsonKind { kOsv, kAlpine, kDebianTracker };

JsonKind json_kind(std::string_view text) {
  const std::string_view head = text.substr(0, 4096);
  if (head.find("\"distroversion\"") != std::string_view::npos) return JsonKind::kAlpine;
  if (head.find("\"releases\"") != std::string_view::npos && head.find("\"affected\"") == std::string_view::npos &&
      head.find("\"CVE-") != std::string_view::npos) {
    return JsonKind::kDebianTracker;
  }
  return JsonKind::kOsv;
}

void add_osv(FeedBatch& batch, std::string_view text, const std::string& name) {
  auto v = parse_osv(text);
  if (!v) {
    batch.skipped.push_back(name + ": " + v.error().message());
    return;
  }
  batch.records.push_back(std::move(*v));
}

void read_zip(const fs::path& path, std::vector<std::pair<std::string, FeedBatch>>& out) {
  FeedBatch batch;
  struct Free {
    void operator()(archive* a) const noexcept { archive_read_free(a); }
  };
  std::unique_ptr<archive, Free> a(archive_read_new());
  archive_read_support_format_zip(a.get());
  if (archive_read_open_filename(a.get(), path.c_str(), 1 << 20) != ARCHIVE_OK) {
    batch.skipped.push_back(path.string() + ": not a readable zip archive: " + archive_error_string(a.get()));
    out.emplace_back("osv", std::move(batch));
    return;
  }
  archive_entry* entry = nullptr;
  int rc;
  while ((rc = archive_read_next_header(a.get(), &entry)) == ARCHIVE_OK) {
    const std::string name = path.string() + ":" + (archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "?");
    if (!name.ends_with(".json")) continue;
    const auto size = archive_entry_size(entry);
    if (size < 0 || static_cast<std::uintmax_t>(size) > kMaxFeedFile) {
      batch.skipped.push_back(name + ": entry size is missing or over the limit");
      continue;
    }
    std::string text(static_cast<std::size_t>(size), '\0');
    if (archive_read_data(a.get(), text.data(), text.size()) != size) {
      batch.skipped.push_back(name + ": cannot read the entry: " + archive_error_string(a.get()));
      continue;
    }
    add_osv(batch, text, name);
  }
  if (rc != ARCHIVE_EOF) batch.skipped.push_back(path.string() + ": damaged archive: " + archive_error_string(a.get()));
  out.emplace_back("osv", std::move(batch));
}

void read_one(const fs::path& path, std::vector<std::pair<std::string, FeedBatch>>& out) {
  const std::string name = path.string();
  const std::string file = path.filename().string();
  std::error_code ec;
  if (fs::file_size(path, ec) > kMaxFeedFile) {
    out.emplace_back("osv", FeedBatch{{}, {name + ": larger than the feed-file limit; skipped"}});
    return;
  }
  if (file.ends_with(".zip")) return read_zip(path, out);
  const bool dsa = file.starts_with("DSA") || path.parent_path().filename() == "DSA";
  const bool dla = file.starts_with("DLA") || path.parent_path().filename() == "DLA";
  if ((dsa || dla) && !file.ends_with(".json")) {
    out.emplace_back(dsa ? "debian-dsa" : "debian-dla", convert_debian_advisory_list(read_file(path), name));
    return;
  }
  if (!file.ends_with(".json")) return;  // READMEs, schemas in YAML, checksums: not feeds
  const std::string text = read_file(path);
  if (!skip_space(text).starts_with("{")) {
    out.emplace_back("osv", FeedBatch{{}, {name + ": not a JSON object; skipped"}});
    return;
  }
  switch (json_kind(text)) {
    case JsonKind::kAlpine: out.emplace_back("alpine-secdb", convert_alpine_secdb(text, name)); return;
    case JsonKind::kDebianTracker: out.emplace_back("debian-tracker", convert_debian_tracker_json(text, name)); return;
    case JsonKind::kOsv: break;
  }
  FeedBatch batch;
  add_osv(batch, text, name);
  out.emplace_back("osv", std::move(batch));
}

}  // namespace

std::vector<std::pair<std::string, FeedBatch>> read_feed_paths(const std::vector<std::string>& paths) {
  std::vector<std::pair<std::string, FeedBatch>> out;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<fs::path> files;
      for (fs::recursive_directory_iterator it(p, fs::directory_options::skip_permission_denied, ec), end;
           it != end; it.increment(ec)) {
        if (ec) break;
        if (it->is_regular_file(ec)) files.push_back(it->path());
      }
      std::sort(files.begin(), files.end());
      for (const auto& f : files) read_one(f, out);
    } else if (fs::is_regular_file(p, ec)) {
      read_one(p, out);
    } else {
      out.emplace_back("osv", FeedBatch{{}, {p + ": no such file or directory"}});
    }
  }
  return out;
}

std::string skipped_summary(const std::vector<std::string>& skipped, std::size_t shown) {
  if (skipped.empty()) return "";
  std::string out = "skipped " + std::to_string(skipped.size()) + ":\n";
  for (std::size_t i = 0; i < skipped.size() && i < shown; ++i) out += "  " + skipped[i] + "\n";
  if (skipped.size() > shown) out += "  … and " + std::to_string(skipped.size() - shown) + " more (--show-skipped N)\n";
  return out;
}

}  // namespace strata
