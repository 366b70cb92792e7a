// rpm headers through librpm: headerImport verifies the blob's structure (region tags, counts,
// offsets) before anything is read from it. Tags: rpm's lib/rpmtag.h.
#include <rpm/header.h>
#include <rpm/rpmtag.h>
#include <rpm/rpmtd.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "worker/parser/rpmdb.h"

namespace strata::worker {
namespace {

struct HeaderFree {
  void operator()(headerToken_s* h) const noexcept { headerFree(h); }
};
using HeaderPtr = std::unique_ptr<headerToken_s, HeaderFree>;

std::string get_string(Header h, rpmTagVal tag) {
  const char* value = headerGetString(h, tag);
  return value ? std::string(value) : std::string();
}

// "util-linux-2.32.1-42.el8_8.src.rpm" → {"util-linux", "2.32.1-42.el8_8"}.
std::pair<std::string, std::string> split_source_rpm(std::string_view srpm) {
  if (srpm.ends_with(".rpm")) srpm.remove_suffix(4);
  if (const auto dot = srpm.rfind('.'); dot != std::string_view::npos) srpm = srpm.substr(0, dot);
  const auto release_dash = srpm.rfind('-');
  if (release_dash == std::string_view::npos || release_dash == 0) return {std::string(srpm), ""};
  const auto version_dash = srpm.rfind('-', release_dash - 1);
  if (version_dash == std::string_view::npos) return {std::string(srpm), ""};
  return {std::string(srpm.substr(0, version_dash)), std::string(srpm.substr(version_dash + 1))};
}

}  // namespace

Result<Package> parse_rpm_header(std::span<const std::byte> blob, OwnedFileFilter keep,
                                 std::vector<std::string>* files) {
  // The smallest header is its two counts; librpm wants the size to be exact.
  if (blob.size() < 8 || blob.size() > (256u << 20)) {
    return fail(ErrorCode::kCorrupt, "rpm header blob of " + std::to_string(blob.size()) +
                                         " bytes is not a plausible size");
  }
  // headerImport does not modify the blob when told to copy it, but takes a non-const pointer.
  HeaderPtr h(headerImport(const_cast<std::byte*>(blob.data()),
                           static_cast<unsigned int>(blob.size()), HEADERIMPORT_COPY));
  if (!h) return fail(ErrorCode::kCorrupt, "rpm header fails librpm's structure checks");
  Package p;
  p.ecosystem = Ecosystem::kRpm;
  p.name = get_string(h.get(), RPMTAG_NAME);
  const std::string version = get_string(h.get(), RPMTAG_VERSION);
  const std::string release = get_string(h.get(), RPMTAG_RELEASE);
  if (p.name.empty() || version.empty()) {
    return fail(ErrorCode::kCorrupt, "rpm header has no name or version");
  }
  std::string evr = release.empty() ? version : version + "-" + release;
  std::string epoch;
  if (headerIsEntry(h.get(), RPMTAG_EPOCH)) {
    epoch = std::to_string(headerGetNumber(h.get(), RPMTAG_EPOCH));
    evr = epoch + ":" + evr;
  }
  p.version = evr;
  p.arch = get_string(h.get(), RPMTAG_ARCH);
  const std::string srpm = get_string(h.get(), RPMTAG_SOURCERPM);
  auto [source_name, source_version] = split_source_rpm(srpm);
  p.source_name = source_name.empty() ? p.name : source_name;
  // A source rpm's file name carries no epoch; the binary's applies to both.
  p.source_version = source_version.empty() ? p.version
                                            : (epoch.empty() ? "" : epoch + ":") + source_version;
  if (keep != nullptr && files != nullptr) {
    // RPMTAG_FILENAMES is an extension tag: librpm joins DIRNAMES[DIRINDEXES[i]] + BASENAMES[i].
    std::unique_ptr<rpmtd_s, decltype(&rpmtdFree)> td(rpmtdNew(), rpmtdFree);
    if (headerGet(h.get(), RPMTAG_FILENAMES, td.get(), HEADERGET_EXT)) {
      while (const char* name = rpmtdNextString(td.get())) {
        std::string_view path = name;
        while (path.starts_with('/')) path.remove_prefix(1);
        if (!path.empty() && keep(path)) files->emplace_back(path);
      }
      rpmtdFreeData(td.get());
    }
  }
  return p;
}

}  // namespace strata::worker
