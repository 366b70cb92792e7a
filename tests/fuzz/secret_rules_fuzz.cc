// A tenant's secret rules file (POST /v1/secret-rules), which the coordinator and every worker
// parse and compile: each input must end in a compiled scanner or an error, never a crash, and
// a compiled scanner must scan text without one.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "worker/api/secret_rules.h"
#include "worker/api/secret_scanner.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > (64 << 10)) return 0;  // the API takes 256 KiB; compiling more only slows the search
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto rules = strata::worker::secret_rules_from_text(text, "fuzz");
  if (!rules) return 0;
  auto scanner = strata::worker::SecretScanner::compile(*rules);
  if (!scanner) return 0;
  (void)(*scanner)->scan("srv/app/.env", "API_KEY=ACME_0123456789abcdef0123456789abcdef\npassword = hunter2\n");
  return 0;
}
