// apk-tools' database of installed packages, /lib/apk/db/installed: blocks of "X:value" lines
// separated by blank lines (P name, V version, A arch, o origin, L license, c commit).
// https://wiki.alpinelinux.org/wiki/Apk_spec — Pure: bytes in, packages out.
#pragma once

#include <string_view>

#include "worker/parser/parsed.h"

namespace strata::worker {

ParsedPackages parse_apk_installed(std::string_view text, std::string_view path);

}  // namespace strata::worker
