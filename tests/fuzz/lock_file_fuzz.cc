// The text lock files: yarn.lock (v1 and berry YAML), pnpm-lock.yaml, Gemfile.lock, Cargo.lock.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "worker/parser/lang/lang_parsers.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  using namespace strata::worker;
  (void)parse_yarn_lock(text, "yarn.lock");
  (void)parse_pnpm_lock(text, "pnpm-lock.yaml");
  (void)parse_gemfile_lock(text, "Gemfile.lock");
  (void)parse_cargo_lock(text, "Cargo.lock");
  return 0;
}
