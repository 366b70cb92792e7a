// Cap'n Proto 0.9 (Debian 12) declares kj's `const char* == StringPtr` overloads only when the
// compiler lacks C++20's rewritten comparisons, then relies on them in capnp/blob.h; clang 16 in
// C++23 mode finds no viable reversed candidate there. Declaring them ahead of the capnp headers
// restores what blob.h expects. Force-included for clang builds only (the fuzz build); newer
// capnp releases fixed this upstream.
#pragma once

#include <kj/string.h>

#if __cpp_impl_three_way_comparison
namespace kj {
inline bool operator==(const char* a, const StringPtr& b) { return b == StringPtr(a); }
inline bool operator!=(const char* a, const StringPtr& b) { return !(b == StringPtr(a)); }
}  // namespace kj
#endif
