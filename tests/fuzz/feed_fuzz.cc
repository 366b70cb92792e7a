// Feed parsers on untrusted bytes: OSV JSON, Alpine secdb JSON, the Debian tracker JSON and the
// DSA/DLA list text, OpenVEX documents, ignore files and CVSS vectors, and the round trip of whatever OSV record parses.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/vulndb/feed_batch.h"
#include "common/policy/filter.h"
#include "common/policy/vex.h"
#include "common/vulndb/cvss.h"
#include "common/vulndb/cvss4.h"
#include "common/vulndb/osv_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto v = strata::parse_osv(text)) {
    auto again = strata::parse_osv(strata::to_osv_json(*v));
    if (!again || !(*again == *v)) __builtin_trap();  // the stored form must read back equal
  }
  (void)strata::convert_alpine_secdb(text, "main.json");
  (void)strata::convert_debian_tracker_json(text, "tracker.json");
  (void)strata::convert_debian_advisory_list(text, "DSA/list");
  (void)strata::parse_openvex(text, "doc.vex.json");
  (void)strata::parse_ignore_file(text, ".strataignore");
  // Severity vectors come from the same untrusted records.
  if (auto s = strata::cvss3_base_score(text); s && (*s < 0 || *s > 10)) __builtin_trap();
  if (auto s = strata::cvss4_score(text); s && (*s < 0 || *s > 10)) __builtin_trap();
  return 0;
}
