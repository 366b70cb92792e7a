// What converting one feed file yields: its records in the model, and one line per record that
// had to be skipped (naming the file, the line or id, and why). A bad record never stops a feed.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/vulndb/model.h"

namespace strata {

struct FeedBatch {
  std::vector<Vulnerability> records;
  std::vector<std::string> skipped;
};

// Parses a feed file that must be one JSON object; when it is not, records why in `out.skipped`
// (naming `name`) and returns nullopt.
std::optional<nlohmann::json> parse_feed_object(std::string_view bytes, std::string_view name, FeedBatch& out);

// Alpine secdb JSON (main.json, community.json): {"distroversion", "packages": [{"pkg": {"name",
// "secfixes": {fixed_version: [ids]}}}]}. A fix in version "0" means never affected.
FeedBatch convert_alpine_secdb(std::string_view json, std::string_view name);

// The Debian security tracker JSON: package → CVE → releases → {status, fixed_version, urgency}.
FeedBatch convert_debian_tracker_json(std::string_view json, std::string_view name);

// The tracker's data/DSA/list and data/DLA/list text files.
FeedBatch convert_debian_advisory_list(std::string_view text, std::string_view name);

// "bookworm" → "12"; empty for names that are no stable release (sid, experimental).
std::string debian_release_number(std::string_view codename);

}  // namespace strata
