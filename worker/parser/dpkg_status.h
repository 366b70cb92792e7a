// dpkg's database of installed packages: /var/lib/dpkg/status (deb-control(5) stanzas with a
// Status field; only installed ones count) and distroless /var/lib/dpkg/status.d/NAME (one
// stanza per file and no Status field: each one is installed). Pure: bytes in, packages out.
#pragma once

#include <string_view>

#include "worker/parser/parsed.h"

namespace strata::worker {

enum class DpkgDatabase { kStatus, kStatusD };

// `path` names the file in warnings and in each package's `path`.
ParsedPackages parse_dpkg_status(std::string_view text, std::string_view path, DpkgDatabase kind);

// True when `version` is a version dpkg accepts (deb-version(7)): optional numeric epoch, an
// upstream part that starts with a digit, allowed characters only.
bool is_valid_dpkg_version(std::string_view version);

}  // namespace strata::worker
